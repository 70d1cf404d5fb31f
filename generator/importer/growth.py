"""Reference data that grows with an import: sectors and external bodies the catalog did not know.

Before the records are parsed, :func:`plan_new_sectors` finds the sectors no entry of
``sectors.yaml`` names and gives each an id, a ministry (the issuer its records' publishing
decisions name, else the ministry of their source folder; today's name after the 2025
reorganisation) and its ``responsible`` agency per level: the agency of the province that the
sector's records name most often in their implementing (else competent) field at that level.
After the import, :func:`append_new_entries` appends the new sectors and external agencies to
``sectors.yaml`` and ``agencies.yaml`` marked ``created_by_import: true`` (``catalog validate``
warns until a person reviews them and removes the mark). The existing text of both files is kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .agency_names import agency_key, reorganisation
from .dvcqg_legal import issuer_of
from .dvcqg_parse import record_levels
from .mapping import Mapping, MappingError, read_catalog
from .text import is_no_info, one_line
from .text_agency import is_committee, mirror_department
from .yamlout import dump_yaml

NAMES_FROM = ("co_quan_thuc_hien", "co_quan_co_tham_quyen")


def record_ministry(record: dict[str, Any], folder: str) -> str | None:
    """The ministry a record comes from: its decision's issuer, else its source folder's ministry."""
    issuer = issuer_of(one_line(record.get("so_quyet_dinh")))
    if issuer and issuer.startswith("Bộ"):
        return reorganisation().current_ministry(issuer)
    return reorganisation().ministry_folders.get(folder)


def plan_new_sectors(
    records: Iterable[tuple[dict[str, Any], str]], mapping: Mapping, levels: Iterable[str]
) -> None:
    """Create in ``mapping`` every sector the in-scope ``records`` (record, source folder) name and
    ``mapping`` does not know, with its ministry and inferred ``responsible`` agencies."""
    wanted = set(levels)
    named: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    ministries: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for record, folder in records:
        record_level = [level for level in record_levels(record) if level in wanted]
        sector_name = one_line(record.get("linh_vuc"))
        if not record_level or not sector_name or is_no_info(sector_name) or mapping.sector_id(sector_name):
            continue
        key = sector_name.casefold()
        names.setdefault(key, sector_name)
        ministry = record_ministry(record, folder)
        if ministry:
            ministries[key][ministry] += 1
        for field in NAMES_FROM:
            match = mapping.match_agencies(str(record.get(field) or ""), record_level[0], externals=False)
            ids = [i for i in match.ids if mapping.agency_levels.get(i) in record_level]
            if ids:
                named[key].update((mapping.agency_levels[i], i) for i in ids)
                break
    for key in sorted(names):
        ministry = ministries[key].most_common(1)[0][0] if ministries[key] else None
        sector_id = mapping.new_sector(names[key], ministry)
        by_level: dict[str, Counter[str]] = defaultdict(Counter)
        for (level, agency_id), n in named[key].items():
            current, _ = mapping.current_agency(agency_id, "9999-12-31")
            by_level[level][_commune_committee(current, mapping)] += n
        mirror = mirror_department(mapping, ministry)
        responsible = {
            level: _most_named(by_level[level], mapping, mirror if level == "tinh" else None)
            for level in ("tinh", "huyen", "xa")
            if by_level.get(level)
        }
        if responsible:
            mapping.responsible[sector_id] = responsible


def _commune_committee(agency_id: str, mapping: Mapping) -> str:
    """A unit of the commune People's Committee (Phòng Kinh tế cấp xã…) counts as the committee:
    the commune's procedures are the committee's, its units only prepare them."""
    parent = mapping.agency_parents.get(agency_id)
    committee = reorganisation().level_bodies.get("xa")
    if (
        parent is not None
        and committee is not None
        and mapping.agency_levels.get(agency_id) == "xa"
        and parent == mapping.folded.get(agency_key(committee))
    ):
        return parent
    return agency_id


def _most_named(counts: Counter[str], mapping: Mapping, mirror: str | None = None) -> str:
    """The most named agency; ties go to the smallest id, so the choice does not depend on order.
    A People's Committee is taken only when its records name no other agency: where they name both,
    the committee (or its chairman) decides while the other agency receives and handles the dossier.
    Where they name only the provincial committee, the department that mirrors the sector's
    ministry (``mirror``, if the province has it) handles the dossiers the committee decides on."""
    others = Counter({a: n for a, n in counts.items() if not is_committee(mapping, a)})
    if not others and mirror is not None:
        return mirror
    counts = others or counts
    top = max(counts.values())
    return min(agency for agency, n in counts.items() if n == top)


def sector_entries(mapping: Mapping, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The ``sectors.yaml`` entries of the sectors this run created, of ``ids``, in id order."""
    entries = []
    for sector_id in sorted(ids):
        name, ministry = mapping.new_sectors[sector_id]
        entry: dict[str, Any] = {"id": sector_id, "name": name}
        if ministry:
            entry["ministry"] = ministry
        entry["portal_names"] = [name]
        if mapping.responsible.get(sector_id):
            entry["responsible"] = dict(mapping.responsible[sector_id])
        entry["created_by_import"] = True
        entries.append(entry)
    return entries


def agency_entries(mapping: Mapping, team: str, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The ``agencies.yaml`` entries of the external bodies this run created, of ``ids``, in id order."""
    entries = []
    for agency_id in sorted(ids):
        name, level = mapping.new_externals[agency_id]
        entries.append(
            {
                "id": agency_id,
                "name": name,
                "level": level,
                "kind": "external",
                "team": team,
                "portal_names": [name],
                "created_by_import": True,
            }
        )
    return entries


def append_entries(path: Path, key: str, entries: list[dict[str, Any]]) -> None:
    """Append list items under the file's top-level ``key`` list (the last thing in the file), in
    the house YAML style; the existing text stays byte for byte."""
    if not entries:
        return
    text = path.read_text(encoding="utf-8")
    block = dump_yaml({key: entries}).split("\n", 1)[1]
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + block, encoding="utf-8")


def provincial_team(catalog: Path) -> str:
    """The GitHub team that reviews the province's shared reference data (province.yaml's
    ``github.provincial_team``, read through the model), for agencies that belong to no team of the
    province; where province.yaml is absent or not valid, the team the example province uses."""
    try:
        province = read_catalog(catalog, ("province",)).province
    except MappingError:
        province = None
    return province.github.provincial_team if province is not None else "@tthc/van-phong-ubnd-tinh"
