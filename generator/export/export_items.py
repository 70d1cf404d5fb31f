"""The published items of the catalog, as the exports show them: pure functions of the typed model.

A procedure's exported item is its catalog record, key for key (:func:`generator.model.records.to_mapping`,
the model's own serializer), plus a few derived keys that make it readable on its own and as linked
data: ``@id`` and ``@type`` (JSON-LD), ``provider`` (the implementing agencies with their names),
``service_type`` (the sector's name), ``area_served`` (the province) and ``location_independent``
(the approved lists it is on). Everything else a consumer needs to read ids (sectors, agencies,
levels) is in the reference exports.

Only published things are exported (the model decides: :meth:`Procedure.is_published`,
:meth:`LocationIndependentList.is_shown`): active procedures; approved location-independent lists
and their approved entries. A preview build adds draft procedures and proposed lists and entries,
each marked ``"preview": true``. Suspended and abolished procedures and superseded lists never appear.

These functions must not depend on anything but the catalog (no clock, no environment): the change
feed compares their output between commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Agency, Catalog, Level, Procedure, Province, Sector
from ..model.records import to_mapping

API_PATH = "api/v1"


@dataclass(frozen=True)
class ListMark:
    """A shown location-independent list a procedure is on, and at which levels."""

    list_id: str
    levels: tuple[str, ...]
    preview: bool

    def as_json(self) -> dict[str, Any]:
        mark: dict[str, Any] = {"list": self.list_id, "levels": list(self.levels)}
        if self.preview:
            mark["preview"] = True
        return mark


@dataclass(frozen=True)
class ExportContext:
    """What a procedure's item needs from the rest of the catalog."""

    base_url: str
    province: Province | None
    levels: dict[str, Level]
    sectors: dict[str, Sector]
    agencies: dict[str, Agency]
    lists_by_code: dict[str, list[ListMark]]
    preview: bool

    def api_url(self, path: str) -> str:
        return f"{self.base_url}{API_PATH}/{path}"

    def agency_iri(self, agency_id: str) -> str:
        return self.api_url(f"agencies.json#{agency_id}")

    def procedure_url(self, procedure: Procedure) -> str:
        return self.api_url(f"procedures/{procedure.code}.json")


def site_url(province: Province | None) -> str:
    """The site's address from province.yaml, ending in one slash."""
    return (province.site.url if province is not None else "/").rstrip("/") + "/"


def context_of(catalog: Catalog, *, preview: bool = False) -> ExportContext:
    lists_by_code: dict[str, list[ListMark]] = {}
    for lst, entry in catalog.shown_entries(preview):
        lists_by_code.setdefault(entry.code, []).append(
            ListMark(lst.id, entry.levels, lst.entry_is_preview(entry))
        )
    return ExportContext(
        base_url=site_url(catalog.province),
        province=catalog.province,
        levels=catalog.levels,
        sectors=catalog.sectors,
        agencies=catalog.agencies,
        lists_by_code=lists_by_code,
        preview=preview,
    )


def procedure_item(procedure: Procedure, ctx: ExportContext) -> dict[str, Any] | None:
    """The exported item of one procedure, or None if it is not published."""
    if not procedure.is_published(ctx.preview):
        return None
    item = to_mapping(procedure)
    item["@id"] = ctx.procedure_url(procedure)
    item["@type"] = ["GovernmentService", "PublicService"]
    item["provider"] = [_organization(agency_id, ctx) for agency_id in procedure.agencies.implementing]
    sector = ctx.sectors.get(procedure.sector)
    if sector is not None:
        item["service_type"] = sector.name
    if ctx.province is not None:
        item["area_served"] = {
            "@type": "AdministrativeArea",
            "code": ctx.province.code,
            "name": ctx.province.full_name,
        }
    else:
        item["area_served"] = {"@type": "AdministrativeArea"}
    marks = ctx.lists_by_code.get(procedure.code)
    if marks:
        item["location_independent"] = [mark.as_json() for mark in marks]
    if procedure.is_preview:
        item["preview"] = True
    return item


def _organization(agency_id: str, ctx: ExportContext) -> dict[str, Any]:
    org: dict[str, Any] = {
        "@id": ctx.agency_iri(agency_id),
        "@type": "GovernmentOrganization",
        "id": agency_id,
    }
    agency = ctx.agencies.get(agency_id)
    if agency is not None:
        org["name"] = agency.name
    return org


def procedure_items(
    catalog: Catalog, *, preview: bool = False, ctx: ExportContext | None = None
) -> dict[str, dict[str, Any]]:
    """Every published procedure's item by code, in code order."""
    ctx = ctx or context_of(catalog, preview=preview)
    items: dict[str, dict[str, Any]] = {}
    for procedure in catalog.published_procedures(preview):
        item = procedure_item(procedure, ctx)
        if item is not None:
            items[procedure.code] = item
    return items


def lists(catalog: Catalog, *, preview: bool = False) -> list[dict[str, Any]]:
    """Location-independent lists shown in this build, with only the entries shown, by id."""
    shown = []
    for lst in catalog.shown_lists(preview):
        out = to_mapping(lst)
        out["entries"] = [
            {**to_mapping(entry), "preview": True} if not entry.approved else to_mapping(entry)
            for entry in lst.shown_entries(preview)
        ]
        if not lst.approved:
            out["preview"] = True
        shown.append(out)
    return shown


def sectors(catalog: Catalog) -> list[dict[str, Any]]:
    return [to_mapping(s) for s in sorted(catalog.sectors.values(), key=lambda s: s.id)]


def agencies(catalog: Catalog) -> list[dict[str, Any]]:
    """Every agency, dissolved ones included (with ``until`` and ``successor``): plans and old
    records name them, and whether one still exists depends on the reader's date, not the build's."""
    return [to_mapping(a) for a in sorted(catalog.agencies.values(), key=lambda a: a.id)]


def service_points(catalog: Catalog) -> list[dict[str, Any]]:
    return [to_mapping(s) for s in sorted(catalog.service_points.values(), key=lambda s: s.id)]


def decisions(catalog: Catalog) -> list[dict[str, Any]]:
    return [to_mapping(catalog.decisions[number]) for number in sorted(catalog.decisions)]


def plans(catalog: Catalog) -> list[dict[str, Any]]:
    return [to_mapping(plan) for plan in catalog.plans]


def province(catalog: Catalog) -> dict[str, Any]:
    return to_mapping(catalog.province) if catalog.province is not None else {}
