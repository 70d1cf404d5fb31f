"""The portal's "Danh sách TTHC" spreadsheets compared with a catalog folder.

A list has a title block, then a header row (Mã số, Tên, Cơ quan ban hành, Cơ quan thực hiện,
Lĩnh vực) and one procedure per row. :func:`compare_lists` reports codes listed but missing from
``catalog/procedures/`` and codes in the catalog that no given list has. The lists cover every
level of government, so a provincial catalog is expected to miss the ministries' own procedures.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from .text import match_key, one_line

CODE = re.compile(r"^\d\.\d{6}$")
COLUMNS = {  # field → header text
    "code": "Mã số",
    "name": "Tên",
    "issuer": "Cơ quan ban hành",
    "agency": "Cơ quan thực hiện",
    "sector": "Lĩnh vực",
}
_HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class ListedProcedure:
    """One row of a list. ``agency`` keeps the list's line breaks as ``; ``."""

    code: str
    name: str
    issuer: str
    agency: str
    sector: str
    file: str
    row: int


@dataclass
class ProcedureList:
    """One spreadsheet: its rows, codes listed twice, and rows or problems that stopped reading."""

    file: str
    header_row: int = 0
    procedures: list[ListedProcedure] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """The lists against the catalog. ``not_listed`` maps a catalog code to its file."""

    catalog: str
    lists: list[ProcedureList]
    catalog_codes: int
    missing_from_catalog: list[ListedProcedure]
    not_listed: dict[str, str]

    @property
    def ok(self) -> bool:
        """True when every list could be read (differences are information, not errors)."""
        return not any(lst.problems for lst in self.lists)


def _cell(value: Any) -> str:
    if isinstance(value, float):  # a code typed as a number: 1.00001 was 1.000010
        return f"{value:.6f}"
    if value is None:
        return ""
    return "; ".join(part for part in (one_line(p) for p in str(value).splitlines()) if part)


def _header(row: tuple[Any, ...]) -> dict[str, int] | None:
    keys = [match_key(_cell(v)) for v in row]
    found = {
        name: keys.index(match_key(title)) for name, title in COLUMNS.items() if match_key(title) in keys
    }
    return found if "code" in found and "name" in found else None


def read_procedure_list(path: Path) -> ProcedureList:
    """Read one "Danh sách TTHC" spreadsheet (first sheet, header row found by its titles)."""
    result = ProcedureList(file=path.as_posix())
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file; report, never a traceback
        result.problems.append(f"cannot read the spreadsheet: {type(exc).__name__}: {exc}")
        return result
    try:
        sheet = workbook.worksheets[0]
        columns: dict[str, int] | None = None
        seen: set[str] = set()
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            if columns is None:
                columns = _header(tuple(row))
                if columns is not None:
                    result.header_row = number
                elif number >= _HEADER_SCAN_ROWS:
                    break
                continue
            values = {name: _cell(row[i]) if i < len(row) else "" for name, i in columns.items()}
            code = values.get("code", "")
            if not code:
                continue
            if not CODE.match(code):
                result.problems.append(f"row {number}: {code!r} is not a procedure code")
                continue
            if code in seen:
                result.duplicates.append(code)
                continue
            seen.add(code)
            result.procedures.append(
                ListedProcedure(
                    code=code,
                    name=values.get("name", ""),
                    issuer=values.get("issuer", ""),
                    agency=values.get("agency", ""),
                    sector=values.get("sector", ""),
                    file=result.file,
                    row=number,
                )
            )
        if columns is None:
            result.problems.append("no header row with 'Mã số' and 'Tên' found")
    finally:
        workbook.close()
    return result


def catalog_codes(catalog: Path) -> dict[str, str]:
    """Code → file (relative to the catalog's parent) of every ``procedures/<agency>/<code>.yaml``."""
    found: dict[str, str] = {}
    for path in sorted((catalog / "procedures").glob("*/*.yaml")):
        if CODE.match(path.stem):
            found.setdefault(path.stem, path.relative_to(catalog.parent).as_posix())
    return found


def compare_lists(paths: list[Path], catalog: Path) -> Comparison:
    """Read every list and compare the union of their codes with the catalog's."""
    lists = [read_procedure_list(path) for path in paths]
    in_catalog = catalog_codes(catalog)
    listed: dict[str, ListedProcedure] = {}
    for lst in lists:
        for item in lst.procedures:
            listed.setdefault(item.code, item)
    missing = [listed[code] for code in sorted(listed) if code not in in_catalog]
    not_listed = {code: in_catalog[code] for code in sorted(in_catalog) if code not in listed}
    return Comparison(
        catalog=catalog.as_posix(),
        lists=lists,
        catalog_codes=len(in_catalog),
        missing_from_catalog=missing,
        not_listed=not_listed,
    )


def render_comparison_text(comparison: Comparison, *, limit: int = 50) -> str:
    """A summary, then up to ``limit`` lines per difference (``limit=0``: all)."""
    lines = []
    for lst in comparison.lists:
        lines.append(
            f"{lst.file}: {len(lst.procedures)} procedures (header on row {lst.header_row})"
            + (f", {len(lst.duplicates)} listed twice: {', '.join(lst.duplicates)}" if lst.duplicates else "")
        )
        lines.extend(f"  problem: {p}" for p in lst.problems)
    lines.append(f"{comparison.catalog}: {comparison.catalog_codes} procedures")
    for title, rows in (
        (
            f"listed but not in the catalog: {len(comparison.missing_from_catalog)}",
            [
                f"  {p.code}  {p.name} [{p.sector}; {p.agency or '-'}]"
                for p in comparison.missing_from_catalog
            ],
        ),
        (
            f"in the catalog but in no list: {len(comparison.not_listed)}",
            [f"  {code}  {path}" for code, path in comparison.not_listed.items()],
        ),
    ):
        lines.append(title)
        shown = rows if limit <= 0 else rows[:limit]
        lines.extend(shown)
        if len(shown) < len(rows):
            lines.append(f"  … {len(rows) - len(shown)} more (use --format json for all)")
    return "\n".join(lines)


def render_comparison_json(comparison: Comparison) -> str:
    payload = {
        "ok": comparison.ok,
        "catalog": comparison.catalog,
        "catalog_codes": comparison.catalog_codes,
        "lists": [
            {
                "file": lst.file,
                "header_row": lst.header_row,
                "procedures": len(lst.procedures),
                "duplicates": lst.duplicates,
                "problems": lst.problems,
            }
            for lst in comparison.lists
        ],
        "missing_from_catalog": [asdict(p) for p in comparison.missing_from_catalog],
        "not_listed": comparison.not_listed,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
