"""Import National Public Service Portal records into a catalog folder.

Stages, each a plain function: :func:`collect_record_files` (files and folders → record paths),
:func:`read_record` (JSON → dict or a reason), parsing (:mod:`.dvcqg_parse`), :func:`merge_procedure`
(keep what the province wrote), :func:`~.files.write_text` (atomic, skips identical content) and
:func:`~.decisions.build_decisions` (one file per publishing decision). :func:`import_records` runs them and
returns an :class:`ImportReport`; nothing here prints.

An existing procedure file is read through the typed model (:func:`.mapping.read_procedure`:
parsed strictly and checked against its schema, as ``catalog validate`` does); one that cannot be
is left as it is and the record skipped (``existing-unreadable``). Decision files:
:mod:`.decisions`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..model import Procedure
from ..model.records import to_mapping
from .decisions import (
    MINISTRY_FOLDERS,
    build_decisions,
    decision_document,
    folder_ministries,
    unnamable_decision,
)
from .dvcqg_parse import order_procedure, parse_record, record_levels
from .files import write_text
from .growth import (
    agency_entries,
    append_entries,
    plan_new_sectors,
    provincial_team,
    record_ministry,
    sector_entries,
)
from .mapping import Mapping, MappingError, load_mapping, read_procedure
from .report import ImportReport
from .text import Note
from .yamlout import dump_yaml

__all__ = [
    "MINISTRY_FOLDERS",
    "build_decisions",
    "decision_document",
    "folder_ministries",
    "import_records",
    "merge_procedure",
    "read_record",
    "write_text",
]

PROCEDURE_SCHEMA = "../../../schemas/procedure.schema.json"
KEPT_ON_REIMPORT = ("local", "sample", "effective_from", "effective_to", "dossier_sets")
LOCAL_STATUSES = ("suspended", "abolished")
Progress = Callable[[int, int], None]


def collect_record_files(sources: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Every ``*.json`` under the given files and folders, sorted, without repeats."""
    found: dict[Path, None] = {}
    problems: list[Diagnostic] = []
    for source in sources:
        if source.is_dir():
            for path in sorted(source.rglob("*.json")):
                if path.is_file():
                    found.setdefault(path, None)
        elif source.is_file():
            found.setdefault(source, None)
        else:
            problems.append(Diagnostic(str(source), 0, 0, "", "source-missing", "no such file or folder"))
    return list(found), problems


def read_record(path: Path) -> dict[str, Any] | str:
    """The record as a dict, or the reason it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read the file: {exc}"
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:  # issue 15: a record nested 100,000 levels deep
        return "the record nests too deeply to be read (a JSON value inside thousands of others)"
    except ValueError as exc:  # a number of more digits than Python reads (a 5,000-digit integer)
        return f"not a record that can be read: {str(exc).split(';')[0]}"
    if not isinstance(data, dict):
        return "not a JSON object"
    return data


def merge_procedure(new: dict[str, Any], existing: Procedure | None) -> dict[str, Any]:
    """National fields from ``new``; the province's own fields from the ``existing`` procedure (read
    through the model): ``local``, ``sample``, ``effective_from``/``effective_to``,
    ``dossier_sets``, a ``status`` of suspended or abolished, and ``last_verified`` when ``new``
    has none (an import without ``--verified-on`` verifies nothing)."""
    if existing is None:
        return new
    merged = dict(new)
    own = to_mapping(existing)  # the model's serializer: the fields as the file writes them
    if "last_verified" not in new and existing.last_verified is not None:
        merged["last_verified"] = existing.last_verified
    for key in KEPT_ON_REIMPORT:
        if key in own and key not in new:
            merged[key] = own[key]
    if existing.status.value in LOCAL_STATUSES:
        merged["status"] = existing.status.value
    return order_procedure(merged)


def existing_procedures(catalog: Path) -> dict[str, Path]:
    """Code → file for the procedure files already in ``catalog/procedures/<agency>/``."""
    found: dict[str, Path] = {}
    for path in sorted((catalog / "procedures").glob("*/*.yaml")):
        found.setdefault(path.stem, path)
    return found


def _diagnostic(file: str, note: Note) -> Diagnostic:
    return Diagnostic(file, 0, 0, note.pointer, note.code, note.message)


def _display(path: Path) -> str:
    return path.as_posix()


def import_records(
    sources: Sequence[Path],
    into: Path,
    *,
    levels: Collection[str] = ("tinh", "xa"),
    dry_run: bool = False,
    verified_on: str | None = None,
    mapping: Mapping | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every record found in ``sources`` into the catalog folder ``into``.

    ``levels`` selects records by ``cap_thuc_hien`` (a record at none of them is out of scope);
    ``verified_on`` (``YYYY-MM-DD``), when given, becomes ``last_verified`` (else an existing
    file's is kept and a new file has none); ``mapping`` maps portal names to ids; by default it is
    read from ``into``'s ``sectors.yaml`` and ``agencies.yaml``
    (:class:`~generator.importer.mapping.MappingError` if they are missing). Sectors and external
    bodies the mapping does not know are created (:mod:`.growth`) and appended to those files.
    With ``dry_run`` nothing is written but the report is the same.
    """
    if mapping is None:
        mapping = load_mapping(into)
    report = ImportReport(dry_run=dry_run, levels=tuple(levels))
    files, missing = collect_record_files(sources)
    report.skipped.extend(missing)
    existing = existing_procedures(into)
    base = into.parent
    seen: dict[str, str] = {}
    decisions: dict[str, list[str]] = {}
    folders: dict[str, set[str]] = {}
    report.records = len(files)
    report.warnings.extend(
        Diagnostic(into.name, 0, 0, "", "mapping-conflict", message) for message in mapping.conflicts
    )
    records = [(path, read_record(path)) for path in files]
    in_scope = [
        (record, path.parent.name)
        for path, record in records
        if isinstance(record, dict) and set(record_levels(record)) & set(levels)
    ]
    plan_new_sectors(in_scope, mapping, levels)
    for done, (path, record) in enumerate(records, 1):
        number = _import_one(
            path, record, into, base, levels, verified_on, mapping, existing, seen, decisions, report
        )
        if number is not None:
            folders.setdefault(number, set()).add(path.parent.name)
        if progress is not None:
            progress(done, len(files))
    _grow_reference(into, mapping, report)
    build_decisions(into, decisions, report, folders)
    if not dry_run:
        os.sync()  # one flush to disk for every file written, instead of one per file
    return report


def _grow_reference(into: Path, mapping: Mapping, report: ImportReport) -> None:
    """Append the sectors and external agencies this import created (and used) to the reference files."""
    sectors = sorted(set(mapping.new_sectors) & report.sectors_used)
    agencies = sorted(set(mapping.new_externals) & report.agencies_used)
    report.created_sectors, report.created_agencies = sectors, agencies
    created = [
        (
            "sectors",
            "sector",
            sector_id,
            f"sector {sector_id!r} ({mapping.new_sectors[sector_id][0]}) created, awaiting review; "
            f"responsible: {mapping.responsible.get(sector_id) or 'none inferred'}",
        )
        for sector_id in sectors
    ] + [
        (
            "agencies",
            "agency",
            agency_id,
            f"external body {mapping.new_externals[agency_id][0]!r} created at level "
            f"{mapping.new_externals[agency_id][1]}, awaiting review",
        )
        for agency_id in agencies
    ]
    for file, kind, ident, message in created:  # one warning per entry created, in the file it goes to
        report.warnings.append(
            Diagnostic(f"{into.name}/{file}.yaml", 0, 0, f"/{file}/{ident}", f"{kind}-created", message)
        )
    if not report.dry_run:
        append_entries(into / "sectors.yaml", "sectors", sector_entries(mapping, sectors))
        append_entries(
            into / "agencies.yaml", "agencies", agency_entries(mapping, provincial_team(into), agencies)
        )


def _import_one(
    path: Path,
    record: dict[str, Any] | str,
    into: Path,
    base: Path,
    levels: Collection[str],
    verified_on: str | None,
    mapping: Mapping,
    existing: dict[str, Path],
    seen: dict[str, str],
    decisions: dict[str, list[str]],
    report: ImportReport,
) -> str | None:
    """Import one record; the number of its publishing decision if it was imported."""
    source = _display(path)
    if isinstance(record, str):
        report.skipped.append(Diagnostic(source, 0, 0, "", "unreadable-record", record))
        return None
    record_level = record_levels(record)
    if not set(record_level) & set(levels):
        where = str(record.get("cap_thuc_hien") or "no level")
        report.out_of_scope.append(
            Diagnostic(
                source, 0, 0, "/cap_thuc_hien", "out-of-scope", f"not at the selected levels ({where})"
            )
        )
        return None
    parsed = parse_record(
        record, mapping=mapping, verified_on=verified_on, ministry=record_ministry(record, path.parent.name)
    )
    report.unmapped_agencies.update(parsed.unmapped_agencies)
    if parsed.unmapped_sector:
        report.unmapped_sectors[parsed.unmapped_sector] += 1
    if parsed.fatal:
        first = parsed.fatal[0]
        reasons = "; ".join(n.message for n in parsed.fatal)
        report.skipped.append(Diagnostic(source, 0, 0, first.pointer, first.code, reasons))
        return None
    unnamable = unnamable_decision(parsed.decision, source)
    if unnamable is not None:  # checked before any write: the record is written whole or not at all
        report.skipped.append(unnamable)
        return None
    code = parsed.code
    if code in seen:
        report.skipped.append(
            Diagnostic(
                source,
                0,
                0,
                "/ma_thu_tuc",
                "duplicate-code",
                f"procedure {code} already imported from {seen[code]}",
            )
        )
        return None
    seen[code] = source
    procedure = parsed.procedure
    target = into / "procedures" / parsed.implementing / f"{code}.yaml"
    display = target.relative_to(base).as_posix()
    report.warnings.extend(_diagnostic(display, n) for n in parsed.notes)
    old_path = existing.get(code)
    old: Procedure | None = None
    if old_path is not None:
        try:
            old = read_procedure(old_path)
        except MappingError as exc:  # keep the province's file rather than clobber it
            report.skipped.append(
                Diagnostic(
                    old_path.relative_to(base).as_posix(),
                    0,
                    0,
                    "",
                    "existing-unreadable",
                    f"existing file cannot be read, not replaced: {exc}",
                )
            )
            return None
    merged = merge_procedure(procedure, old)
    status = write_text(target, dump_yaml(merged, PROCEDURE_SCHEMA), dry_run=report.dry_run)
    if old_path is not None and old_path.resolve() != target.resolve():
        status = "updated"
        report.warnings.append(
            Diagnostic(
                display,
                0,
                0,
                "/agencies/implementing",
                "moved",
                f"moved from {old_path.relative_to(base).as_posix()}",
            )
        )
        if not report.dry_run:
            old_path.unlink()
    {"new": report.imported, "updated": report.updated, "unchanged": report.unchanged}[status].append(display)
    report.count_quality(merged)
    report.sectors_used.add(parsed.sector)
    report.agencies_used.update(parsed.agency_ids)
    decisions.setdefault(parsed.decision, []).append(code)
    return parsed.decision
