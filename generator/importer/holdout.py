"""Leave one ministry out: would the importer cope with a ministry the catalog has never seen?

For each folder of records (one ministry each), :func:`leave_one_out` removes from a copy of the
catalog's reference files every sector and every agency ``portal_names`` entry that only that
ministry's records use, imports that ministry's records into the copy, and compares each imported
procedure with the one a full import (every ministry, the reference files as they are) writes:
field by field, except the ids of sectors and agencies the held-out import had to create (compared
by name instead) and the ``import_notes`` (which say, rightly, that more was inferred).
Used by ``tests/test_import_holdout.py`` and ``benchmarks/bench_import.py``.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ..model import Procedure
from ..model.records import to_mapping
from .dvcqg import collect_record_files, import_records, read_record
from .dvcqg_parse import parse_record, record_levels
from .growth import plan_new_sectors, record_ministry
from .mapping import load_mapping, read_catalog
from .text import match_key, one_line
from .yamlout import dump_yaml

REFERENCE_FILES = ("sectors.yaml", "agencies.yaml", "province.yaml", "service-points.yaml")
VERIFIED_ON = "2026-11-25"
LEVELS = ("tinh", "xa")


@dataclass
class MinistryResult:
    folder: str
    eligible: int = 0
    imported: int = 0
    equal: int = 0
    sectors_removed: int = 0
    names_removed: int = 0
    sectors_created: int = 0
    differences: dict[str, list[str]] = field(default_factory=dict)  # code → differing fields
    only_held: list[str] = field(default_factory=list)  # imported here, skipped by the full import

    @property
    def rate(self) -> float:
        return self.imported / self.eligible if self.eligible else 1.0

    @property
    def equal_rate(self) -> float:
        compared = self.imported - len(self.only_held)
        return self.equal / compared if compared else 1.0


def copy_reference(catalog: Path, target: Path) -> Path:
    """A catalog folder at ``target`` holding only ``catalog``'s reference files."""
    target.mkdir(parents=True, exist_ok=True)
    for name in REFERENCE_FILES:
        if (catalog / name).exists():
            shutil.copyfile(catalog / name, target / name)
    return target


def usage(records_dir: Path, catalog: Path) -> tuple[dict[str, set[str]], dict[str, set[tuple[str, str]]]]:
    """Per folder: the sector ids its in-scope records use, and the (agency id, name entry) pairs
    their agency names matched exactly."""
    mapping = load_mapping(catalog)
    sectors: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[tuple[str, str]]] = defaultdict(set)
    files, _ = collect_record_files([records_dir])
    loaded = [(path, read_record(path)) for path in files]
    records = [(path, r) for path, r in loaded if isinstance(r, dict) and set(record_levels(r)) & set(LEVELS)]
    plan_new_sectors([(r, p.parent.name) for p, r in records], mapping, LEVELS)
    for path, record in records:
        mapping.trace = set()
        parse_record(
            record,
            mapping=mapping,
            verified_on=VERIFIED_ON,
            ministry=record_ministry(record, path.parent.name),
        )
        folder = path.parent.name
        sector = mapping.sector_id(one_line(record.get("linh_vuc")))  # known, or created by the parse
        if sector is not None:
            sectors[folder].add(sector)
        names[folder] |= mapping.trace
    mapping.trace = None
    return sectors, names


def strip_ministry(
    catalog: Path, folder: str, sectors: dict[str, set[str]], names: dict[str, set[tuple[str, str]]]
) -> tuple[int, int]:
    """Remove from the reference files at ``catalog`` what only ``folder``'s records use: its
    sectors (whole entries) and its agency ``portal_names`` entries. Returns how many of each."""
    others_sectors = set().union(*(s for f, s in sectors.items() if f != folder))
    others_names = set().union(*(n for f, n in names.items() if f != folder))
    only_sectors = sectors.get(folder, set()) - others_sectors
    only_names = names.get(folder, set()) - others_names
    typed = read_catalog(catalog, ("sectors", "agencies"))
    kept_sectors = [to_mapping(s) for s in typed.sectors.values() if s.id not in only_sectors]
    (catalog / "sectors.yaml").write_text(dump_yaml({"sectors": kept_sectors}), encoding="utf-8")
    agencies, removed = [], 0
    for agency in typed.agencies.values():
        drop = {match_key(name) for agency_id, name in only_names if agency_id == agency.id}
        kept = tuple(n for n in agency.portal_names if match_key(n) not in drop)
        removed += len(agency.portal_names) - len(kept)
        agencies.append(to_mapping(replace(agency, portal_names=kept)))
    (catalog / "agencies.yaml").write_text(dump_yaml({"agencies": agencies}), encoding="utf-8")
    return len(only_sectors), removed


def _procedures(catalog: Path) -> dict[str, Procedure]:
    """The procedures an import wrote into ``catalog``, read through the model."""
    return read_catalog(catalog, (), procedures=True).procedures


def _sector_names(catalog: Path) -> dict[str, set[str]]:
    return {
        s.id: {match_key(n) for n in (s.name, *s.portal_names)}
        for s in read_catalog(catalog, ("sectors",)).sectors.values()
    }


# Fields that say where and how a procedure was written, not what it is.
NOT_COMPARED = ("import_notes", "file", "folder")


def differing_fields(
    held: Procedure,
    full: Procedure,
    held_sectors: dict[str, set[str]],
    full_sectors: dict[str, set[str]],
) -> list[str]:
    """The fields in which two imports of one record differ, ``import_notes`` aside and the sector
    compared by its names when the held-out import created it."""
    out = []
    for name in (f.name for f in fields(Procedure) if f.name not in NOT_COMPARED):
        a, b = getattr(held, name), getattr(full, name)
        if name == "sector" and a != b and held_sectors.get(a, set()) & full_sectors.get(b, set()):
            continue
        if a != b:
            out.append(name)
    return out


def leave_one_out(records_dir: Path, catalog: Path, work: Path) -> list[MinistryResult]:
    """Run the evaluation for every folder of ``records_dir`` (see the module text) in ``work``."""
    full = copy_reference(catalog, work / "full" / "catalog")
    import_records([records_dir], full, levels=LEVELS, verified_on=VERIFIED_ON)
    full_procedures = _procedures(full)
    full_sectors = _sector_names(full)
    sectors, names = usage(records_dir, catalog)
    results = []
    for folder_path in sorted(p for p in records_dir.iterdir() if p.is_dir()):
        folder = folder_path.name
        held = copy_reference(catalog, work / folder / "catalog")
        result = MinistryResult(folder)
        result.sectors_removed, result.names_removed = strip_ministry(held, folder, sectors, names)
        report = import_records([folder_path], held, levels=LEVELS, verified_on=VERIFIED_ON)
        # A record whose page is another procedure's (code-mismatch) is not that procedure's record.
        result.eligible = len(report.imported) + sum(d.code != "code-mismatch" for d in report.skipped)
        result.imported = len(report.imported)
        result.sectors_created = len(report.created_sectors)
        held_sectors = _sector_names(held)
        for code, procedure in sorted(_procedures(held).items()):
            if code not in full_procedures:
                result.only_held.append(code)
                continue
            diff = differing_fields(procedure, full_procedures[code], held_sectors, full_sectors)
            if diff:
                result.differences[code] = diff
            else:
                result.equal += 1
        results.append(result)
    return results
