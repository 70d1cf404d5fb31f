"""``catalog new``: a procedure file to fill in, in the right folder, with every field explained.

The scaffold is valid YAML in the catalog's house style with a Vietnamese comment above each field
(the field's title and description from the schema, so comments and tooltips say the same thing).
What the author must decide is left as an empty placeholder (``name: ""``) that ``catalog
validate`` flags, with its line, until it is filled; what can be known is filled in (the code, the
implementing agency, its level, today's date). With a template procedure (``--from-code``) the
national fields are copied from it and only the province's own fields are reset.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import schemadoc, vi_format
from ..importer.yamlout import dump_yaml
from ..model import written
from ..validation.yamlload import load_file, mapping_of

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schemas/procedure.schema.json"
CODE = re.compile(r"\d\.\d{6}\Z")
AGENCY_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # the agency id form of schemas/agencies.schema.json
# Fields that belong to the province or to one file, not copied from a template procedure.
NOT_COPIED = (
    "code",
    "status",
    "effective_from",
    "effective_to",
    "dossier_sets",
    "last_verified",
    "national_portal_url",
    "local",
    "sample",
)
WIDTH = 100


class ScaffoldError(Exception):
    """A usage problem: unknown agency, bad or taken code, a file already there."""


@dataclass
class Agency:
    id: str
    name: str
    level: str | None
    until: str | None
    successor: str | None


def agencies(catalog: Path) -> dict[str, Agency]:
    """The agencies of ``catalog/agencies.yaml`` by id; ScaffoldError if it cannot be read."""
    loaded, problems = load_file(catalog / "agencies.yaml", "catalog/agencies.yaml")
    data = mapping_of(loaded)
    if data is None:
        reason = problems[0].text() if problems else "it does not hold a mapping"
        raise ScaffoldError(f"cannot read catalog/agencies.yaml: {reason}")
    found: dict[str, Agency] = {}
    for item in written.collection("catalog/agencies.yaml", data):
        ident = item.written_id
        # An id not in the schema's form ("../../x") is never a folder name: agencies.yaml may not be valid yet.
        if isinstance(ident, str) and AGENCY_ID.match(ident):
            found.setdefault(
                ident,
                Agency(
                    ident,
                    str(item.written_name or ident),
                    _str(item.level),
                    _str(item.until),
                    _str(item.successor),
                ),
            )
    return found


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def procedure_files(catalog: Path) -> dict[str, Path]:
    """Code → file, for every procedure file (named by its code, as the validator requires)."""
    found: dict[str, Path] = {}
    for path in sorted((catalog / "procedures").glob("*/*.yaml")):
        found.setdefault(path.stem, path)
    return found


def check_agency(known: dict[str, Agency], agency: str) -> Agency:
    if not AGENCY_ID.match(agency):
        raise ScaffoldError(
            f"{agency!r} is not an agency id: ids are lowercase letters, digits and single hyphens, "
            "such as so-tu-phap"
        )
    if agency in known:
        found = known[agency]
        if found.until and found.successor:
            raise ScaffoldError(
                f"agency '{agency}' ({found.name}) ceased on {found.until}; its procedures "
                f"belong to its successor '{found.successor}': use --agency {found.successor}"
            )
        return found
    close = difflib.get_close_matches(agency, list(known), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ScaffoldError(f"unknown agency '{agency}': not in catalog/agencies.yaml{hint}")


def plan(
    catalog: Path, agency: str, code: str | None, from_code: str | None
) -> tuple[Path, dict[str, Any], str]:
    """Where the new file goes, its content and the header note; ScaffoldError if it cannot be made."""
    found = check_agency(agencies(catalog), agency)
    existing = procedure_files(catalog)
    if code is None and from_code is None:
        raise ScaffoldError(
            "give the procedure's code with --code (the code of the National Database of "
            "Administrative Procedures, e.g. 1.001193; the file is named after it), "
            "or copy an existing procedure with --from-code"
        )
    for option, value in (("--code", code), ("--from-code", from_code)):
        if value is not None and not CODE.match(value):
            raise ScaffoldError(f"{option} {value!r} is not a procedure code like 1.001193")
    template: dict[str, Any] | None = None
    if from_code is not None:
        source = existing.get(from_code)
        if source is None:
            raise ScaffoldError(
                f"procedure {from_code} is not in catalog/procedures/ (--from-code copies a "
                "procedure of the catalog)"
            )
        loaded, problems = load_file(source, source.as_posix())
        template = mapping_of(loaded)
        if template is None:
            raise ScaffoldError(
                f"cannot read {source}: {problems[0].message if problems else 'not a mapping'}"
            )
    new_code = code or from_code or ""
    if new_code in existing:
        where = existing[new_code].relative_to(catalog.parent).as_posix()
        raise ScaffoldError(
            f"procedure {new_code} already exists: {where}; edit that file"
            + (", or give the new procedure's own code with --code" if code is None else "")
        )
    target = catalog / "procedures" / agency / f"{new_code}.yaml"
    if not target.resolve().is_relative_to((catalog / "procedures").resolve()):  # a linked agency folder
        raise ScaffoldError(f"catalog/procedures/{agency}/ leads outside the catalog; it is not written")
    if target.exists():
        raise ScaffoldError(f"{target} already exists; it is not overwritten")
    today = date.today().isoformat()
    if template is None:
        data = blank(new_code, found, today)
        note = f"Thủ tục mới của {found.name}, tạo bằng lệnh `catalog new` ngày {vi_format.date(today)}."
    else:
        data = copied(template, new_code, agency, today)
        note = (
            f"Thủ tục mới của {found.name}, tạo ngày {vi_format.date(today)} bằng `catalog new`, sao chép "
            f"phần dữ liệu quốc gia từ thủ tục {from_code}: kiểm tra lại từng trường cho đúng thủ tục mới."
        )
    return target, data, note


def blank(code: str, agency: Agency, today: str) -> dict[str, Any]:
    """A procedure with what is known filled in and a flagged placeholder for everything else."""
    return {
        "code": code,
        "name": "",
        "status": "active",
        "levels": [agency.level] if agency.level else [""],
        "sector": "",
        "applicant_types": [""],
        "agencies": {"implementing": [agency.id]},
        "steps": [{"items": [""]}],
        "channels": [
            {
                "channel": "in_person",
                "processing_time": {"value": 0, "unit": "working_days"},
                "fees": [{"text": ""}],
            }
        ],
        "dossier": [{"documents": [{"name": "", "originals": 1, "copies": 0}]}],
        "results": [{"name": ""}],
        "legal_basis": [{"number": "", "title": ""}],
        "online_level": "",
        "decision": "",
        "last_verified": today,
    }


def copied(template: dict[str, Any], code: str, agency: str, today: str) -> dict[str, Any]:
    """The template's national fields with the new code, agency, status and date, in schema order."""
    data: dict[str, Any] = {key: value for key, value in template.items() if key not in NOT_COPIED}
    data["code"] = code
    data["status"] = "active"
    data["last_verified"] = today
    data["agencies"] = written.with_implementing(template, agency)
    ordered = {key: data[key] for key in schemadoc.properties("procedure", ()) if key in data}
    ordered.update({key: value for key, value in data.items() if key not in ordered})
    return ordered


def render(data: dict[str, Any], note: str) -> str:
    """The file's text: the editor hint, the note, then each field under its explanation."""
    lines = [SCHEMA_COMMENT]
    lines += _wrap(note, "")
    lines += _wrap(
        'Hướng dẫn: điền mọi chỗ để trống (""), sửa các giá trị mẫu cho đúng quyết định công bố, rồi '
        "chạy `catalog validate` để kiểm tra. Dòng bắt đầu bằng dấu # là ghi chú, có thể giữ hoặc xóa.",
        "",
    )
    lines.append("")
    _mapping(data, (), 0, None, lines, set())
    return "\n".join(lines) + "\n"


def _wrap(text: str, pad: str) -> list[str]:
    return [f"{pad}# {line}" for line in textwrap.wrap(text, WIDTH - len(pad) - 2, break_long_words=False)]


def _comment(spath: tuple[str, ...], pad: str) -> list[str]:
    title = schemadoc.title("procedure", spath)
    text = schemadoc.description("procedure", spath)
    if not title and not text:
        return []
    parent = spath[:-1]
    mark = " (bắt buộc)" if spath[-1] in schemadoc.required("procedure", parent) else ""
    head = title or spath[-1]
    text = (text or "").removeprefix(f"{head}: ")
    return _wrap(f"{head}{mark}: {text}".rstrip(": "), pad)


def _mapping(
    value: dict[str, Any],
    spath: tuple[str, ...],
    indent: int,
    dash: str | None,
    out: list[str],
    seen: set[tuple[str, ...]],
) -> None:
    pad = " " * indent
    for n, (key, item) in enumerate(value.items()):
        sub = (*spath, key)
        if sub not in seen:
            seen.add(sub)
            # Above a list item's first key, the comment stands level with the dash.
            out.extend(_comment(sub, dash[:-2] if dash is not None and n == 0 else pad))
        lead = dash if (dash is not None and n == 0) else pad
        if isinstance(item, dict) and item:
            out.append(f"{lead}{key}:")
            _mapping(item, sub, indent + 2, None, out, seen)
        elif isinstance(item, list) and item:
            out.append(f"{lead}{key}:")
            _sequence(item, sub, indent + 2, out, seen)
        else:
            text = dump_yaml({key: item}).rstrip("\n").split("\n")
            out.append(lead + text[0])
            out.extend(pad + line for line in text[1:])


def _sequence(
    items: list[Any], spath: tuple[str, ...], indent: int, out: list[str], seen: set[tuple[str, ...]]
) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, (*spath, "*"), indent + 2, f"{pad}- ", out, seen)
        else:
            text = dump_yaml([item]).rstrip("\n").split("\n")
            out.append(pad + text[0])
            out.extend(pad + line for line in text[1:])


def create(catalog: Path, agency: str, code: str | None, from_code: str | None) -> Path:
    """Write the new procedure file (never over an existing one) and return its path."""
    target, data, note = plan(catalog, agency, code, from_code)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8", newline="\n") as stream:
        stream.write(render(data, note))
    return target
