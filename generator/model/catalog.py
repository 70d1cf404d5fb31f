"""The typed catalog: every entity of a validated catalog, built once, indexed by id.

:func:`build` turns the validator's index (:mod:`generator.validation.index`) into typed entities,
skipping those that failed their schema (a build refuses such a catalog anyway). Everything after
validation (site, exports) reads this, never the parsed mappings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..validation import index
from ..validation.load import Document
from .entities import (
    Agency,
    Decision,
    Level,
    LifeEvent,
    LifeEvents,
    ListEntry,
    LocationIndependentList,
    Plan,
    Procedure,
    Province,
    Sector,
    ServicePoint,
)
from .records import from_mapping

T = TypeVar("T")


@dataclass(frozen=True)
class Catalog:
    """A validated catalog. Procedures are in code order, lists and plans in id order; the other
    tables in the order of their files (levels: as province.yaml lists them)."""

    root: Path
    province: Province | None = None
    levels: dict[str, Level] = field(default_factory=dict)
    sectors: dict[str, Sector] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    service_points: dict[str, ServicePoint] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    lists: tuple[LocationIndependentList, ...] = ()
    plans: tuple[Plan, ...] = ()
    life_events: tuple[LifeEvent, ...] = ()  # catalog/life-events.yaml (optional), in its order

    def level_name(self, level: str) -> str:
        found = self.levels.get(level)
        return found.name if found else level

    def agency_name(self, agency_id: str) -> str:
        agency = self.agencies.get(agency_id)
        return agency.name if agency else agency_id

    def sector_name(self, sector_id: str) -> str:
        sector = self.sectors.get(sector_id)
        return sector.name if sector else sector_id

    def procedures_with_pages(self, preview: bool) -> list[Procedure]:
        """In code order."""
        return [p for p in self.procedures.values() if p.has_page(preview)]

    def published_procedures(self, preview: bool) -> list[Procedure]:
        """In code order."""
        return [p for p in self.procedures.values() if p.is_published(preview)]

    def shown_lists(self, preview: bool) -> list[LocationIndependentList]:
        """In id order."""
        return [lst for lst in self.lists if lst.is_shown(preview)]

    def shown_entries(self, preview: bool) -> list[tuple[LocationIndependentList, ListEntry]]:
        """Every entry shown in this build, with its list, lists in id order."""
        return [(lst, e) for lst in self.shown_lists(preview) for e in lst.shown_entries(preview)]


def procedure(ref: index.Ref) -> Procedure:
    """The typed procedure of one (valid) procedure file."""
    return from_mapping(Procedure, ref.data, file=ref.file, folder=ref.document.path.parent.name)


def unmodellable(document: Document) -> str | None:
    """Why a parsed document that fails today's schemas cannot be made into entities (None if it
    can): the change feed reads past revisions with today's model."""
    try:
        build(index.build(document.path.parent, [document], {})[0])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return f"cannot be read with today's model: {type(exc).__name__}: {exc}"
    return None


def build(catalog: index.Catalog, *, known: Mapping[int, tuple[Any, Procedure]] | None = None) -> Catalog:
    """The typed catalog of a validated index. ``known`` (catalog serve, after an edit): procedures
    already made, by the id of the very mapping they were made from (kept alive beside them), reused
    instead of made again."""

    def valid(refs: Any) -> list[index.Ref]:
        return [ref for ref in refs if catalog.is_valid(ref)]

    def by_id(cls: type[T], table: dict[str, index.Ref]) -> dict[str, T]:
        return {key: from_mapping(cls, ref.data) for key, ref in table.items() if catalog.is_valid(ref)}

    province = None
    if catalog.province is not None and catalog.is_valid(catalog.province):
        province = from_mapping(Province, catalog.province.data)
    procedures = {}
    for code in sorted(catalog.procedures):
        ref = catalog.procedures[code]
        if catalog.is_valid(ref):
            made = known.get(id(ref.data)) if known is not None else None
            if made is not None and made[0] is ref.data and made[1].file == ref.file:
                procedures[code] = made[1]
                continue
            procedures[code] = procedure(ref)
    return Catalog(
        root=catalog.root,
        province=province,
        levels={level.id: level for level in province.levels} if province else {},
        sectors=by_id(Sector, catalog.sectors),
        agencies=by_id(Agency, catalog.agencies),
        service_points=by_id(ServicePoint, catalog.service_points),
        procedures=procedures,
        decisions=by_id(Decision, catalog.decisions),
        lists=tuple(
            sorted(
                (from_mapping(LocationIndependentList, r.data) for r in valid(catalog.lists)),
                key=lambda lst: lst.id,
            )
        ),
        plans=tuple(sorted((from_mapping(Plan, r.data) for r in valid(catalog.plans)), key=lambda p: p.id)),
        life_events=(
            from_mapping(LifeEvents, catalog.life_events.data).events
            if catalog.life_events is not None and catalog.is_valid(catalog.life_events)
            else ()
        ),
    )


def known_procedures(catalog: index.Catalog, typed: Catalog) -> dict[int, tuple[Any, Procedure]]:
    """``typed``'s procedures by the id of the mapping each was made from (kept alive beside it):
    what :func:`build` takes as ``known`` to make again only the procedures whose file changed."""
    made = typed.procedures
    return {id(ref.data): (ref.data, made[code]) for code, ref in catalog.procedures.items() if code in made}
