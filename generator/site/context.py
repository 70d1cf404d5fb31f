"""What the pages are made from: the validated catalog seen as a citizen sees it.

Indexes (procedures by sector, agency, level, applicant group, online level), what is visible in a
normal or a preview build, and the change history of each file. Knows nothing of MkDocs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from ..model import Catalog, ListEntry, LocationIndependentList, Procedure, Province
from .history import Change, git_history
from .labels import APPLICANT_GROUPS

__all__ = ["Change", "Independent", "ShownList", "SiteContext", "build_context", "commit_date", "git_history"]


@dataclass(frozen=True)
class Independent:
    """A procedure on a location-independent list shown in this build: its levels there, the list,
    and whether it is there only in a preview."""

    levels: tuple[str, ...]
    list: LocationIndependentList
    preview: bool


@dataclass(frozen=True)
class ShownList:
    """A location-independent list as this build shows it: only the entries shown."""

    list: LocationIndependentList
    entries: tuple[ListEntry, ...]
    preview: bool


@dataclass
class SiteContext:
    catalog: Catalog
    preview: bool
    as_of: str  # the date "overdue" is measured against: the commit's, so builds are reproducible
    history: dict[str, list[Change]] = field(default_factory=dict)
    procedures: list[Procedure] = field(default_factory=list)  # visible, sorted by code
    listed: list[Procedure] = field(default_factory=list)  # visible in indexes (not abolished)
    by_sector: dict[str, list[Procedure]] = field(default_factory=dict)
    by_agency: dict[str, list[Procedure]] = field(default_factory=dict)
    by_level: dict[str, list[Procedure]] = field(default_factory=dict)
    by_group: dict[str, list[Procedure]] = field(default_factory=dict)
    by_online: dict[str, list[Procedure]] = field(default_factory=dict)
    independent: dict[str, Independent] = field(default_factory=dict)  # by procedure code
    lists: list[ShownList] = field(default_factory=list)

    @property
    def province(self) -> Province:
        assert self.catalog.province is not None, "a valid catalog has its province"
        return self.catalog.province

    def level_name(self, level: str) -> str:
        return self.catalog.level_name(level)


def build_context(
    catalog: Catalog, *, preview: bool, as_of: str, history: dict[str, list[Change]] | None = None
) -> SiteContext:
    context = SiteContext(catalog, preview, as_of, history or {})
    context.procedures = catalog.procedures_with_pages(preview)
    context.listed = [p for p in context.procedures if p.is_listed(preview)]
    by_sector: dict[str, list[Procedure]] = defaultdict(list)
    by_agency: dict[str, list[Procedure]] = defaultdict(list)
    by_level: dict[str, list[Procedure]] = defaultdict(list)
    by_group: dict[str, list[Procedure]] = defaultdict(list)
    by_online: dict[str, list[Procedure]] = defaultdict(list)
    for procedure in context.listed:
        by_sector[procedure.sector].append(procedure)
        for agency in procedure.agencies.implementing:
            by_agency[agency].append(procedure)
        for level in procedure.levels:
            by_level[level].append(procedure)
        for group, (_, members) in APPLICANT_GROUPS.items():
            if set(procedure.applicant_types) & set(members):
                by_group[group].append(procedure)
        by_online[procedure.online_level].append(procedure)
    context.by_sector, context.by_agency, context.by_level, context.by_group, context.by_online = (
        dict(by_sector),
        dict(by_agency),
        dict(by_level),
        dict(by_group),
        dict(by_online),
    )
    for shown in catalog.shown_lists(preview):
        entries = shown.shown_entries(preview)
        context.lists.append(ShownList(shown, entries, not shown.approved))
        for entry in entries:
            context.independent.setdefault(
                entry.code, Independent(entry.levels, shown, shown.entry_is_preview(entry))
            )
    return context


_dates: dict[Path, tuple[str, str | None]] = {}  # folder → (HEAD's commit, its date)


def commit_date(catalog_dir: Path) -> str | None:
    """The date of the commit HEAD names (kept while HEAD names it), or None outside git."""
    head = git.head(catalog_dir)
    known = _dates.get(catalog_dir)
    if head is not None and known is not None and known[0] == head:
        return known[1]
    date = git.last_commit(catalog_dir, "%cs")
    if head is not None:
        _dates[catalog_dir] = (head, date)
    return date
