"""Rules that span files: references resolve, files sit where their content says, dates are in order.

Each rule reads the :class:`~generator.validation.index.Catalog` and yields diagnostics; entities that failed
their schema are skipped so one mistake is reported once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..diagnostics import Diagnostic
from .index import Catalog, Ref
from .load import Document

DATE_PAIRS = (
    ("effective_from", "effective_to"),
    ("issued_on", "effective_on"),
    ("since", "until"),
    ("date", "effective_from"),
)
AGENCY_ROLES = ("implementing", "competent", "authorised", "coordinating")


def check(catalog: Catalog, today: date) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for rule in (_sectors, _agencies, _service_points, _decisions, _lists, _plans, _life_events):
        problems.extend(rule(catalog))
    problems.extend(_procedures(catalog, today))
    return problems  # the order of dates within a file: date_order, part of each file's own check


def _valid(catalog: Catalog, refs: Any) -> Iterator[Ref]:
    for ref in refs:
        if catalog.is_valid(ref):
            yield ref


def _missing(ref: Ref, fields: tuple[str | int, ...], what: str, value: str, where: str) -> Diagnostic:
    shown = value if what == "procedure" else f"'{value}'"
    return ref.diagnostic(fields, f"unknown-{what}", f"{what} {shown} is not in {where}")


def _level(catalog: Catalog, ref: Ref, fields: tuple[str | int, ...], value: str) -> Iterator[Diagnostic]:
    if catalog.province is not None and catalog.is_valid(catalog.province) and value not in catalog.levels:
        known = ", ".join(sorted(catalog.levels)) or "none"
        yield ref.diagnostic(
            fields,
            "unknown-level",
            f"level '{value}' is not declared in catalog/province.yaml (levels: {known})",
        )


def _agency(catalog: Catalog, ref: Ref, fields: tuple[str | int, ...], value: str) -> Iterator[Diagnostic]:
    if value not in catalog.agencies and catalog.has("agencies"):
        yield _missing(ref, fields, "agency", value, "catalog/agencies.yaml")


def _sectors(catalog: Catalog) -> Iterator[Diagnostic]:
    for ref in _valid(catalog, catalog.sectors.values()):
        for level, agency in ref.data.get("responsible", {}).items():
            yield from _level(catalog, ref, ("responsible", level), level)
            yield from _agency(catalog, ref, ("responsible", level), agency)


def _agencies(catalog: Catalog) -> Iterator[Diagnostic]:
    for ref in _valid(catalog, catalog.agencies.values()):
        yield from _level(catalog, ref, ("level",), ref.data["level"])
        for key in ("parent", "successor"):
            if key in ref.data:
                yield from _agency(catalog, ref, (key,), ref.data[key])
        if ref.data.get("parent") == ref.data["id"]:
            yield ref.diagnostic(("parent",), "agency-parent-self", "an agency cannot be its own parent")


def _service_points(catalog: Catalog) -> Iterator[Diagnostic]:
    for ref in _valid(catalog, catalog.service_points.values()):
        yield from _level(catalog, ref, ("level",), ref.data["level"])
        if "agency" in ref.data:
            yield from _agency(catalog, ref, ("agency",), ref.data["agency"])


def _procedures(catalog: Catalog, today: date) -> Iterator[Diagnostic]:
    for ref in catalog.procedures.values():
        yield from _placement(catalog, ref)
    for ref in _valid(catalog, catalog.procedures.values()):
        data = ref.data
        if data["sector"] not in catalog.sectors and catalog.has("sectors"):
            yield _missing(ref, ("sector",), "sector", data["sector"], "catalog/sectors.yaml")
        for role in AGENCY_ROLES:
            for i, agency in enumerate(data["agencies"].get(role, [])):
                yield from _agency(catalog, ref, ("agencies", role, i), agency)
        for i, level in enumerate(data["levels"]):
            yield from _level(catalog, ref, ("levels", i), level)
            yield from _ended_level(catalog, ref, i, level, today)
        for i, point in enumerate(data.get("local", {}).get("service_points", [])):
            if point not in catalog.service_points and catalog.has("service-points"):
                yield _missing(
                    ref, ("local", "service_points", i), "service-point", point, "catalog/service-points.yaml"
                )
        if data["decision"] not in catalog.decisions and catalog.has("decision"):
            yield ref.diagnostic(
                ("decision",),
                "unknown-decision",
                f"decision '{data['decision']}' has no file in catalog/decisions/",
            )
        if data.get("last_verified", "") > today.isoformat():
            yield ref.diagnostic(
                ("last_verified",),
                "date-in-future",
                f"last_verified {data['last_verified']} is after today ({today.isoformat()})",
            )


def _placement(catalog: Catalog, ref: Ref) -> Iterator[Diagnostic]:
    code = ref.data.get("code")
    path = ref.document.path
    if isinstance(code, str) and path.stem != code:
        yield ref.diagnostic(
            ("code",),
            "file-name",
            f"the file is named {path.name} but holds procedure {code}; rename it to {code}.yaml",
        )
    folder = path.parent.name
    if not catalog.has("agencies"):
        return
    if folder not in catalog.agencies:
        yield Diagnostic(
            ref.file,
            0,
            0,
            "",
            "unknown-agency-folder",
            f"folder catalog/procedures/{folder}/ is not an agency id in catalog/agencies.yaml",
        )
        return
    agencies = ref.data.get("agencies")
    implementing = agencies.get("implementing") if isinstance(agencies, dict) else None
    if isinstance(implementing, list) and implementing and folder not in implementing:
        yield ref.diagnostic(
            ("agencies", "implementing"),
            "wrong-folder",
            f"the file is in catalog/procedures/{folder}/ but {folder} is not an "
            f"implementing agency; move it to catalog/procedures/{implementing[0]}/",
        )


def _ended_level(catalog: Catalog, ref: Ref, index: int, level: str, today: date) -> Iterator[Diagnostic]:
    level_ref = catalog.levels.get(level)
    until = level_ref.data.get("until") if level_ref is not None else None
    if isinstance(until, str) and until < today.isoformat() and ref.data["status"] == "active":
        yield ref.diagnostic(
            ("levels", index),
            "level-ended",
            f"level '{level}' ended on {until}; an active procedure cannot be done at it",
        )


def _decisions(catalog: Catalog) -> Iterator[Diagnostic]:
    for ref in _valid(catalog, catalog.decisions.values()):
        for group, codes in ref.data.get("procedures", {}).items():
            for i, code in enumerate(codes):
                if code not in catalog.procedures and catalog.has("procedure"):
                    yield _missing(ref, ("procedures", group, i), "procedure", code, "catalog/procedures/")


def _lists(catalog: Catalog) -> Iterator[Diagnostic]:
    ids: dict[str, Ref] = {}
    for ref in _valid(catalog, catalog.lists):
        data = ref.data
        if data["id"] in ids:
            yield ref.diagnostic(
                ("id",), "duplicate-list", f"list id '{data['id']}' is already used by {ids[data['id']].file}"
            )
        ids.setdefault(data["id"], ref)
        if "proposed_by" in data:
            yield from _agency(catalog, ref, ("proposed_by",), data["proposed_by"])
        seen: dict[str, int] = {}
        for i, entry in enumerate(data["entries"]):
            code = entry["code"]
            if code in seen:
                yield ref.diagnostic(
                    ("entries", i, "code"),
                    "duplicate-entry",
                    f"procedure {code} is already listed as entry {seen[code]}",
                )
            seen.setdefault(code, i)
            yield from _entry(catalog, ref, i, entry)
    for ref in _valid(catalog, catalog.lists):
        successor = ref.data.get("superseded_by")
        if successor is not None and successor not in ids:
            yield _missing(ref, ("superseded_by",), "list", successor, "catalog/location-independent/")


def _entry(catalog: Catalog, ref: Ref, i: int, entry: dict[str, Any]) -> Iterator[Diagnostic]:
    code = entry["code"]
    procedure = catalog.procedures.get(code)
    if procedure is None:
        if catalog.has("procedure"):
            yield _missing(ref, ("entries", i, "code"), "procedure", code, "catalog/procedures/")
        return
    if not catalog.is_valid(procedure):
        return
    status = procedure.data.get("status")
    if status != "active" and ref.data["status"] != "superseded":
        yield ref.diagnostic(
            ("entries", i, "code"),
            "procedure-not-active",
            f"procedure {code} is {status}; only active procedures can be listed",
        )
    levels = procedure.data.get("levels")
    for j, level in enumerate(entry["levels"]):
        yield from _level(catalog, ref, ("entries", i, "levels", j), level)
        if isinstance(levels, list) and level not in levels:
            yield ref.diagnostic(
                ("entries", i, "levels", j),
                "level-not-in-procedure",
                f"procedure {code} is not done at level '{level}' "
                f"(its levels: {', '.join(map(str, levels))})",
            )


def _plans(catalog: Catalog) -> Iterator[Diagnostic]:
    for ref in _valid(catalog, catalog.plans):
        for i, duty in enumerate(ref.data.get("responsibilities", [])):
            for j, agency in enumerate(duty.get("agencies", [])):
                yield from _agency(catalog, ref, ("responsibilities", i, "agencies", j), agency)
        seen: set[str] = set()
        for s, section in enumerate(ref.data.get("sections", [])):
            for t, task in enumerate(section.get("tasks", [])):
                if task["id"] in seen:
                    yield ref.diagnostic(
                        ("sections", s, "tasks", t, "id"),
                        "duplicate-task",
                        f"task id '{task['id']}' is used twice",
                    )
                seen.add(task["id"])
                for key in ("lead_agencies", "coordinating_agencies"):
                    for j, agency in enumerate(task.get(key, [])):
                        yield from _agency(catalog, ref, ("sections", s, "tasks", t, key, j), agency)


def _life_events(catalog: Catalog) -> Iterator[Diagnostic]:
    """Every life event's procedures exist and are active; event ids are unique."""
    ref = catalog.life_events
    if ref is None or not catalog.is_valid(ref):
        return
    seen: dict[str, int] = {}
    for i, event in enumerate(ref.data["events"]):
        if event["id"] in seen:
            yield ref.diagnostic(
                ("events", i, "id"),
                "duplicate-life-event",
                f"life event id '{event['id']}' is already used by event {seen[event['id']]}",
            )
        seen.setdefault(event["id"], i)
        for j, item in enumerate(event["procedures"]):
            code = item["code"]
            procedure = catalog.procedures.get(code)
            if procedure is None:
                if catalog.has("procedure"):
                    yield _missing(
                        ref, ("events", i, "procedures", j, "code"), "procedure", code, "catalog/procedures/"
                    )
            elif catalog.is_valid(procedure) and procedure.data.get("status") != "active":
                yield ref.diagnostic(
                    ("events", i, "procedures", j, "code"),
                    "procedure-not-active",
                    f"procedure {code} is {procedure.data.get('status')}; a life event lists "
                    "only active procedures",
                )


def date_order(document: Document) -> list[Diagnostic]:
    """Every mapping of one file, at any depth, whose paired dates (e.g. effective_from/effective_to)
    are reversed. It reads nothing but the file: run (and cached) with each file's own check."""
    if document.loaded is None:
        return []
    text = document.loaded.text
    if text is not None and "\\" not in text and not any(a in text and b in text for a, b in DATE_PAIRS):
        return []  # no mapping can hold both dates of a pair (a key is written out, or escaped)
    return list(_walk_dates(Ref(document, "", document.loaded.data), document.loaded.data, ()))


def _walk_dates(root: Ref, value: Any, path: tuple[str | int, ...]) -> Iterator[Diagnostic]:
    if isinstance(value, dict):
        for first, second in DATE_PAIRS:
            a, b = value.get(first), value.get(second)
            if isinstance(a, str) and isinstance(b, str) and b < a and _is_date(a) and _is_date(b):
                yield root.diagnostic((*path, second), "date-order", f"{second} {b} is before {first} {a}")
        children: Any = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return
    for key, child in children:
        if isinstance(child, (dict, list)):
            yield from _walk_dates(root, child, (*path, key))


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
