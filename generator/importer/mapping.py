"""Portal names → catalog ids, from ``catalog/sectors.yaml`` and ``catalog/agencies.yaml``.

Names are compared with :func:`~generator.importer.text.match_key` (whitespace including NBSP,
case, Unicode form, old/new tone placement, a trailing full stop). A portal agency field may name
several agencies separated by commas, while some names contain commas themselves ("Thuế tỉnh,
thành phố"), so :meth:`Mapping.match_agencies` reads the field left to right, each time taking the
longest run of comma-separated pieces that is a known name. Nothing unknown is ever mapped.

A sector's ``responsible`` mapping (``{level id: agency id}``) names the agency of the province
that handles the sector's procedures at each level; :meth:`Mapping.responsible_for` gives it to the
parser for records whose own agency fields name no agency of the province.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import clean_text, is_no_info, match_key, one_line
from .yamlout import load_yaml

_PIECE_SEPARATOR = re.compile(r"[,;\n]")


class MappingError(Exception):
    """``sectors.yaml`` or ``agencies.yaml`` is missing or not in the expected shape."""


@dataclass(frozen=True)
class AgencyMatch:
    """The ids found in one portal agency field (in order, without repeats) and the pieces left
    over, as written (whitespace tidied)."""

    ids: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()


@dataclass
class Mapping:
    """Lookup tables from match keys to ids, and each sector's responsible agency by level.
    ``ended`` holds the agencies that were dissolved or merged (``until`` and ``successor``).
    ``conflicts`` lists names claimed by two ids (the first one in the file wins) and responsible
    agencies that are not in agencies.yaml (left out)."""

    sectors: dict[str, str] = field(default_factory=dict)
    agencies: dict[str, str] = field(default_factory=dict)
    responsible: dict[str, dict[str, str]] = field(default_factory=dict)
    ended: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (until, successor)
    agency_ids: set[str] = field(default_factory=set)
    conflicts: list[str] = field(default_factory=list)
    _longest_agency: int = 1

    def sector_id(self, portal_name: str) -> str | None:
        """The id of the sector called ``portal_name`` on the portal, or None."""
        return self.sectors.get(match_key(portal_name))

    def responsible_for(self, sector_id: str, levels: Iterable[str]) -> dict[str, str]:
        """``{level: agency id}`` for those of ``levels`` at which the sector names a responsible
        agency, in the order of ``levels``."""
        table = self.responsible.get(sector_id, {})
        return {level: table[level] for level in levels if level in table}

    def current_agency(self, agency_id: str, on: str) -> tuple[str, str | None]:
        """The agency that does ``agency_id``'s work on the date ``on`` (``YYYY-MM-DD``): itself, or
        the successor of an agency that had ended by then (followed through several mergers); and
        the date the given agency ended, or None if it had not."""
        current, ended_on, seen = agency_id, None, {agency_id}
        while current in self.ended and self.ended[current][0] < on:
            until, successor = self.ended[current]
            ended_on = ended_on or until
            if successor in seen:
                break
            seen.add(successor)
            current = successor
        return current, ended_on

    def match_agencies(self, text: str) -> AgencyMatch:
        """Split a portal agency field into known agency ids and unknown names."""
        if is_no_info(one_line(text)):
            return AgencyMatch()
        raw_pieces = [one_line(p) for p in _PIECE_SEPARATOR.split(clean_text(text))]
        pieces = [p for p in raw_pieces if p and not is_no_info(p)]
        ids: list[str] = []
        unmapped: list[str] = []
        last_unmapped = -2
        i = 0
        while i < len(pieces):
            found = None
            for j in range(min(len(pieces), i + self._longest_agency), i, -1):
                key = match_key(", ".join(pieces[i:j]))
                if key in self.agencies:
                    found = (j, self.agencies[key])
                    break
            if found is None:
                piece = pieces[i].rstrip(" .;").strip()
                if piece[:1].islower() and unmapped and last_unmapped == i - 1:
                    # "…về trật tự, xã hội": a name's own comma, not a new agency
                    unmapped[-1] = f"{unmapped[-1]}, {piece}"
                elif piece and piece not in unmapped:
                    unmapped.append(piece)
                last_unmapped = i
                i += 1
                continue
            j, agency_id = found
            if agency_id not in ids:
                ids.append(agency_id)
            i = j
        return AgencyMatch(tuple(ids), tuple(unmapped))


def _names(entry: MappingABC[str, Any]) -> Iterable[str]:
    name = entry.get("name")
    if isinstance(name, str):
        yield name
    for alias in entry.get("portal_names") or ():
        if isinstance(alias, str):
            yield alias


def _add(table: dict[str, str], name: str, entry_id: str, conflicts: list[str], kind: str) -> None:
    key = match_key(name)
    if not key:
        return
    known = table.get(key)
    if known is None:
        table[key] = entry_id
    elif known != entry_id:
        conflicts.append(f"{kind} name {name!r} is claimed by both {known!r} and {entry_id!r}")


def build_mapping(sectors: Iterable[MappingABC[str, Any]], agencies: Iterable[MappingABC[str, Any]]) -> Mapping:
    """A :class:`Mapping` from the ``sectors`` and ``agencies`` lists as loaded from YAML."""
    mapping = Mapping()
    for sector in sectors:
        sector_id = sector.get("id")
        if isinstance(sector_id, str):
            for name in _names(sector):
                _add(mapping.sectors, name, sector_id, mapping.conflicts, "sector")
            responsible = sector.get("responsible")
            if isinstance(responsible, MappingABC):
                mapping.responsible[sector_id] = {
                    str(level): agency for level, agency in responsible.items() if isinstance(agency, str)}
    for agency in agencies:
        agency_id = agency.get("id")
        if isinstance(agency_id, str):
            mapping.agency_ids.add(agency_id)
            until, successor = agency.get("until"), agency.get("successor")
            if isinstance(until, str) and isinstance(successor, str):
                mapping.ended[agency_id] = (until, successor)
            for name in _names(agency):
                _add(mapping.agencies, name, agency_id, mapping.conflicts, "agency")
    for sector_id, table in mapping.responsible.items():
        for level, agency_id in list(table.items()):
            if agency_id not in mapping.agency_ids:
                mapping.conflicts.append(f"sector {sector_id!r}: responsible agency {agency_id!r} at level "
                                         f"{level!r} is not in agencies.yaml; not used")
                del table[level]
    pieces = [len(_PIECE_SEPARATOR.findall(key)) + 1 for key in mapping.agencies]
    mapping._longest_agency = max(pieces, default=1)
    return mapping


def _read_list(path: Path, key: str) -> list[MappingABC[str, Any]]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: cannot read: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - yaml.YAMLError and friends: report, never a traceback
        raise MappingError(f"{path}: not valid YAML: {exc}") from None
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise MappingError(f"{path}: expected a mapping with a list under {key!r}")
    return [item for item in items if isinstance(item, dict)]


def load_mapping(catalog_dir: Path) -> Mapping:
    """Read ``sectors.yaml`` and ``agencies.yaml`` of a catalog folder; :class:`MappingError` if
    either is missing or malformed."""
    return build_mapping(_read_list(catalog_dir / "sectors.yaml", "sectors"),
                         _read_list(catalog_dir / "agencies.yaml", "agencies"))
