"""``thanh_phan_ho_so`` (dossier) → ``dossier``.

Flattened shape: ``[<case heading>]Tên giấy tờMẫu đơn, tờ khaiSố lượng<rows>`` repeated, where a row
is ``<name>[<form file name>]<n> bản chính[,<m> bản sao]`` with nothing between the parts. The
quantity marks the end of a row. Names often mention quantities themselves ("… : 01 bản chính;"),
so a quantity only ends a row when it is glued to what follows (the next row) or ends the text,
and a zero-padded ``01 bản chính`` after a space is always part of a name.
"""

from __future__ import annotations

import re
from typing import Any

from .text import NO_INFO, Note, clean_text, one_line

HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_QUANTITY = re.compile(r"(?P<orig>\d+) ?bản chính(?:, ?(?P<copy>\d+) ?bản sao)?|(?P<copyonly>\d+) ?bản sao")
_FORM_EXT = re.compile(r"\.(?:docx?|pdf|xlsx?|odt|rtf|zip|rar)$", re.IGNORECASE)
# Where a form file name may begin: "Mẫu số 02.docx", "Mau NA20.doc", "Mus02-….docx", "Phụ lục II.docx".
_FORM_PREFIX = re.compile(r"(?i:m[ẫa]u|mus\d|ph[ụu] l[ụu]c|bi[ểe]u m[ẫa]u|t[ờo] khai)")


def parse_dossier(raw: str, pointer: str = "/dossier") -> tuple[list[dict[str, Any]], list[Note]]:
    """Dossier groups (``case`` and ``documents``) and notes about anything kept as text."""
    notes: list[Note] = []
    text = raw.replace("\xa0", " ")
    if _case(text) in ("", NO_INFO):
        return [], notes
    parts = text.split(HEADER)
    if len(parts) == 1:
        notes.append(
            Note(
                f"{pointer}/0/documents/0",
                "dossier-no-table",
                "no dossier table; the whole text is kept as one document",
            )
        )
        return [{"documents": [{"name": clean_text(text)}]}], notes
    groups: list[dict[str, Any]] = []
    heading = parts[0]
    for k, body in enumerate(parts[1:]):
        last = k == len(parts) - 2
        rows, tail = _rows(body)
        group_pointer = f"{pointer}/{len(groups)}"
        documents = [
            _document(name, quantity, f"{group_pointer}/documents/{i}", notes)
            for i, (name, quantity) in enumerate(rows)
        ]
        documents = [d for d in documents if d is not None]
        if last and _case(tail):
            notes.append(
                Note(
                    f"{group_pointer}/documents/{len(documents)}",
                    "dossier-trailing-text",
                    f"text after the last quantity kept as a document: {one_line(tail)[:80]!r}",
                )
            )
            documents.append({"name": clean_text(tail)})
        case = _case(heading)
        if documents:
            group: dict[str, Any] = {"case": case} if case else {}
            group["documents"] = documents
            groups.append(group)
            heading = tail
        else:  # a heading without rows: carry it over to the next table
            heading = f"{heading}\n{tail}" if case else tail
    return groups, notes


def _case(heading: str) -> str:
    """A table's case heading; the portal writes ``--`` for "no heading"."""
    return re.sub(r"^-{2,}\s*|\s*-{2,}$", "", clean_text(heading)).strip()


def _is_row_end(match: re.Match[str], text: str) -> bool:
    digits = match.group("orig") or match.group("copyonly") or ""
    start, end = match.start(), match.end()
    prev = text[start - 1] if start else ""
    nxt = text[end] if end < len(text) else ""
    if re.fullmatch(r"0\d", digits) and (not prev or prev.isspace() or prev in "(:"):
        return False
    if not nxt or not re.match(r"[\s.,;:)]", nxt):
        return True
    return len(digits) == 1 and bool(prev) and not prev.isspace()


def _rows(body: str) -> tuple[list[tuple[str, re.Match[str]]], str]:
    rows: list[tuple[str, re.Match[str]]] = []
    pos = 0
    for match in _QUANTITY.finditer(body):
        if match.start() < pos or not _is_row_end(match, body):
            continue
        rows.append((body[pos : match.start()], match))
        pos = match.end()
    return rows, body[pos:]


def _quantity(digits: str, name: str) -> tuple[int, str]:
    """The count and the name, moving digits glued to the count back to the name ("Mẫu số 181 bản
    chính" is form 18, one original)."""
    if len(digits) == 1 or re.fullmatch(r"0\d", digits):
        return int(digits), name
    return int(digits[-1]), name + digits[:-1]


def _document(name: str, match: re.Match[str], pointer: str, notes: list[Note]) -> dict[str, Any] | None:
    document: dict[str, Any] = {}
    originals: int | None = None
    copies: int | None = None
    if match.group("copyonly"):
        copies, name = _quantity(match.group("copyonly"), name)
    else:
        originals, name = _quantity(match.group("orig"), name)
        copies = int(match.group("copy")) if match.group("copy") else None
    name, forms = _split_forms(one_line(name))
    name = name.strip()
    if not name and forms:
        name = forms[0]
    if not name:
        notes.append(
            Note(pointer, "dossier-empty-row", f"a quantity without a document name: {match.group(0)!r}")
        )
        return None
    document["name"] = name
    if forms:
        document["form"] = {"name": forms[0]}
    if originals is not None:
        document["originals"] = originals
    if copies is not None:
        document["copies"] = copies
    if len(forms) > 1:
        document["note"] = "Mẫu đơn, tờ khai khác: " + "; ".join(forms[1:])
    return document


def _case_glue(stem: str) -> list[int]:
    """Where a word starts glued to the one before: a capital after a small letter ("họcDu án…")
    or a capitalised word after an acronym ("TT-BNNMTBáo cáo…")."""
    return [
        i
        for i in range(1, len(stem))
        if stem[i].isupper()
        and (stem[i - 1].islower() or (stem[i - 1].isupper() and i + 1 < len(stem) and stem[i + 1].islower()))
    ]


def _separator_glue(stem: str) -> list[int]:
    """Positions right after ``;``, ``)`` or a full stop (not one inside a number such as
    ``02.7.2025``) that are followed by a letter with no space (``…/TT-BNNMT;Báo cáo.docx``), or
    by a digit after a sentence's full stop (``…luật sư.6. TP-LS-06.doc``)."""

    def glued(i: int) -> bool:
        before, here = stem[i - 1], stem[i]
        if before in ";)]":
            return here.isalnum() or here == "~"
        return (
            before == "."
            and i >= 2
            and not stem[i - 2].isdigit()
            and (here.isalpha() or (here.isdigit() and stem[i - 2].islower()))
        )

    return [i for i in range(1, len(stem)) if glued(i)]


def _form_start(text: str) -> int:
    """Where the form file name that ends ``text`` begins (0 if the whole text is a file name).

    A heuristic, in order: the last glued "Mẫu…/Mau…/Phụ lục…" (not inside a file name, i.e. not
    after ``-``, ``_`` or ``(``); else the last glued ``;``/``)``/``.``; else a small→capital letter
    glue (the leftmost one after the last space, if any); else the last word.
    """
    stem = _FORM_EXT.sub("", text)
    glued = [
        m.start()
        for m in _FORM_PREFIX.finditer(stem)
        if m.start() == 0 or not (stem[m.start() - 1].isspace() or stem[m.start() - 1] in "-_(")
    ]
    if glued:
        return glued[-1]
    separators = _separator_glue(stem)
    if separators:
        return separators[-1]
    cases = _case_glue(stem)
    if cases:
        after_space = [i for i in cases if i > stem.rfind(" ")]
        return after_space[0] if after_space else cases[-1]
    space = stem.rfind(" ")
    return space + 1 if space >= 0 else 0


def _whole_word(text: str, start: int) -> int:
    """``start`` moved back when it would cut a word (a file name never begins with a small letter
    that continues the word before, "…một" + "lần.doc", nor with "(1).doc"): to the last "Mẫu…"
    before it, else to the start of the word(s) it is inside."""
    if start <= 0 or not (text[start].islower() or text[start] == "(") or text[start - 1] in ";)]":
        return start
    prefixes = [m.start() for m in _FORM_PREFIX.finditer(text, 0, start) if m.start() < start]
    if prefixes:
        return prefixes[-1]
    while start > 0 and (text[start].islower() or text[start] == "(") and not text[start - 1].isspace():
        start -= 1
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in ";)]":
        start -= 1
    if text[start : start + 1] == "(":  # "... (1).doc": the word before belongs to it
        start = text.rfind(" ", 0, max(start - 1, 0)) + 1
    return start


def _split_forms(text: str) -> tuple[str, list[str]]:
    """The name without the form file names glued to its end, and those file names (first first)."""
    forms: list[str] = []
    while _FORM_EXT.search(text):
        start = _whole_word(text, _form_start(text))
        forms.insert(0, text[start:].strip())
        text = text[:start]
    return text.strip(), forms
