"""The dossier as a citizen's checklist: documents to bring, apart from the notes around them.

The national records write a dossier as officials' text: list markers typed by hand ("-", "+", "*",
"a)", "(i)", "1.") at the start of items, notes and "no need to submit" sentences listed as if they
were documents, lead-in lines ending in ":" and whole groups titled "Lưu ý". Nothing here changes
the data: it only reads it.

- A marker is turned into structure (it is never shown): "+" and "++" items sit under the item
  before them; numbered items ("(i)", "a)", "1.") are put in their number's order.
- A document is an item with something to bring: a number of originals or copies, a quantity in
  words, or a form. An item with no copy to bring (``originals: 0`` and no copies) is a note when it
  reads as one (it starts "Trường hợp…", "Đối với…", "Lưu ý…", or is a lead-in ending with ":");
  otherwise it is a document whose number of copies the source does not give.
- A group titled "Lưu ý"/"Ghi chú" holds notes only; groups without a title (they apply to every
  case) come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import entities as m

# A list marker typed at the start of an item or a line: dashes, plus signs, bullets, "(*)", roman or
# latin letters and numbers with a bracket or a dot.
_MARKER = re.compile(
    r"^\s*(?:[-+*•–—]+|\(\*+\)|\(?(?P<roman>[ivxl]{1,5})\)|\(?(?P<letter>[a-zđ])\)"
    r"|\(?(?P<number>\d{1,2})[.)](?!\d))\s*"
)
_NESTED = re.compile(r"^\s*\+")
_NOTE_START = re.compile(
    r"^\(?\s*(?:trường hợp|đối với|lưu ý|chú ý|ghi chú|người (?:tiếp nhận|yêu cầu|có yêu cầu|ủy quyền)"
    r"|cá nhân có quyền|cơ quan (?:đăng ký|tiếp nhận|giải quyết)|bản chụp|việc |khi |nếu |chậm nhất"
    r"|số lượng|phiếu này|trong thời hạn|sau khi|không quy định|không phải)",
    re.IGNORECASE,
)
_NOTE_GROUP = re.compile(r"^(?:lưu ý|chú ý|ghi chú)\b", re.IGNORECASE)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_LETTERS = "abcdđeghiklmnopqrstuvxy"
UNKNOWN_COPIES = "Chưa có thông tin về số bản"


@dataclass(frozen=True)
class Document:
    """One document to bring."""

    name: str
    details: tuple[str, ...]  # the lines after the first, markers removed
    quantity: str  # "1 bản chính, 1 bản sao", the source's words, or UNKNOWN_COPIES; "" if the name says
    form_name: str
    form_url: str
    reusable: bool
    reuse_source: str
    note: str
    nested: bool  # a "+" item under the document before it


@dataclass(frozen=True)
class Note:
    text: str
    nested: bool


@dataclass(frozen=True)
class Group:
    title: str  # the case, markers removed; "" for what applies to every case
    intro: str  # a lead-in line ("… gồm các giấy tờ sau:")
    documents: tuple[Document, ...]
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Checklist:
    groups: tuple[Group, ...]  # groups with at least one document
    notes: tuple[Group, ...]  # groups of notes only ("Lưu ý")

    @property
    def count(self) -> int:
        return sum(len(g.documents) for g in self.groups)


def strip_marker(text: str) -> str:
    """'- Giấy chứng sinh' → 'Giấy chứng sinh'; '(ii) Bản sao…' → 'Bản sao…' (twice at most: '- + x')."""
    for _ in range(2):
        match = _MARKER.match(text)
        if not match or match.end() == 0:
            break
        rest = text[match.end() :]
        if not rest.strip():
            break
        text = rest
    return text.strip()


def ordinal(text: str) -> int | None:
    """The number a marker gives an item: '(iii) …' → 3, 'b) …' → 2, '2. …' → 2; None without one."""
    match = _MARKER.match(text)
    if not match:
        return None
    if match.group("roman"):
        return _roman(match.group("roman"))
    if match.group("letter"):
        return _LETTERS.index(match.group("letter")) + 1
    if match.group("number"):
        return int(match.group("number"))
    return None


def _roman(text: str) -> int | None:
    total = 0
    values = [_ROMAN[c] for c in text]
    for i, value in enumerate(values):
        total += -value if i + 1 < len(values) and values[i + 1] > value else value
    return total or None


def clean_lines(text: str) -> list[str]:
    """A text's non-empty lines with their markers removed."""
    lines = (strip_marker(line) for line in str(text).splitlines())
    return [line for line in lines if any(c.isalnum() for c in line)]


def heading(text: str) -> str:
    """A case title as a heading: markers and a trailing colon removed ('* Giấy tờ phải nộp:' → …)."""
    lines = clean_lines(text)
    return " ".join(lines).rstrip(":： ").strip()


def quantity(document: m.Document) -> str:
    originals, copies = document.originals or 0, document.copies or 0
    parts = [f"{originals} bản chính"] if originals else []
    if copies:
        parts.append(f"{copies} bản sao")
    if parts:
        return ", ".join(parts)
    if document.quantity_text:
        return document.quantity_text
    return "" if re.search(r"\bbản\b", document.name, re.IGNORECASE) else UNKNOWN_COPIES


def _has_copies(document: m.Document) -> bool:
    return bool(document.originals or document.copies or document.quantity_text or document.form)


def is_note(document: m.Document) -> bool:
    """Whether a dossier item is a note rather than something to bring."""
    if _has_copies(document):
        return False
    name = strip_marker(document.name)
    if document.originals is None and document.copies is None and not _NOTE_START.match(name):
        return False  # the source gives no number at all: a document whose copies are unknown
    return bool(_NOTE_START.match(name)) or name.rstrip().endswith(":")


def build(dossier: tuple[m.DossierCase, ...]) -> Checklist:
    groups: list[Group] = []
    notes: list[Group] = []
    for source in dossier:
        title = heading(source.case or "")
        only_notes = bool(_NOTE_GROUP.match(title))
        documents: list[tuple[int | None, int, Document]] = []
        group_notes: list[Note] = []
        intro = ""
        for position, item in enumerate(source.documents):
            raw = item.name
            lines = clean_lines(raw)
            if not lines:
                continue
            nested = bool(_NESTED.match(raw))
            if only_notes or is_note(item):
                text = " ".join(lines)
                if not documents and not group_notes and not intro and text.endswith(":") and not nested:
                    intro = text
                else:
                    group_notes.append(Note(text, nested))
                continue
            documents.append(
                (
                    ordinal(raw),
                    position,
                    Document(
                        name=lines[0],
                        details=tuple(lines[1:]),
                        quantity=quantity(item),
                        form_name=item.form.name if item.form else "",
                        form_url=(item.form.url or "") if item.form else "",
                        reusable=bool(item.reusable),
                        reuse_source=item.reuse_source or "",
                        note=item.note or "",
                        nested=nested and bool(documents),
                    ),
                )
            )
        nested_any = any(d.nested for _, _, d in documents)  # "+" items keep their place under their parent
        ordered = tuple(d for _, _, d in (documents if nested_any else sorted(documents, key=_order)))
        group = Group(title, intro, ordered, tuple(group_notes))
        (groups if ordered else notes).append(group)
    groups.sort(key=lambda g: bool(g.title))  # what applies to every case first; stable otherwise
    return Checklist(tuple(groups), tuple(notes))


def _order(entry: tuple[int | None, int, Document]) -> tuple[int, int, int]:
    """Numbered items in their numbers' order, first; the others after, as the source lists them."""
    number, position, _ = entry
    return (0, number, position) if number is not None else (1, 0, position)


@dataclass(frozen=True)
class Step:
    first: str
    rest: tuple[str, ...]


@dataclass(frozen=True)
class StepGroup:
    case: str
    items: tuple[Step, ...]


def steps(groups: tuple[m.StepGroup, ...]) -> list[StepGroup]:
    """The steps with their markers turned into structure: each item's first line, then its other lines."""
    out = []
    for group in groups:
        items = []
        for text in group.items:
            lines = clean_lines(text)
            if lines:
                items.append(Step(lines[0], tuple(lines[1:])))
        out.append(StepGroup(heading(group.case or ""), tuple(items)))
    return out
