"""Import National Public Service Portal records into a catalog folder.

Stages, each a plain function: :func:`collect_record_files` (files and folders → record paths),
:func:`read_record` (JSON → dict or a reason), parsing (:mod:`.dvcqg_parse`), :func:`merge_procedure`
(keep what the province wrote), :func:`write_text` (atomic, skips identical content) and
:func:`build_decisions` (one file per publishing decision). :func:`import_records` runs them and
returns an :class:`ImportReport`; nothing here prints.

A decision's issuer is read from its number's code (``163/QĐ-BTP`` → Bộ Tư pháp); numbers without
one (``1681``, ``01/QĐCB``) take the ministry whose folder the records came from
(:data:`MINISTRY_FOLDERS`: the layout of the shared portal records), with a warning.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from .agency_names import reorganisation
from .dvcqg_legal import issuer_of
from .dvcqg_parse import order_procedure, parse_record, record_levels
from .growth import (
    agency_entries,
    append_entries,
    plan_new_sectors,
    provincial_team,
    record_ministry,
    sector_entries,
)
from .mapping import Mapping, load_mapping
from .report import ImportReport
from .text import Note, slugify
from .yamlout import dump_yaml, load_yaml

PROCEDURE_SCHEMA = "../../../schemas/procedure.schema.json"
DECISION_SCHEMA = "../../schemas/decision.schema.json"
KEPT_ON_REIMPORT = ("local", "sample", "effective_from", "effective_to", "dossier_sets")
LOCAL_STATUSES = ("suspended", "abolished")
DECISION_KEYS = (
    "number",
    "title",
    "date",
    "effective_from",
    "issuer",
    "signer",
    "scope",
    "url",
    "procedures",
    "sample",
)
DECISION_LISTS = ("new", "amended", "abolished")
# Folder of the records (records/<ministry>/<code>.json) → the ministry that published them.
MINISTRY_FOLDERS = reorganisation().ministry_folders
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


MAX_SLUG_BYTES = 200  # decision file names; file systems allow 255 bytes


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
    if not isinstance(data, dict):
        return "not a JSON object"
    return data


def write_text(path: Path, text: str, *, dry_run: bool) -> str:
    """Write ``text`` atomically unless the file already holds exactly it.

    Returns ``"new"``, ``"updated"`` or ``"unchanged"``. The text goes to a temporary file in the
    same folder, is flushed to disk, then replaces the target in one step.
    """
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    if current == text:
        return "unchanged"
    status = "new" if current is None else "updated"
    if dry_run:
        return status
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temp_name).replace(path)  # atomic: a reader sees the old file or the new one
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return status


def merge_procedure(new: dict[str, Any], existing: Any) -> dict[str, Any]:
    """National fields from ``new``; the province's own fields from ``existing``: ``local``,
    ``sample``, ``effective_from``/``effective_to``, ``dossier_sets``, a ``status`` of
    suspended or abolished, and ``last_verified`` when ``new`` has none (an import without
    ``--verified-on`` verifies nothing)."""
    if not isinstance(existing, dict):
        return new
    merged = dict(new)
    if "last_verified" not in new and isinstance(existing.get("last_verified"), str):
        merged["last_verified"] = existing["last_verified"]
    for key in KEPT_ON_REIMPORT:
        if key in existing and key not in new:
            merged[key] = existing[key]
    if existing.get("status") in LOCAL_STATUSES:
        merged["status"] = existing["status"]
    return order_procedure(merged)


def existing_procedures(catalog: Path) -> dict[str, Path]:
    """Code → file for the procedure files already in ``catalog/procedures/<agency>/``."""
    found: dict[str, Path] = {}
    for path in sorted((catalog / "procedures").glob("*/*.yaml")):
        found.setdefault(path.stem, path)
    return found


def normalise_decision(number: str) -> str:
    """A decision number as the catalog writes it: ``QD`` (a missing stroke) becomes ``QĐ``."""
    return re.sub(r"(?<![A-ZĐ])QD(?![A-ZĐ])", "QĐ", number)


def folder_ministries(folders: Iterable[str]) -> list[str]:
    """The ministries the record folders name (:data:`MINISTRY_FOLDERS`), sorted, without repeats;
    folders not in the table are ignored."""
    return sorted({MINISTRY_FOLDERS[f] for f in folders if f in MINISTRY_FOLDERS})


def decision_document(
    number: str, codes: Collection[str], existing: Any, fallback_issuer: str | None = None
) -> dict[str, Any]:
    """The decision file's content: ``existing`` kept, ``codes`` added to ``procedures.new``
    unless already listed as new, amended or abolished. A document without an issuer (new, or an
    existing file that has none) takes the one its number names, else ``fallback_issuer``."""
    if isinstance(existing, dict):
        document = dict(existing)
    else:
        document = {"number": number}
        issuer = issuer_of(number)
        if issuer:
            document["issuer"] = issuer
        document["scope"] = "provincial" if re.search(r"UBND", number) else "national"
    if "issuer" not in document:
        issuer = issuer_of(number) or fallback_issuer
        if issuer:
            document["issuer"] = issuer
    procedures = document.get("procedures")
    procedures = dict(procedures) if isinstance(procedures, dict) else {}
    listed = {code for key in DECISION_LISTS for code in procedures.get(key) or () if isinstance(code, str)}
    new = [code for code in procedures.get("new") or () if isinstance(code, str)]
    new = sorted(set(new) | (set(codes) - listed))
    if new:
        procedures["new"] = new
    document["procedures"] = {
        key: procedures[key] for key in (*DECISION_LISTS, *procedures) if key in procedures
    }
    ordered = {key: document[key] for key in DECISION_KEYS if key in document}
    ordered.update({key: value for key, value in document.items() if key not in ordered})
    return ordered


def build_decisions(
    catalog: Path,
    decisions: dict[str, list[str]],
    report: ImportReport,
    folders: MappingABC[str, Collection[str]] | None = None,
) -> None:
    """Write one ``catalog/decisions/<slug>.yaml`` per decision number with its imported codes.

    ``folders`` gives, per number, the folders its records came from: when the number names no
    issuer, is not a People's Committee's (``UBND``, ``HĐND``) and its records all come from one
    ministry's folder (:data:`MINISTRY_FOLDERS`), that ministry is the issuer."""
    base = catalog.parent
    folders = folders or {}
    for number in sorted(decisions):
        slug = slugify(number) or "khong-so"
        if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:  # issue 15: no file can be named after it
            report.skipped.append(
                Diagnostic(
                    "catalog/decisions",
                    0,
                    0,
                    "/decision",
                    "decision-number-too-long",
                    f"a decision number of {len(number):,} characters cannot name a file "
                    f"(at most {MAX_SLUG_BYTES} bytes): {number[:60]!r}…",
                )
            )
            continue
        path = catalog / "decisions" / f"{slug}.yaml"
        display = path.relative_to(base).as_posix()
        existing = None
        if path.exists():
            try:
                existing = load_yaml(path.read_text(encoding="utf-8"))
            except Exception as exc:  # noqa: BLE001 - a broken file is reported, never overwritten
                report.warnings.append(
                    Diagnostic(
                        display,
                        0,
                        0,
                        "",
                        "decision-unreadable",
                        f"existing decision file not readable, left as is: {exc}",
                    )
                )
                continue
            if isinstance(existing, dict) and existing.get("number") not in (None, number):
                report.warnings.append(
                    Diagnostic(
                        display,
                        0,
                        0,
                        "/number",
                        "decision-slug-clash",
                        f"file is for {existing.get('number')!r}, not {number!r}; left as is",
                    )
                )
                continue
        ministries = folder_ministries(folders.get(number, ()))
        known = isinstance(existing, dict) and "issuer" in existing
        national = not re.search(r"UBND|HĐND", number)  # a local committee's or council's is no ministry's
        fallback = (
            ministries[0]
            if national and len(ministries) == 1 and not known and issuer_of(number) is None
            else None
        )
        document = decision_document(number, decisions[number], existing, fallback)
        if fallback is not None:
            report.warnings.append(
                Diagnostic(
                    display,
                    0,
                    0,
                    "/issuer",
                    "decision-issuer-from-folder",
                    f"the issuer of {number!r} cannot be told from its number; taken from the folder of its "
                    f"records ({', '.join(sorted(folders[number]))}): {fallback}",
                )
            )
        elif "issuer" not in document:
            why = f"; its records come from {', '.join(ministries)}" if ministries else ""
            report.warnings.append(
                Diagnostic(
                    display,
                    0,
                    0,
                    "/issuer",
                    "decision-issuer-unknown",
                    f"the issuer of {number!r} cannot be told from its number{why}",
                )
            )
        status = write_text(path, dump_yaml(document, DECISION_SCHEMA), dry_run=report.dry_run)
        report.decisions[status].append(display)


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
    used_sectors = set(report.sectors_used)
    sectors = [e for e in sector_entries(mapping) if e["id"] in used_sectors]
    agencies = [e for e in agency_entries(mapping, provincial_team(into)) if e["id"] in report.agencies_used]
    report.created_sectors = [e["id"] for e in sectors]
    report.created_agencies = [e["id"] for e in agencies]
    for entry in sectors:
        report.warnings.append(
            Diagnostic(
                f"{into.name}/sectors.yaml",
                0,
                0,
                f"/sectors/{entry['id']}",
                "sector-created",
                f"sector {entry['id']!r} ({entry['name']}) created, awaiting review; "
                f"responsible: {entry.get('responsible') or 'none inferred'}",
            )
        )
    for entry in agencies:
        report.warnings.append(
            Diagnostic(
                f"{into.name}/agencies.yaml",
                0,
                0,
                f"/agencies/{entry['id']}",
                "agency-created",
                f"external body {entry['name']!r} created at level {entry['level']}, awaiting review",
            )
        )
    if not report.dry_run:
        append_entries(into / "sectors.yaml", "sectors", sectors)
        append_entries(into / "agencies.yaml", "agencies", agencies)


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
    agency = procedure["agencies"]["implementing"][0]
    target = into / "procedures" / agency / f"{code}.yaml"
    display = target.relative_to(base).as_posix()
    report.warnings.extend(_diagnostic(display, n) for n in parsed.notes)
    decision = normalise_decision(procedure["decision"])
    if decision != procedure["decision"]:
        report.warnings.append(
            Diagnostic(
                display,
                0,
                0,
                "/decision",
                "decision-number-normalised",
                f"decision {procedure['decision']!r} written as {decision!r}",
            )
        )
        procedure["decision"] = decision
    old_path = existing.get(code)
    old: Any = None
    if old_path is not None:
        try:
            old = load_yaml(old_path.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001 - keep the province's file rather than clobber it
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
    report.sectors_used.add(str(merged["sector"]))
    for role in ("implementing", "competent", "authorised", "coordinating"):
        report.agencies_used.update(merged["agencies"].get(role, ()))
    decisions.setdefault(procedure["decision"], []).append(code)
    return str(procedure["decision"])
