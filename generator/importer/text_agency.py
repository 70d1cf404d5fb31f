"""The implementing agency read from a record's text when its agency fields name none of the province.

Three readings, in this order, each written in the procedure file with its import note:

- **designated** (:func:`designated_body`): the agency field names "the body the provincial People's
  Committee designates" ("Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ định", ``designated``
  in data/reorganisation-2025.yaml): the department that mirrors the sector's ministry;
- **submitted to** (:func:`agency_from_steps`): a sentence of the steps sends the dossier to an
  agency of the province ("nộp hồ sơ đến Sở …", "gửi thông báo cho Cơ quan đăng ký đầu tư"): the
  first agency of the province named after "nộp"/"gửi" and a preposition in that sentence (national
  bodies named before it are passed over: "nộp hồ sơ tại Cục …; Phòng … Công an cấp tỉnh"; what
  a body sends, "Cơ quan đăng ký kinh doanh gửi thông tin cho Cơ quan thuế", is no dossier). A body
  named by its function ("Cơ quan thuế") counts as the body that does that work at the record's
  levels (the ``departments`` renamings);
- **the only one named**: no sentence sends the dossier anywhere, but the steps name one agency of
  the province (People's Committees aside when they name another: the committee decides, the other
  handles the dossier) and no other body ("cơ quan thẩm định", "Cơ quan đăng ký kinh doanh cấp xã":
  a body the province's list cannot tell makes the reading unsafe, and nothing is taken).

The one-stop desks (kinds ``service_center``, ``office``) are never taken: they receive every
agency's dossiers and decide none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .agency_names import agency_key, fold, reorganisation
from .mapping import Mapping

_DESKS = ("service_center", "office")
_SENTENCE = re.compile(r"\.(?:\s|$)|[\n;]\s*(?=[-+*•]|bước|b\d)|\n\s*\n", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^a-z0-9;]+")
_TRIGGERS = ("nop", "gui")
# "nộp phí / lệ phí / tiền / thuế" pay; "gửi kết quả / quyết định / giấy …" send the answer back.
_NOT_DOSSIER = ("phi", "le", "tien", "thue", "ket", "quyet", "giay")
# "Cơ quan đăng ký kinh doanh cấp xã gửi thông tin … cho Cơ quan thuế": one body informs another.
_BODY_WORDS = {("co", "quan"), ("bo", "phan"), ("can", "bo")}
_PASSIVE = ("duoc", "se", "bi")  # "Quyết định … được gửi đến cơ quan thuế": the answer, not the dossier
# The words right before the body a dossier is sent to: a preposition, the verb itself ("gửi Sở
# Tài chính"), or the separator of alternatives ("tại Cục …; Phòng …", "… hoặc Sở …").
_BEFORE_BODY = ("den", "tai", "cho", "toi", "ve", "len", "nop", "gui", ";", "hoac")
_WINDOW = 40  # words after the verb in which the receiving body is looked for


@dataclass(frozen=True)
class Found:
    """Agency ids (one per level for a body named by its function), how they were found (``steps``
    or ``named``) and the words of the text that named them (folded)."""

    ids: tuple[str, ...]
    how: str
    said: str


def _words(text: str) -> list[str]:
    """Folded words as in :func:`agency_key`; a semicolon is kept as a word (it separates the
    bodies a dossier may go to)."""
    text = fold(text).replace("uy ban nhan dan", "ubnd").replace(";", " ; ")
    text = re.sub(r"\bcap (tinh|xa|huyen)\b", r"\1", _NOT_WORD.sub(" ", text))
    return text.split()


def _candidates(mapping: Mapping, levels: Sequence[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Folded names (as word tuples) → the agency ids they stand for at the record's ``levels``."""
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, agency_id in mapping.folded.items():
        words = tuple(key.split())
        if (
            agency_id is not None
            and len(words) >= 2
            and mapping.agency_levels.get(agency_id) in levels
            and mapping.agency_kinds.get(agency_id) not in _DESKS
            and agency_id not in mapping.created_agencies
        ):
            out[words] = (agency_id,)
    functions: dict[tuple[str, ...], list[str]] = {}
    for level in levels:
        for renaming in reorganisation().departments:
            if renaming.level is not None and renaming.level != level:
                continue
            agency_id = mapping.folded.get(agency_key(renaming.new))
            if agency_id is None or mapping.agency_levels.get(agency_id) != level:
                continue
            ids = functions.setdefault(tuple(agency_key(renaming.old).split()), [])
            if agency_id not in ids:
                ids.append(agency_id)
    for words, ids in functions.items():
        out.setdefault(words, tuple(ids))
    return out


def _match_at(
    words: list[str], i: int, names: dict[tuple[str, ...], tuple[str, ...]], longest: int
) -> tuple[int, tuple[str, ...]] | None:
    for n in range(min(longest, len(words) - i), 1, -1):
        ids = names.get(tuple(words[i : i + n]))
        if ids is not None:
            return n, ids
    return None


def agency_from_steps(steps: str, mapping: Mapping, levels: Sequence[str]) -> Found | None:
    """The agency the steps send the dossier to, else the only one they name (see the module text)."""
    if not steps or not levels:
        return None
    names = _candidates(mapping, levels)
    if not names:
        return None
    longest = max(len(w) for w in names)
    named: dict[tuple[str, ...], str] = {}
    sent: dict[tuple[str, ...], str] = {}  # every body a dossier is sent to (one per case of the steps)
    unnamed_bodies = 0  # "cơ quan …" that is no known body: the steps name a body we cannot tell
    for sentence in _SENTENCE.split(steps):
        words = _words(sentence)
        trigger = rejected = -1
        body_first = False  # a body acts earlier in the sentence: what it sends is not the dossier
        i = 0
        while i < len(words):
            word = words[i]
            if word in _TRIGGERS:
                if (
                    not body_first
                    and (i + 1 >= len(words) or words[i + 1] not in _NOT_DOSSIER)
                    and (i == 0 or words[i - 1] not in _PASSIVE)
                ):
                    trigger = i
                else:
                    rejected = i
            if trigger < 0 and tuple(words[i : i + 2]) in _BODY_WORDS:
                body_first = True
            hit = _match_at(words, i, names, longest)
            if hit is None:
                unnamed_bodies += tuple(words[i : i + 2]) == ("co", "quan")
                i += 1
                continue
            if trigger < 0:
                body_first = True
            n, ids = hit
            said = " ".join(words[i : i + n])
            if 0 <= trigger < i <= trigger + _WINDOW and words[i - 1] in _BEFORE_BODY:
                sent.setdefault(ids, said)
                trigger = -1  # one body per "nộp"/"gửi": the rest of the sentence is not where it goes
                i += n
                continue
            # The body a decision or information is sent to ("… được gửi đến cơ quan thuế") is not
            # one that handles the dossier.
            if not (0 <= rejected < i <= rejected + _WINDOW and words[i - 1] in _BEFORE_BODY):
                named.setdefault(ids, said)
            i += n
    if sent:
        rank = {level: n for n, level in enumerate(levels)}
        ids_sent = dict.fromkeys(a for ids in sent for a in ids)
        ordered = sorted(ids_sent, key=lambda a: rank.get(mapping.agency_levels.get(a, ""), len(rank)))
        return Found(tuple(ordered), "steps", " / ".join(sent.values()))
    others = {ids: said for ids, said in named.items() if not all(is_committee(mapping, a) for a in ids)}
    chosen = others or named
    if len(chosen) == 1 and not unnamed_bodies:
        ids, said = next(iter(chosen.items()))
        return Found(ids, "named", said)
    return None


def is_committee(mapping: Mapping, agency_id: str) -> bool:
    """A People's Committee: of kind ``peoples_committee``, or the body of its level
    (``level_bodies``: "Ủy ban nhân dân cấp xã" stands for every commune's committee)."""
    if mapping.agency_kinds.get(agency_id) == "peoples_committee":
        return True
    body = reorganisation().level_bodies.get(mapping.agency_levels.get(agency_id, ""))
    return body is not None and mapping.folded.get(agency_key(body)) == agency_id


def mirror_department(mapping: Mapping, ministry: str | None) -> str | None:
    """The province's department that mirrors a ministry (Bộ Tư pháp → Sở Tư pháp), if it has one."""
    if not ministry or not ministry.startswith("Bộ "):
        return None
    return mapping.folded.get(agency_key("Sở " + ministry[3:]))


def designated_body(names: Sequence[str], steps: str) -> str | None:
    """The phrase, among the agency fields' unmapped ``names`` or in the steps, that names "the body
    the provincial People's Committee designates"; None if there is none."""
    data = reorganisation()
    for name in names:
        if data.is_designated(name):
            return name
    text = " ".join(_words(steps))
    for phrase in data.designated:
        if f" {phrase} " in f" {text} ":
            return phrase
    return None
