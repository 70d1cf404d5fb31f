"""One National Public Service Portal record (a dict as scraped) → one procedure dict.

Pure: no files, no clock. :func:`parse_record` needs a :class:`~generator.importer.mapping.Mapping`
for the sector and agency ids and the date to write as ``last_verified``; it returns the procedure
with its keys in ``procedure.schema.json`` order plus notes. Notes marked ``fatal`` mean the record
cannot be imported (no code, no name, unknown sector, no implementing agency…). The implementing
agency is the first of: the agencies the implementing field maps to, those of the competent field,
the sector's ``responsible`` agencies at the record's levels (each a warning note). An agency that
had been dissolved by ``verified_on`` is replaced by its successor (a note).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .agency_names import agency_key, reorganisation
from .decisions import normalise_decision
from .dvcqg_channels import parse_channels
from .dvcqg_dossier import parse_dossier
from .dvcqg_legal import parse_legal_basis
from .mapping import Mapping
from .sections import recover_fields
from .text import NO_INFO, Note, clean_text, is_no_info, one_line
from .text_agency import agency_from_steps, designated_body, mirror_department

PROCEDURE_KEYS = (
    "code",
    "name",
    "description",
    "status",
    "effective_from",
    "effective_to",
    "levels",
    "procedure_type",
    "sector",
    "applicant_types",
    "agencies",
    "receiving_address",
    "steps",
    "channels",
    "dossier",
    "dossier_sets",
    "results",
    "legal_basis",
    "conditions",
    "online_level",
    "postal",
    "decision",
    "last_verified",
    "national_portal_url",
    "keywords",
    "related",
    "import_notes",
    "local",
    "sample",
)
# Notes that say how a value was inferred rather than read: written into the procedure file's
# ``import_notes`` (and counted in the report), so the file says what the record did not.
INFERENCE_KINDS = (
    "section-recovered",
    "sector-created",
    "implementing-from-competent",
    "implementing-designated",
    "implementing-from-steps",
    "implementing-from-sector",
    "implementing-from-level",
    "agency-renamed",
    "agency-succeeded",
    "agency-external",
    "online-level-from-text",
    "online-level-unknown",
    "channel-time-no-unit",
    "channel-fee-from-note",
    "channel-time-fee-split",
    "legal-number-repaired",
    "result-code-placeholder",
)
ROLES_USED = ("implementing", "competent", "authorised", "coordinating")  # agencies of the catalog
AGENCY_ROLES = (  # (procedure key, record field)
    ("implementing", "co_quan_thuc_hien"),
    ("competent", "co_quan_co_tham_quyen"),
    ("authorised", "co_quan_duoc_uy_quyen"),
    ("coordinating", "co_quan_phoi_hop"),
)
LEVELS = {"Cấp tỉnh": "tinh", "Cấp xã": "xa"}
NON_PROVINCE_LEVELS = ("Cấp bộ", "Cơ quan khác")
PROCEDURE_TYPES = {
    "TTHC được giao luật quy định chi tiết": "detailed_by_law",
    "TTHC không được luật giao cho địa phương quy định": "not_delegated",
    "Loại khác": "other",
}
APPLICANT_TYPES = {  # portal wording → schema enum; order of the enum is the output order
    "Công dân Việt Nam": "citizen",
    "Người Việt Nam định cư ở nước ngoài": "overseas_vietnamese",
    "Người nước ngoài": "foreigner",
    "Người nước ngoài cư trú tại Việt Nam": "foreigner",
    "Doanh nghiệp": "business",
    "Doanh nghiệp Việt Nam": "business",
    "Doanh nghiệp có vốn đầu tư nước ngoài": "foreign_invested_business",
    "Hợp tác xã": "cooperative",
    "Tổ chức (không bao gồm doanh nghiệp, HTX)": "organization",
    "Tổ chức nước ngoài": "foreign_organization",
    "Cán bộ, công chức, viên chức": "public_servant",
    "Đảng viên": "party_member",
    "Tổ chức Đảng": "party_organization",
}
APPLICANT_ORDER = (
    "citizen",
    "overseas_vietnamese",
    "foreigner",
    "business",
    "foreign_invested_business",
    "cooperative",
    "organization",
    "foreign_organization",
    "public_servant",
    "party_member",
    "party_organization",
)
CODE = re.compile(r"^\d\.\d{6}$")
RESULT_CODE = re.compile(r"^KQ\.[A-Z0-9]+\.\d+$")
_RESULT_MARK = re.compile(
    r"Mã: ?(KQ\.[A-Z0-9]+\.\d+|[A-Za-z0-9][A-Za-z0-9.\-_/]*?(?=[A-ZĐ][^\W\dA-Z_]|\s|$))"
)
_STEP_MARK = re.compile(
    r"(?:^|(?<=[.;:)] )|(?<=\S )(?=[+•] ?Bước))[ \t]*(?:[-+*•]\s*|[a-zđ]\)\s*|[\d.]+\s+)?Bước\s*(\d+)\s*(?=[:.\s])",
    re.MULTILINE,
)
_DASH_LINE = re.compile(r"^(?=- )", re.MULTILINE)
_PAGE_CODE = re.compile(r"Mã thủ tục\s*(\d\.\d{6})")  # the code as the scraped page shows it
_PAGE_TAIL = "Chọn cơ quan thực hiện"
_SHORT_TEXT = 1000
NAME_LIMIT = 2000  # procedure.schema.json gives the name its own limit


@dataclass
class ParsedRecord:
    """The outcome of parsing one record: ``procedure`` (schema key order) and notes.

    ``unmapped_agencies`` are the agency names found in the record that the mapping does not know
    (they are also written to ``agencies.external``); ``unmapped_sector`` is the portal sector
    name when it is unknown.
    """

    code: str
    procedure: dict[str, Any]
    notes: list[Note] = field(default_factory=list)
    unmapped_agencies: list[str] = field(default_factory=list)
    unmapped_sector: str | None = None
    new_sector: tuple[str, str] | None = None  # (id, portal name) of a sector this record creates
    # What the import needs of the procedure written (set when the record can be imported): the
    # first implementing agency (its folder), the publishing decision, the sector, every agency named.
    implementing: str = ""
    decision: str = ""
    sector: str = ""
    agency_ids: tuple[str, ...] = ()

    @property
    def fatal(self) -> list[Note]:
        return [n for n in self.notes if n.fatal]


def record_levels(record: dict[str, Any]) -> list[str]:
    """The province levels (``tinh``, ``xa``) named in ``cap_thuc_hien``, in that order."""
    named = {one_line(part) for part in str(record.get("cap_thuc_hien") or "").split(",")}
    return [level for portal, level in LEVELS.items() if portal in named]


def order_procedure(procedure: dict[str, Any]) -> dict[str, Any]:
    """The same mapping with keys in schema order (unknown keys last, as found)."""
    ordered = {key: procedure[key] for key in PROCEDURE_KEYS if key in procedure}
    ordered.update({key: value for key, value in procedure.items() if key not in ordered})
    return ordered


def parse_applicants(raw: str) -> tuple[list[str], list[str]]:
    """Applicant types in enum order, and the portal phrases not recognised."""
    text = one_line(raw)
    found: set[str] = set()
    # Longest phrases first: some contain commas, some are prefixes of others.
    for phrase in sorted(APPLICANT_TYPES, key=len, reverse=True):
        pattern = re.compile(r"(?:^|(?<=,))\s*" + re.escape(phrase) + r"\s*(?=,|$)")
        if pattern.search(text):
            found.add(APPLICANT_TYPES[phrase])
            text = pattern.sub("", text)
    unknown = [p.strip() for p in text.split(",") if p.strip() and not is_no_info(p)]
    return [t for t in APPLICANT_ORDER if t in found], unknown


def parse_steps(raw: str, cases: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Steps split before each "Bước N" that starts a line or a sentence (a new list when numbering
    restarts at 1), else on blank lines, else before each line starting with "- "; the text is kept
    as written. ``cases`` are the dossier's case headings: where the steps text starts a line with
    two or more of them, in order, each case gets its own list (``case`` as the steps text says it)."""
    text = clean_text(raw)
    if is_no_info(text):
        return []
    parts = _case_parts(text, cases)
    if parts:
        out: list[dict[str, Any]] = []
        for part in parts:
            marks = list(_STEP_MARK.finditer(part))
            heading = one_line(part[: marks[0].start()] if marks else part.split("\n")[0]).rstrip(" +-*")
            body = part[marks[0].start() :] if marks else part[len(part.split("\n")[0]) :]
            items = [item for group in _split_steps(body) for item in group["items"]]
            if items and heading:
                out.append({"case": heading, "items": items})
            elif items or heading:
                out.append({"items": items or [heading]})
        return out
    return _split_steps(text)


def _case_parts(text: str, cases: Sequence[str]) -> list[str]:
    """The steps text cut where it starts a line with the dossier's case headings, when two or more
    are found in the order given; else []."""
    starts: list[int] = []
    for case in cases:
        probe = one_line(case)[:60]
        if len(probe) < 12:
            return []
        at = next(
            (
                m.start()
                for m in re.finditer(re.escape(probe), text)
                if (m.start() == 0 or text[m.start() - 1] == "\n") and (not starts or m.start() > starts[-1])
            ),
            -1,
        )
        if at < 0:
            return []
        starts.append(at)
    if len(starts) < 2:
        return []
    starts[0] = 0  # a preamble before the first case belongs to it
    return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def _split_steps(text: str) -> list[dict[str, Any]]:
    marks = list(_STEP_MARK.finditer(text))
    if not marks:
        chunks = [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
        if len(chunks) == 1 and len(_DASH_LINE.findall(text)) >= 2:
            chunks = [c.strip() for c in _DASH_LINE.split(text) if c.strip()]
        return [{"items": chunks}] if chunks else []
    groups: list[list[str]] = [[]]
    preamble = text[: marks[0].start()].strip()
    if preamble:
        groups[0].append(preamble)
    for k, mark in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        item = text[mark.start() : end].strip()
        if mark.group(1) == "1" and k > 0 and groups[-1]:
            groups.append([])
        groups[-1].append(item)
    groups = [items for items in groups if items]
    return _named_cases(groups, preamble) or [{"items": items} for items in groups]


_CASE_HEAD = re.compile(
    r"^(?:(?:[a-zđ]\)|\((?:[ivx]+|[a-zđ]|\d+)\)|[IVX]+\.|\d+[.)]|[*+-])\s*\S"
    r"|(?:Đối với|Trường hợp)\b)"
)


def _named_cases(groups: list[list[str]], preamble: str) -> list[dict[str, Any]] | None:
    """Cases named by the line that heads each restart of the numbering ("a) Đối với công dân
    đã…" then "Bước 1…", "b) Trường hợp…" then "Bước 1…"); None unless every list has one."""
    if len(groups) < 2:
        return None
    heads: list[str] = []
    bodies = [list(items) for items in groups]
    for k, items in enumerate(bodies):
        if k == 0:
            if not preamble or items[0] != preamble:
                return None
            lines = preamble.split("\n")
            if len(lines) > 1 and not _CASE_HEAD.match(lines[0]):
                return None
            head, items[:1] = lines[-1].strip(), (["\n".join(lines[:-1]).strip()] if len(lines) > 1 else [])
        else:
            previous = bodies[k - 1]
            lines = previous[-1].split("\n")
            if len(lines) < 2:
                return None
            head = lines[-1].strip()
            previous[-1] = "\n".join(lines[:-1]).strip()
        if not _CASE_HEAD.match(head) or len(head) > 1000:
            return None
        heads.append(head)
    if any(not items for items in bodies):
        return None
    return [{"case": head, "items": items} for head, items in zip(heads, bodies, strict=True)]


def parse_results(
    raw: str, pointer: str = "/results"
) -> tuple[list[dict[str, Any]], list[str], str, list[Note]]:
    """Results (name, code), keywords and description from ``ket_qua_xu_ly``.

    Shape: ``<name>Mã: KQ.G15.000300<name>Mã: …Từ khóa<keywords>Mô tả<description>Chọn cơ quan…``.
    """
    notes: list[Note] = []
    text = raw.split(_PAGE_TAIL)[0]
    body, _, tail = text.partition("Từ khóa")
    keywords_text, _, description = tail.partition("Mô tả")
    keywords = [one_line(keywords_text)[:_SHORT_TEXT]] if not is_no_info(clean_text(keywords_text)) else []
    description = clean_text(description)
    results: list[dict[str, Any]] = []
    pos = 0
    for match in _RESULT_MARK.finditer(body):
        name = clean_text(body[pos : match.start()])
        code = match.group(1)
        pos = match.end()
        if not name:
            notes.append(
                Note(pointer, "result-code-without-name", f"result code {code!r} has no name; not imported")
            )
            continue
        if RESULT_CODE.match(code):
            results.append({"name": name, "code": code})
        elif code[0].islower():
            # Codes of the national system are upper-case letters, digits and separators; what the
            # portal shows here ("dsfas", "rjwegefu") was typed in as a placeholder.
            notes.append(
                Note(
                    f"{pointer}/{len(results)}/name",
                    "result-code-placeholder",
                    f"result code {code!r} on the national portal is not a code (lower-case letters): left out",
                )
            )
            results.append({"name": name})
        else:
            notes.append(
                Note(
                    f"{pointer}/{len(results)}/name",
                    "result-code-nonstandard",
                    f"result code {code!r} is not of the form KQ.X.n; kept in the name",
                )
            )
            results.append({"name": f"{name} (Mã: {code})"})
    rest = clean_text(body[pos:])
    if rest and not is_no_info(rest):
        if results:
            notes.append(
                Note(
                    f"{pointer}/{len(results)}/name",
                    "result-without-code",
                    f"text after the last result code kept as a result: {one_line(rest)[:80]!r}",
                )
            )
        results.append({"name": rest})
    return results, keywords, "" if is_no_info(description) else description, notes


def _agencies(
    record: dict[str, Any],
    mapping: Mapping,
    notes: list[Note],
    unmapped: list[str],
    sector: str | None,
    levels: list[str],
    on: str,
) -> dict[str, Any] | None:
    roles: dict[str, list[str]] = {}
    external: list[str] = []
    named_unmapped: list[str] = []  # the implementing and competent fields' names that map to nothing
    level = levels[0] if levels else "tinh"
    for role, key in AGENCY_ROLES:
        match = mapping.match_agencies(str(record.get(key) or ""), level)
        for name, agency_id, how in match.inferred:
            if how.startswith("renamed:"):
                notes.append(
                    Note(
                        f"/agencies/{role}",
                        "agency-renamed",
                        f"{name!r} is the name before the 2025 reorganisation of {how[8:]!r}: {agency_id}",
                    )
                )
            elif how == "external":
                notes.append(
                    Note(
                        f"/agencies/{role}",
                        "agency-external",
                        f"{name!r} is not an agency of the province: external body {agency_id}",
                    )
                )
            else:
                notes.append(
                    Note(
                        f"/agencies/{role}",
                        "agency-name-folded",
                        f"{name!r} matched {agency_id} ignoring case, diacritics, desk and place",
                    )
                )
        if match.ids:
            roles[role] = _current(list(match.ids), mapping, on, f"/agencies/{role}", notes)
        if role in ("implementing", "competent"):
            named_unmapped.extend(match.unmapped)
        for name in match.unmapped:
            if not _looks_like_name(name):
                notes.append(
                    Note(
                        f"/agencies/{role}",
                        "agency-text-not-a-name",
                        f"text that is not an agency's name left out: {name[:80]!r}",
                    )
                )
                continue
            short = name[:_SHORT_TEXT]
            if short not in external:
                external.append(short)
            if name not in unmapped:
                unmapped.append(name)
    if "implementing" not in roles:
        if "competent" in roles:
            roles["implementing"] = roles["competent"]
            notes.append(
                Note(
                    "/agencies/implementing",
                    "implementing-from-competent",
                    "no implementing agency maps; the competent agency is used as implementing",
                )
            )
        else:
            fallback = _from_text(record, mapping, notes, sector, levels, on, named_unmapped)
            if fallback is None:
                fallback = _responsible(record, mapping, notes, sector, levels)
            if fallback is None:
                return None
            roles["implementing"] = fallback
    agencies: dict[str, Any] = {role: roles[role] for role, _ in AGENCY_ROLES if role in roles}
    if external:
        agencies["external"] = external
    return agencies


def _looks_like_name(text: str) -> bool:
    """False for sentences the scraper left in an agency field (steps, applicant types): long text,
    a list mark, a colon, or no capital letter to start it."""
    stripped = text.strip()
    return (
        len(stripped) <= 200
        and stripped[:1].isupper()
        and not stripped.startswith(("*", "+", "-"))
        and ":" not in stripped
        and stripped not in APPLICANT_TYPES
    )


def _from_text(
    record: dict[str, Any],
    mapping: Mapping,
    notes: list[Note],
    sector: str | None,
    levels: list[str],
    on: str,
    named_unmapped: list[str],
) -> list[str] | None:
    """The implementing agency read from the record's text (:mod:`.text_agency`), with its note;
    None where the text says nothing the province's agencies answer to."""
    steps = str(record.get("trinh_tu_thuc_hien") or "")
    pointer = "/agencies/implementing"
    phrase = designated_body(named_unmapped, steps) if "tinh" in levels else None
    department = mirror_department(mapping, mapping.sector_ministry.get(sector or "")) if phrase else None
    if department is not None:
        # At the record's other levels the sector's responsible agency, as for a record naming none.
        # (the body of the level where a sector created by an import has none).
        rest = [level for level in levels if level != "tinh"]
        others = mapping.responsible_for(sector, rest) if sector else {}
        if sector in mapping.created_sectors or sector in mapping.new_sectors:
            others.update(_level_bodies(mapping, [level for level in rest if level not in others], None))
        also = "".join(
            f"; at level {level} the sector's responsible agency: {a}" for level, a in others.items()
        )
        notes.append(
            Note(
                pointer,
                "implementing-designated",
                f"the record names {phrase!r}, the body the provincial People's Committee designates; "
                f"the department of the sector's ministry is used: {department}{also}",
            )
        )
        return _current(list(dict.fromkeys([department, *others.values()])), mapping, on, pointer, notes)
    found = agency_from_steps(steps, mapping, levels)
    if found is None:
        return None
    ids = ", ".join(found.ids)
    if found.how == "steps":
        message = (
            f"the record names no agency of the province; its steps send the dossier to {found.said!r}: {ids}"
        )
    else:
        message = (
            f"the record names no agency of the province; of the province's agencies its steps name "
            f"only {found.said!r} (a People's Committee aside): {ids}"
        )
    notes.append(Note(pointer, "implementing-from-steps", message))
    return _current(list(found.ids), mapping, on, pointer, notes)


def _current(ids: list[str], mapping: Mapping, on: str, pointer: str, notes: list[Note]) -> list[str]:
    """``ids`` with every agency that had ended by ``on`` replaced by its successor (a note each)."""
    out: list[str] = []
    for agency in ids:
        current, ended_on = mapping.current_agency(agency, on)
        if ended_on is not None:
            notes.append(
                Note(
                    pointer,
                    "agency-succeeded",
                    f"the record names {agency}, which ended on {ended_on}; its successor {current} is used",
                )
            )
        if current not in out:
            out.append(current)
    return out


def _level_bodies(mapping: Mapping, levels: list[str], ministry: str | None) -> dict[str, str]:
    """{level: id}: at the provincial level the department that mirrors the sector's ministry (Bộ
    Tư pháp → Sở Tư pháp, Bộ Nông nghiệp và Môi trường → Sở Nông nghiệp và Môi trường), if the
    province has it; else, and at other levels, the People's Committee of the level
    (``level_bodies`` in data/reorganisation-2025.yaml)."""
    bodies = reorganisation().level_bodies
    found: dict[str, str | None] = {}
    for level in levels:
        mirror = None
        if level == "tinh" and ministry and ministry.startswith("Bộ "):
            mirror = mapping.folded.get(agency_key("Sở " + ministry[3:]))
        found[level] = mirror or (mapping.folded.get(agency_key(bodies[level])) if level in bodies else None)
    return {level: agency for level, agency in found.items() if agency}


def _responsible(
    record: dict[str, Any], mapping: Mapping, notes: list[Note], sector: str | None, levels: list[str]
) -> list[str] | None:
    """The sector's responsible agencies at the record's levels, for a record whose implementing
    and competent fields name no agency of the province; None (and a fatal note) if there are none."""
    named = [one_line(record.get(key) or "") for key in ("co_quan_thuc_hien", "co_quan_co_tham_quyen")]
    named = [text for text in named if not is_no_info(text)]
    said = f"the record names {' / '.join(named)[:160]!r}" if named else "the record names no agency"
    found = mapping.responsible_for(sector, levels) if sector else {}
    created = sector in mapping.created_sectors or sector in mapping.new_sectors
    if created and len(found) < len(levels):
        body = _level_bodies(
            mapping,
            [level for level in levels if level not in found],
            mapping.sector_ministry.get(sector or ""),
        )
        if body:
            notes.append(
                Note(
                    "/agencies/implementing",
                    "implementing-from-level",
                    f"neither the record nor its sector (created by an import) names an agency at level "
                    f"{', '.join(body)}; the body of that level for the sector's ministry is used: "
                    f"{', '.join(body.values())}; {said}",
                )
            )
            if not found:
                return list(dict.fromkeys(body.values()))
            found = {**found, **body}
    if not found:
        where = f"sector {sector!r}" if sector else "the record's sector"
        shown = ", ".join(levels) or "none"
        if named:
            code = "no-implementing-agency"
            message = (
                f"no implementing or competent agency maps to agencies.yaml: {' / '.join(named)[:160]!r}"
            )
        else:
            code, message = "no-agency-in-record", "the record names no implementing or competent agency"
        notes.append(
            Note(
                "/agencies/implementing",
                code,
                f"{message}, and {where} has no responsible agency at its levels ({shown})",
                fatal=True,
            )
        )
        return None
    ids = list(dict.fromkeys(found.values()))
    taken = ", ".join(f"{agency} ({level})" for level, agency in found.items())
    missing = [level for level in levels if level not in found]
    extra = f"; none at level {', '.join(missing)}" if missing else ""
    inferred = (
        " (inferred by an import from the sector's other records, awaiting review)"
        if sector in mapping.created_sectors or sector in mapping.new_sectors
        else ""
    )
    notes.append(
        Note(
            "/agencies/implementing",
            "implementing-from-sector",
            f"implementing agency taken from the sector's responsible agency{inferred}: {taken}{extra}; {said}",
        )
    )
    return ids


def online_level(name: str, channels: list[dict[str, Any]], steps: str) -> tuple[str, Note | None]:
    """``online_level`` from evidence only: ``none`` without an online channel; else what the name,
    the online channel's description or the steps say ("… trực tuyến toàn trình", "… một phần");
    ``unknown`` (with a note) when nothing says it."""
    online = [c for c in channels if c["channel"] == "online"]
    if not online:
        return "none", None
    for where, text in (
        ("name", name),
        ("online channel", " ".join(str(c.get("description", "")) for c in online)),
        ("steps", steps),
    ):
        folded = " ".join(unicodedata.normalize("NFC", text).lower().split())
        full, partial = bool(_FULL.search(folded)), bool(_PARTIAL.search(folded))
        if full != partial:
            level = "full" if full else "partial"
            if where == "name":
                return level, None
            return level, Note(
                "/online_level",
                "online-level-from-text",
                f"the {where} text says the online service is {'toàn trình' if full else 'một phần'}",
            )
    return "unknown", Note(
        "/online_level",
        "online-level-unknown",
        "the record has an online channel but does not say whether it is toàn trình or một phần",
    )


_FULL = re.compile(r"\b(?:trực tuyến|dịch vụ công) toàn trình\b")
_PARTIAL = re.compile(r"\b(?:trực tuyến|dịch vụ công) một phần\b")


def parse_record(
    record: dict[str, Any], *, mapping: Mapping, verified_on: str | None, ministry: str | None = None
) -> ParsedRecord:
    """Parse one portal record. ``verified_on`` (``YYYY-MM-DD``), when given, becomes
    ``last_verified``; ``ministry`` is the ministry a sector created for this record belongs to."""
    notes: list[Note] = []
    code = one_line(record.get("ma_thu_tuc"))
    parsed = ParsedRecord(code=code, procedure={}, notes=notes)
    if not CODE.match(code):
        notes.append(
            Note("/code", "bad-code", f"procedure code {code!r} is not of the form 1.001193", fatal=True)
        )
    page_code = _PAGE_CODE.search(str(record.get("raw_text") or ""))
    if page_code and CODE.match(code) and page_code.group(1) != code:
        notes.append(
            Note(
                "/code",
                "code-mismatch",
                f"the page text saved with {code} is that of procedure {page_code.group(1)} "
                f'("Mã thủ tục{page_code.group(1)}"): the record holds another procedure\'s content',
                fatal=True,
            )
        )
    else:
        record, recovered = recover_fields(record)
        notes.extend(recovered)
    name = one_line(record.get("ten_thu_tuc"))
    if not name:
        notes.append(Note("/name", "no-name", "the record has no procedure name", fatal=True))
    elif len(name) > NAME_LIMIT:
        notes.append(Note("/name", "name-too-long", f"name longer than {NAME_LIMIT} characters", fatal=True))
    levels = record_levels(record)
    if not levels:
        notes.append(
            Note(
                "/levels",
                "no-province-level",
                f"not at province or commune level ({one_line(record.get('cap_thuc_hien'))!r})",
                fatal=True,
            )
        )
    sector_name = one_line(record.get("linh_vuc"))
    sector = mapping.sector_id(sector_name) if sector_name else None
    if sector is None and sector_name and not is_no_info(sector_name):
        sector = mapping.new_sector(sector_name, ministry)
        parsed.new_sector = (sector, sector_name)
    if sector is None:
        parsed.unmapped_sector = sector_name or NO_INFO
        notes.append(Note("/sector", "unknown-sector", "the record names no sector", fatal=True))
    elif sector in mapping.created_sectors or sector in mapping.new_sectors:
        notes.append(
            Note(
                "/sector",
                "sector-created",
                f"sector {sector!r} was created by an import from the record's name {sector_name!r} "
                f"and awaits review in sectors.yaml",
            )
        )
    agencies = _agencies(
        record, mapping, notes, parsed.unmapped_agencies, sector, levels, verified_on or "9999-12-31"
    )
    written = one_line(record.get("so_quyet_dinh"))
    decision = normalise_decision(written)
    if not decision or is_no_info(decision):
        notes.append(Note("/decision", "no-decision", "the record names no publishing decision", fatal=True))
    elif decision != written:
        notes.append(
            Note("/decision", "decision-number-normalised", f"decision {written!r} written as {decision!r}")
        )

    procedure: dict[str, Any] = {"code": code, "name": name, "status": "active", "levels": levels}
    procedure_type = PROCEDURE_TYPES.get(one_line(record.get("loai_thu_tuc")))
    if procedure_type:
        procedure["procedure_type"] = procedure_type
    elif not is_no_info(one_line(record.get("loai_thu_tuc"))):
        notes.append(
            Note(
                "/procedure_type",
                "unknown-procedure-type",
                f"procedure type {one_line(record.get('loai_thu_tuc'))!r} not recognised; left out",
            )
        )
    procedure["sector"] = sector
    applicants, unknown = parse_applicants(str(record.get("doi_tuong_thuc_hien") or ""))
    if applicants:
        procedure["applicant_types"] = applicants
    for phrase in unknown:
        notes.append(
            Note(
                "/applicant_types",
                "unknown-applicant-type",
                f"applicant type {phrase!r} not recognised; left out",
            )
        )
    procedure["agencies"] = agencies
    address = clean_text(record.get("dia_chi_tiep_nhan"))
    if not is_no_info(address):
        procedure["receiving_address"] = address
    dossier, dossier_notes = parse_dossier(str(record.get("thanh_phan_ho_so") or ""))
    notes.extend(dossier_notes)
    steps_raw = str(record.get("trinh_tu_thuc_hien") or "")
    steps = parse_steps(steps_raw, [str(group["case"]) for group in dossier if group.get("case")])
    if steps:
        procedure["steps"] = steps
    channels, channel_notes = parse_channels(str(record.get("cach_thuc_thuc_hien") or ""))
    notes.extend(channel_notes)
    if channels:
        procedure["channels"] = channels
    if dossier:
        procedure["dossier"] = dossier
    conditions_raw = str(record.get("yeu_cau_dieu_kien") or "")
    results_raw = str(record.get("ket_qua_xu_ly") or "")
    if "Từ khóa" in conditions_raw:  # the page's result block slipped into this field
        conditions_raw, _, spill = conditions_raw.partition("Từ khóa")
        if "Từ khóa" not in results_raw:
            results_raw = f"{results_raw}Từ khóa{spill}"
    results, keywords, description, result_notes = parse_results(results_raw)
    notes.extend(result_notes)
    if description:
        procedure["description"] = description
    if results:
        procedure["results"] = results
    legal_basis, legal_notes = parse_legal_basis(str(record.get("can_cu_phap_ly") or ""))
    notes.extend(legal_notes)
    if legal_basis:
        procedure["legal_basis"] = legal_basis
    conditions = clean_text(conditions_raw)
    if not is_no_info(conditions):
        procedure["conditions"] = conditions
    kinds = {c["channel"] for c in channels}
    level, level_note = online_level(name, channels, steps_raw)
    procedure["online_level"] = level
    if level_note is not None:
        notes.append(level_note)
    if "postal" in kinds:
        procedure["postal"] = {"receive": True}
    procedure["decision"] = decision
    if verified_on is not None:
        procedure["last_verified"] = verified_on
    url = one_line(record.get("detail_url"))
    if re.match(r"^https?://[^\s<>\"']+$", url):
        procedure["national_portal_url"] = url
    if keywords:
        procedure["keywords"] = keywords
    related = sorted(set(re.findall(r"\b\d\.\d{6}\b", str(record.get("thu_tuc_lien_quan") or ""))) - {code})
    if related:
        procedure["related"] = related
    inferences = [
        {"field": n.pointer, "kind": n.code, "note": n.message} for n in notes if n.code in INFERENCE_KINDS
    ]
    if inferences:
        procedure["import_notes"] = inferences
    parsed.procedure = order_procedure(procedure)
    if agencies is not None and sector is not None:
        parsed.implementing = agencies["implementing"][0]
        parsed.agency_ids = tuple(dict.fromkeys(a for role in ROLES_USED for a in agencies.get(role, ())))
    parsed.decision, parsed.sector = decision, sector or ""
    return parsed
