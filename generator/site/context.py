"""What the pages are made from: the validated catalog seen as a citizen sees it.

Indexes (procedures by sector, agency, level, applicant group, online level), what is visible in a
normal or a preview build, and the change history of each file. Knows nothing of MkDocs.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Catalog
from .history import Change, git_history
from .labels import APPLICANT_GROUPS

__all__ = ["Change", "SiteContext", "build_context", "commit_date", "git_history"]


@dataclass
class SiteContext:
    catalog: Catalog
    preview: bool
    as_of: str  # the date "overdue" is measured against: the commit's, so builds are reproducible
    history: dict[str, list[Change]] = field(default_factory=dict)
    procedures: list[dict[str, Any]] = field(default_factory=list)  # visible, sorted by code
    listed: list[dict[str, Any]] = field(default_factory=list)  # visible in indexes (not abolished)
    by_sector: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_agency: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_level: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_group: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_online: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    independent: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → {levels, list, preview}
    lists: list[dict[str, Any]] = field(default_factory=list)

    @property
    def province(self) -> dict[str, Any]:
        return self.catalog.province.data if self.catalog.province else {}

    def level_name(self, level: str) -> str:
        ref = self.catalog.levels.get(level)
        return str(ref.data["name"]) if ref else level

    def agency(self, agency_id: str) -> dict[str, Any] | None:
        ref = self.catalog.agencies.get(agency_id)
        return ref.data if ref else None

    def sector(self, sector_id: str) -> dict[str, Any] | None:
        ref = self.catalog.sectors.get(sector_id)
        return ref.data if ref else None


def visible(procedure: dict[str, Any], preview: bool) -> bool:
    """Draft procedures appear only in preview builds; all others have a page (abolished ones too,
    so that old links keep working, with a banner)."""
    return preview or procedure["status"] != "draft"


def build_context(catalog: Catalog, *, preview: bool, as_of: str,
                  history: dict[str, list[Change]] | None = None) -> SiteContext:
    context = SiteContext(catalog, preview, as_of, history or {})
    procedures = sorted((ref.data for ref in catalog.procedures.values()), key=lambda p: p["code"])
    context.procedures = [p for p in procedures if visible(p, preview)]
    context.listed = [p for p in context.procedures if p["status"] != "abolished"]
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {
        name: defaultdict(list) for name in ("sector", "agency", "level", "group", "online")}
    for procedure in context.listed:
        groups["sector"][procedure["sector"]].append(procedure)
        for agency in procedure["agencies"]["implementing"]:
            groups["agency"][agency].append(procedure)
        for level in procedure["levels"]:
            groups["level"][level].append(procedure)
        for group, (_, members) in APPLICANT_GROUPS.items():
            if set(procedure.get("applicant_types", [])) & set(members):
                groups["group"][group].append(procedure)
        groups["online"][procedure["online_level"]].append(procedure)
    context.by_sector, context.by_agency, context.by_level, context.by_group, context.by_online = (
        dict(groups[name]) for name in ("sector", "agency", "level", "group", "online"))
    for ref in sorted(catalog.lists, key=lambda r: str(r.data["id"])):
        data = ref.data
        if data["status"] == "superseded" or (data["status"] == "proposed" and not preview):
            continue
        entries = [e for e in data["entries"] if preview or e.get("status", "approved") == "approved"]
        context.lists.append({**data, "entries": entries, "preview": data["status"] == "proposed"})
        for entry in entries:
            proposed = data["status"] == "proposed" or entry.get("status") == "proposed"
            context.independent.setdefault(entry["code"], {"levels": entry["levels"], "list": data,
                                                           "preview": proposed})
    return context


def commit_date(catalog_dir: Path) -> str | None:
    try:
        return subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=catalog_dir, capture_output=True,
                              text=True, encoding="utf-8", errors="replace", check=True).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None
