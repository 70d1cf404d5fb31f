"""The published items of the catalog, as the exports show them: pure functions of the catalog.

A procedure's exported item is its catalog record, key for key, plus a few derived keys that make it
readable on its own and as linked data: ``@id`` and ``@type`` (JSON-LD), ``provider`` (the
implementing agencies with their names), ``service_type`` (the sector's name), ``area_served`` (the
province) and ``location_independent`` (the approved lists it is on). Everything else a consumer
needs to read ids (sectors, agencies, levels) is in the reference exports.

Only published things are exported: active procedures; approved location-independent lists and
their approved entries. A preview build adds draft procedures and proposed lists and entries, each
marked ``"preview": true``. Suspended and abolished procedures and superseded lists never appear.

These functions must not depend on anything but the catalog (no clock, no environment): the change
feed compares their output between commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..validation.index import Catalog, Ref

API_PATH = "api/v1"
PUBLISHED_PROCEDURE = frozenset({"active"})
PREVIEW_PROCEDURE = frozenset({"draft"})
AGENCY_ROLES = ("implementing", "competent", "authorised", "coordinating")


@dataclass(frozen=True)
class ExportContext:
    """What a procedure's item needs from the rest of the catalog."""

    base_url: str
    province: dict[str, Any]
    levels: dict[str, dict[str, Any]]
    sectors: dict[str, dict[str, Any]]
    agencies: dict[str, dict[str, Any]]
    lists_by_code: dict[str, list[dict[str, Any]]]
    preview: bool

    def api_url(self, path: str) -> str:
        return f"{self.base_url}{API_PATH}/{path}"

    def agency_iri(self, agency_id: str) -> str:
        return self.api_url(f"agencies.json#{agency_id}")


def site_url(province: dict[str, Any]) -> str:
    """The site's address from province.yaml, ending in one slash."""
    site = province.get("site")
    url = site.get("url") if isinstance(site, dict) else None
    return (url if isinstance(url, str) else "/").rstrip("/") + "/"


def _mappings(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list (history may hold files that today's schemas would refuse)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _valid(catalog: Catalog, refs: Iterable[Ref]) -> list[dict[str, Any]]:
    return [ref.data for ref in refs if catalog.is_valid(ref)]


def list_is_shown(data: dict[str, Any], preview: bool) -> bool:
    status = data.get("status")
    return status == "approved" or (preview and status == "proposed")


def entry_is_shown(entry: dict[str, Any], preview: bool) -> bool:
    return entry.get("status", "approved") == "approved" or preview


def context_of(catalog: Catalog, *, preview: bool = False) -> ExportContext:
    province = catalog.province.data if catalog.province is not None else {}
    lists_by_code: dict[str, list[dict[str, Any]]] = {}
    for data in sorted(_valid(catalog, catalog.lists), key=lambda d: str(d.get("id"))):
        if not list_is_shown(data, preview):
            continue
        for entry in _mappings(data.get("entries")):
            if not entry_is_shown(entry, preview):
                continue
            levels = entry.get("levels")
            mark: dict[str, Any] = {"list": data.get("id"), "levels": list(levels) if isinstance(levels, list) else []}
            if data.get("status") != "approved" or entry.get("status", "approved") != "approved":
                mark["preview"] = True
            lists_by_code.setdefault(str(entry.get("code")), []).append(mark)
    return ExportContext(
        base_url=site_url(province),
        province=province,
        levels={key: ref.data for key, ref in catalog.levels.items()},
        sectors={key: ref.data for key, ref in catalog.sectors.items()},
        agencies={key: ref.data for key, ref in catalog.agencies.items()},
        lists_by_code=lists_by_code,
        preview=preview,
    )


def procedure_is_shown(data: dict[str, Any], preview: bool) -> bool:
    status = data.get("status")
    return status in PUBLISHED_PROCEDURE or (preview and status in PREVIEW_PROCEDURE)


def procedure_item(data: dict[str, Any], ctx: ExportContext) -> dict[str, Any] | None:
    """The exported item of one procedure record, or None if it is not published."""
    if not procedure_is_shown(data, ctx.preview):
        return None
    code = str(data.get("code"))
    item: dict[str, Any] = dict(data)
    item["@id"] = ctx.api_url(f"procedures/{code}.json")
    item["@type"] = ["GovernmentService", "PublicService"]
    agencies = data.get("agencies")
    implementing = agencies.get("implementing") if isinstance(agencies, dict) else None
    ids = [a for a in implementing if isinstance(a, str)] if isinstance(implementing, list) else []
    item["provider"] = [_organization(agency_id, ctx) for agency_id in ids]
    sector = ctx.sectors.get(str(data.get("sector")))
    if sector is not None and "name" in sector:
        item["service_type"] = sector["name"]
    area = {"@type": "AdministrativeArea", "code": ctx.province.get("code"),
            "name": ctx.province.get("full_name")}
    item["area_served"] = {key: value for key, value in area.items() if value is not None}
    marks = ctx.lists_by_code.get(code)
    if marks:
        item["location_independent"] = marks
    if data.get("status") not in PUBLISHED_PROCEDURE:
        item["preview"] = True
    return item


def _organization(agency_id: str, ctx: ExportContext) -> dict[str, Any]:
    org: dict[str, Any] = {"@id": ctx.agency_iri(agency_id), "@type": "GovernmentOrganization", "id": agency_id}
    agency = ctx.agencies.get(agency_id)
    if agency is not None and "name" in agency:
        org["name"] = agency["name"]
    return org


def procedure_items(catalog: Catalog, *, preview: bool = False,
                    ctx: ExportContext | None = None) -> dict[str, dict[str, Any]]:
    """Every published procedure's item by code, in code order."""
    ctx = ctx or context_of(catalog, preview=preview)
    items: dict[str, dict[str, Any]] = {}
    for code in sorted(catalog.procedures):
        ref = catalog.procedures[code]
        if not catalog.is_valid(ref):
            continue
        item = procedure_item(ref.data, ctx)
        if item is not None:
            items[code] = item
    return items


def lists(catalog: Catalog, *, preview: bool = False) -> list[dict[str, Any]]:
    """Location-independent lists shown in this build, with only the entries shown, by id."""
    shown = []
    for data in sorted(_valid(catalog, catalog.lists), key=lambda d: str(d.get("id"))):
        if not list_is_shown(data, preview):
            continue
        out = dict(data)
        entries = []
        for entry in _mappings(data.get("entries")):
            if entry_is_shown(entry, preview):
                entries.append({**entry, "preview": True} if entry.get("status", "approved") != "approved"
                               else entry)
        out["entries"] = entries
        if data.get("status") != "approved":
            out["preview"] = True
        shown.append(out)
    return shown


def sectors(catalog: Catalog) -> list[dict[str, Any]]:
    return sorted(_valid(catalog, catalog.sectors.values()), key=lambda d: str(d.get("id")))


def agencies(catalog: Catalog) -> list[dict[str, Any]]:
    """Every agency, dissolved ones included (with ``until`` and ``successor``): plans and old
    records name them, and whether one still exists depends on the reader's date, not the build's."""
    return sorted(_valid(catalog, catalog.agencies.values()), key=lambda d: str(d.get("id")))


def service_points(catalog: Catalog) -> list[dict[str, Any]]:
    return sorted(_valid(catalog, catalog.service_points.values()), key=lambda d: str(d.get("id")))


def decisions(catalog: Catalog) -> list[dict[str, Any]]:
    return [catalog.decisions[number].data for number in sorted(catalog.decisions)
            if catalog.is_valid(catalog.decisions[number])]


def plans(catalog: Catalog) -> list[dict[str, Any]]:
    return sorted(_valid(catalog, catalog.plans), key=lambda d: str(d.get("id")))


def province(catalog: Catalog) -> dict[str, Any]:
    return catalog.province.data if catalog.province is not None else {}
