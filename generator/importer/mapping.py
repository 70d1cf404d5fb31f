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
from dataclasses import dataclass, field
from pathlib import Path

from .. import model
from ..model import Agency, Sector
from ..validation import index, load, schemas
from ..validation.load import Document
from .agency_names import agency_key, reorganisation
from .text import clean_text, is_no_info, match_key, one_line, slugify

_PIECE_SEPARATOR = re.compile(r"[,;\n]")


class MappingError(Exception):
    """``sectors.yaml`` or ``agencies.yaml`` is missing or not in the expected shape."""


@dataclass(frozen=True)
class AgencyMatch:
    """The ids found in one portal agency field (in order, without repeats) and the pieces left
    over, as written (whitespace tidied)."""

    ids: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    # How names that are not exactly a known name were matched: (name as written, id, how), ``how``
    # being ``folded`` (compared by agency_key), ``renamed:<today's name>`` (the 2025 reorganisation)
    # or ``external`` (a body that is not the province's, see :meth:`Mapping.external_id`).
    inferred: tuple[tuple[str, str, str], ...] = ()


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
    folded: dict[str, str | None] = field(default_factory=dict)  # agency_key → id (None: two ids share it)
    agency_levels: dict[str, str] = field(default_factory=dict)
    agency_kinds: dict[str, str] = field(default_factory=dict)
    agency_parents: dict[str, str] = field(default_factory=dict)
    created_sectors: set[str] = field(default_factory=set)  # marked created_by_import in sectors.yaml
    created_agencies: set[str] = field(default_factory=set)
    # External bodies found in this run and not yet in agencies.yaml: id → (name, level).
    new_externals: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Sectors created in this run (not yet in sectors.yaml): id → (portal name, ministry or "").
    new_sectors: dict[str, tuple[str, str]] = field(default_factory=dict)
    sector_ministry: dict[str, str] = field(default_factory=dict)
    # When not None, every (id, name entry) a record's name matched is added: the leave-one-out
    # evaluation uses it to find the entries only one ministry's records need.
    trace: set[tuple[str, str]] | None = None
    _entries: dict[str, str] = field(default_factory=dict)  # match key → the name entry as written
    _longest_agency: int = 1

    def sector_id(self, portal_name: str) -> str | None:
        """The id of the sector called ``portal_name`` on the portal, or None."""
        return self.sectors.get(match_key(portal_name))

    def new_sector(self, portal_name: str, ministry: str | None) -> str:
        """The id of a sector created for ``portal_name`` (slug of the name; the same id for every
        record naming it), recorded in ``new_sectors`` and matched from now on."""
        key = match_key(portal_name)
        known = self.sectors.get(key)
        if known is not None:
            return known
        base = slugify(portal_name)[:60].strip("-") or "linh-vuc"
        taken = set(self.sectors.values())
        sector_id, n = base, 2
        while sector_id in taken:
            sector_id, n = f"{base}-{n}", n + 1
        self.sectors[key] = sector_id
        self.new_sectors[sector_id] = (one_line(portal_name), ministry or "")
        if ministry:
            self.sector_ministry[sector_id] = ministry
        return sector_id

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

    def _lookup(self, name: str, level: str, externals: bool = True) -> tuple[str, str] | None:
        """(id, how) for a name that is not exactly known: folded comparison, then the 2025
        renamings (at ``level``), then a unique fuller name, then an external body (created at
        ``level``)."""
        key = agency_key(name)
        found = self.folded.get(key)
        if found is not None:
            self._traced(found, key)
            return found, "external" if found in self.created_agencies else "folded"
        renamed = reorganisation().current_department(name, level)
        if renamed is not None:
            found = self.folded.get(agency_key(renamed.new))
            if found is not None:
                self._traced(found, agency_key(renamed.new))
                return found, f"renamed:{renamed.new}"
        fuller = self._fuller_name(key)
        if fuller is not None:
            self._traced(*fuller)
            return fuller[0], "folded"
        if externals and reorganisation().is_external(name):
            return self.external_id(name, level), "external"
        return None

    def _fuller_name(self, key: str) -> tuple[str, str] | None:
        """(id, folded name) of the one agency whose folded name holds every word of ``key`` in
        order and starts with the same word ("Phòng Xuất nhập cảnh" → Phòng Quản lý xuất nhập
        cảnh, "Trung tâm trợ giúp pháp lý" → Trung tâm Trợ giúp pháp lý nhà nước). Only for names
        of three words or more, never for national bodies (Bộ, Cục, Tổng cục): they stay unmapped."""
        words = key.split()
        if len(words) < 3 or words[0] in _NATIONAL_HEADS:
            return None
        found: dict[str, str] = {}
        for folded, agency_id in self.folded.items():
            if agency_id is None:
                continue
            other = folded.split()
            if other[0] != words[0] or len(other) <= len(words):
                continue
            rest = iter(other)
            if all(word in rest for word in words):
                found.setdefault(agency_id, folded)
        return next(iter(found.items())) if len(found) == 1 else None

    def _traced(self, agency_id: str, key: str) -> None:
        if self.trace is not None:
            self.trace.add((agency_id, self._entries.get(key, key)))

    def external_id(self, name: str, level: str) -> str:
        """The id of the external body called ``name``: the one in agencies.yaml or created in this
        run with that folded name, else a new one (slug of the name, recorded in ``new_externals``)."""
        key = agency_key(name)
        for agency_id, (known, _) in self.new_externals.items():
            if agency_key(known) == key:
                return agency_id
        base = slugify(name)[:60].strip("-") or "co-quan-ngoai-tinh"
        agency_id, n = base, 2
        while agency_id in self.agency_ids:
            agency_id, n = f"{base}-{n}", n + 1
        self.new_externals[agency_id] = (one_line(name), level)
        self.agency_ids.add(agency_id)
        self.agency_levels[agency_id] = level
        self.folded.setdefault(key, agency_id)
        self.created_agencies.add(agency_id)
        return agency_id

    def match_agencies(self, text: str, level: str = "tinh", *, externals: bool = True) -> AgencyMatch:
        """Split a portal agency field into known agency ids and unknown names; ``level`` is the
        level an external body found in it is created at (none is, without ``externals``)."""
        if is_no_info(one_line(text)):
            return AgencyMatch()
        raw_pieces = [one_line(p) for p in _PIECE_SEPARATOR.split(clean_text(text))]
        pieces = [p for p in raw_pieces if p and not is_no_info(p)]
        ids: list[str] = []
        unmapped: list[str] = []
        inferred: list[tuple[str, str, str]] = []
        last_unmapped = -2
        i = 0
        while i < len(pieces):
            found = None
            for j in range(min(len(pieces), i + self._longest_agency), i, -1):
                key = match_key(", ".join(pieces[i:j]))
                if key in self.agencies:
                    found = (j, self.agencies[key])
                    if self.trace is not None:
                        self.trace.add((self.agencies[key], self._entries[key]))
                    if self.agencies[key] in self.created_agencies:  # the same note as when it was created
                        inferred.append((", ".join(pieces[i:j]), self.agencies[key], "external"))
                    break
            if found is None:
                # Pieces after the first join it only when they continue its name (a small letter:
                # "Sở Tài chính các tỉnh, thành phố"); a capital starts the next agency, which a
                # folded place or ministry qualifier must not swallow. External bodies are single names.
                end = i + 1
                while end < len(pieces) and _continues(pieces[end]):
                    end += 1
                for j in range(end, i, -1):
                    joined = ", ".join(pieces[i:j])
                    hit = self._lookup(joined, level, externals and j == i + 1)
                    if hit is not None:
                        found = (j, hit[0])
                        inferred.append((joined, hit[0], hit[1]))
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
            while j < len(pieces) and _is_place(pieces[j]):  # "Thuế tỉnh, thành phố"
                j += 1
            if agency_id not in ids:
                ids.append(agency_id)
            i = j
        return AgencyMatch(tuple(ids), tuple(unmapped), tuple(inferred))


_NATIONAL_HEADS = ("bo", "cuc", "tong")


def _continues(piece: str) -> bool:
    """Whether a comma-separated piece continues the previous piece's name rather than starting
    another agency's: it starts with a small letter, or it is only a place word ("Thành phố")."""
    return piece[:1].islower() or _is_place(piece)


def _is_place(piece: str) -> bool:
    """A piece that is only a place word: ", thành phố" after "Thuế tỉnh" names no agency."""
    return agency_key(piece) in ("thanh pho", "tinh", "tinh thanh pho", "thanh pho truc thuoc trung uong")


def _names(entry: Sector | Agency) -> Iterable[str]:
    yield entry.name
    yield from entry.portal_names


def _add(
    table: dict[str, str],
    name: str,
    entry_id: str,
    conflicts: list[str],
    kind: str,
    entries: dict[str, str] | None = None,
) -> None:
    key = match_key(name)
    if not key:
        return
    known = table.get(key)
    if known is None:
        table[key] = entry_id
        if entries is not None:
            entries[key] = name
    elif known != entry_id:
        conflicts.append(f"{kind} name {name!r} is claimed by both {known!r} and {entry_id!r}")


def build_mapping(sectors: Iterable[Sector], agencies: Iterable[Agency]) -> Mapping:
    """A :class:`Mapping` from the typed sectors and agencies of a catalog (:func:`load_mapping`)."""
    mapping = Mapping()
    for sector in sectors:
        for name in _names(sector):
            _add(mapping.sectors, name, sector.id, mapping.conflicts, "sector")
        if sector.created_by_import:
            mapping.created_sectors.add(sector.id)
        if sector.ministry is not None:
            mapping.sector_ministry[sector.id] = sector.ministry
        if sector.responsible is not None:
            mapping.responsible[sector.id] = dict(sector.responsible)
    for agency in agencies:
        mapping.agency_ids.add(agency.id)
        if agency.until is not None and agency.successor is not None:
            mapping.ended[agency.id] = (agency.until, agency.successor)
        mapping.agency_levels[agency.id] = agency.level
        mapping.agency_kinds[agency.id] = agency.kind.value
        if agency.parent is not None:
            mapping.agency_parents[agency.id] = agency.parent
        if agency.created_by_import:
            mapping.created_agencies.add(agency.id)
        ended = agency.id in mapping.ended
        for name in _names(agency):
            _add(mapping.agencies, name, agency.id, mapping.conflicts, "agency", mapping._entries)
            folded_key = agency_key(name)
            if folded_key and not ended:  # a dissolved body is reached by its exact names only
                known = mapping.folded.get(folded_key, agency.id)
                mapping.folded[folded_key] = agency.id if known == agency.id else None
    for sector_id, table in mapping.responsible.items():
        for level, agency_id in list(table.items()):
            if agency_id not in mapping.agency_ids:
                mapping.conflicts.append(
                    f"sector {sector_id!r}: responsible agency {agency_id!r} at level "
                    f"{level!r} is not in agencies.yaml; not used"
                )
                del table[level]
    pieces = [len(_PIECE_SEPARATOR.findall(key)) + 1 for key in mapping.agencies]
    mapping._longest_agency = max(pieces, default=1)
    return mapping


def read_catalog(catalog_dir: Path, kinds: Iterable[str], *, procedures: bool = False) -> model.Catalog:
    """The typed entities of some of a catalog folder's files (``<kind>.yaml`` for each of
    ``kinds``: ``sectors``, ``agencies``, ``province``; with ``procedures``, every
    ``procedures/<agency>/<code>.yaml``), parsed strictly and checked against their schemas as
    ``catalog validate`` does. :class:`MappingError` names the first problem (file, line, column,
    field) if a file is missing, unreadable or not valid."""
    documents = []
    for kind in kinds:
        path = catalog_dir / f"{kind}.yaml"
        if not path.is_file():
            raise MappingError(f"{path} not found")
        documents.append(Document(path, str(path), kind))
    if procedures:
        documents += [
            Document(p, str(p), "procedure") for p in sorted(catalog_dir.glob("procedures/*/*.yaml"))
        ]
    _check_strictly(documents)
    return model.build(index.build(catalog_dir, documents, {})[0])


def read_procedure(path: Path) -> model.Procedure:
    """The typed procedure of one procedure file (parsed strictly, checked against its schema);
    :class:`MappingError` naming the first problem if it cannot be read so."""
    document = Document(path, str(path), "procedure")
    _check_strictly([document])
    catalog, _ = index.build(path.parent.parent.parent, [document], {})
    if not catalog.procedures:
        raise MappingError(f"{path}: no procedure code")
    return next(iter(model.build(catalog).procedures.values()))


def _check_strictly(documents: list[Document]) -> None:
    """Parse ``documents`` and check each against its schema, as ``catalog validate`` does;
    :class:`MappingError` naming the first problem (and how many others there are)."""
    problems = load.parse(documents)
    for document in documents:
        if document.loaded is not None:
            problems += schemas.validate(document.kind, document.loaded, document.display)
    if problems:
        others = len(problems) - 1
        more = f" (and {others} more problem{'s' if others > 1 else ''})" if others else ""
        raise MappingError(f"{problems[0].text()}{more}")


def load_mapping(catalog_dir: Path) -> Mapping:
    """The mapping of a catalog folder's ``sectors.yaml`` and ``agencies.yaml``, read through the
    model (:func:`read_catalog`); :class:`MappingError` if either is missing or not valid."""
    typed = read_catalog(catalog_dir, ("sectors", "agencies"))
    return build_mapping(typed.sectors.values(), typed.agencies.values())
