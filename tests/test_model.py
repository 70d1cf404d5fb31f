"""The typed model: one dataclass field per schema property and one enum per schema enum (so a schema
field added without its model field fails here), every template rendered with the real catalog
under StrictUndefined, and no string-key lookups on catalog documents after validation."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from generator.model import entities as m
from generator.site import pages as pages_module
from generator.site.context import build_context
from generator.site.pages import TEMPLATES, render_pages
from generator.validation.validate import Result

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"

# Each entity and the schema object it mirrors: file and JSON pointer.
ENTITIES: dict[type, tuple[str, str]] = {
    m.Procedure: ("procedure", ""),
    m.Channel: ("procedure", "/$defs/channel"),
    m.ProcessingTime: ("procedure", "/$defs/processing_time"),
    m.Document: ("procedure", "/$defs/document"),
    m.Form: ("procedure", "/$defs/document/properties/form"),
    m.StepGroup: ("procedure", "/properties/steps/items"),
    m.DossierCase: ("procedure", "/properties/dossier/items"),
    m.ProcedureResult: ("procedure", "/properties/results/items"),
    m.LegalBasis: ("procedure", "/properties/legal_basis/items"),
    m.ProcedureAgencies: ("procedure", "/properties/agencies"),
    m.Postal: ("procedure", "/properties/postal"),
    m.Local: ("procedure", "/properties/local"),
    m.Fee: ("common", "/$defs/fee"),
    m.Province: ("province", ""),
    m.Predecessor: ("province", "/properties/predecessors/items"),
    m.Level: ("province", "/properties/levels/items"),
    m.SiteInfo: ("province", "/properties/site"),
    m.Contact: ("province", "/properties/contact"),
    m.GitHub: ("province", "/properties/github"),
    m.Sector: ("sectors", "/$defs/sector"),
    m.Agency: ("agencies", "/$defs/agency"),
    m.ServicePoint: ("service-points", "/$defs/service_point"),
    m.OpeningHours: ("service-points", "/$defs/service_point/properties/opening_hours/items"),
    m.Decision: ("decision", ""),
    m.DecisionProcedures: ("decision", "/properties/procedures"),
    m.LocationIndependentList: ("location-independent", ""),
    m.ListDecision: ("location-independent", "/properties/decision"),
    m.ListEntry: ("location-independent", "/properties/entries/items"),
    m.Plan: ("plan", ""),
    m.LegalDocument: ("plan", "/$defs/legal_document"),
    m.Responsibility: ("plan", "/$defs/responsibility"),
    m.Section: ("plan", "/$defs/section"),
    m.Task: ("plan", "/$defs/task"),
    m.Deadline: ("plan", "/$defs/deadline"),
    m.Milestone: ("plan", "/$defs/deadline/properties/milestones/items"),
    m.LifeEvents: ("life-events", ""),
    m.LifeEvent: ("life-events", "/properties/events/items"),
    m.LifeEventProcedure: ("life-events", "/properties/events/items/properties/procedures/items"),
}


def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return data


def at(name: str, pointer: str) -> tuple[str, dict[str, Any]]:
    """The schema object at ``pointer`` of ``name``, following $ref (the file it is in, the object)."""
    node: Any = schema(name)
    for part in filter(None, pointer.split("/")):
        node = node[part]
    while "$ref" in node:
        target, _, inner = node["$ref"].partition("#")
        name = target.removesuffix(".schema.json") if target else name
        return at(name, inner)
    return name, node


def own_fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("caller")]


@pytest.mark.parametrize("cls", ENTITIES, ids=lambda c: c.__name__)
def test_entity_has_one_field_per_schema_property(cls: type) -> None:
    name, node = at(*ENTITIES[cls])
    properties = set(node["properties"])
    fields = {f.name: f for f in own_fields(cls)}
    assert set(fields) == properties, f"{cls.__name__} vs {name}.schema.json"
    required = set(node.get("required", []))
    optional = {
        n
        for n, f in fields.items()
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    assert optional == properties - required, cls.__name__


def enum_of(hint: Any) -> type[enum.Enum] | None:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    for arg in typing.get_args(hint):
        found = enum_of(arg)
        if found is not None:
            return found
    return None


def enum_values(file: str, node: dict[str, Any]) -> list[str]:
    if "enum" in node:
        return list(node["enum"])
    if "items" in node:
        name, item = file, node["items"]
        if "$ref" in item:
            target, _, inner = item["$ref"].partition("#")
            name, item = at(target.removesuffix(".schema.json") if target else file, inner)
        return enum_values(name, item)
    raise AssertionError(f"no enum in {node}")


ENUM_FIELDS = [
    (cls, f.name)
    for cls in ENTITIES
    for f in own_fields(cls)
    if enum_of(typing.get_type_hints(cls)[f.name]) is not None
]


def test_every_schema_enum_has_its_model_enum() -> None:
    assert len(ENUM_FIELDS) == 13


@pytest.mark.parametrize(("cls", "name"), ENUM_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_model_enum_is_the_schema_enum(cls: type, name: str) -> None:
    file, node = at(*ENTITIES[cls])
    prop = node["properties"][name]
    if "$ref" in prop:
        target, _, inner = prop["$ref"].partition("#")
        file, prop = at(target.removesuffix(".schema.json") if target else file, inner)
    found = enum_of(typing.get_type_hints(cls)[name])
    assert found is not None
    assert [e.value for e in found] == enum_values(file, prop), f"{cls.__name__}.{name}"


def test_model_is_frozen_and_slotted() -> None:
    for cls in ENTITIES:
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen and "__slots__" in cls.__dict__, cls.__name__


def test_visibility_is_decided_in_the_model(real_result: Result) -> None:
    catalog = real_result.model
    statuses = {p.status for p in catalog.procedures.values()}
    assert m.ProcedureStatus.ACTIVE in statuses
    for procedure in catalog.procedures.values():
        assert procedure.is_published(False) == (procedure.status == "active")
        assert procedure.has_page(True)
        assert procedure.is_listed(False) == (procedure.status in ("active", "suspended"))
    assert catalog.published_procedures(False) == [
        p for p in catalog.procedures.values() if p.status == "active"
    ]


@pytest.mark.parametrize("preview", [False, True], ids=["normal", "preview"])
def test_every_template_renders_with_the_real_catalog(
    real_result: Result, preview: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """StrictUndefined: a misspelt or missing attribute in a template fails the build."""
    assert real_result.diagnostics == []
    used: set[str] = set()
    real = pages_module.Renderer.render

    def render(self: pages_module.Renderer, template: str, path: str, **values: Any) -> str:
        used.add(template)
        return real(self, template, path, **values)

    monkeypatch.setattr(pages_module.Renderer, "render", render)
    context = build_context(real_result.model, preview=preview, as_of="2026-11-01")
    pages = render_pages(context)
    templates = {p.name for p in TEMPLATES.iterdir() if p.name.endswith(".j2") and not p.name.startswith("_")}
    assert used == templates
    assert len([p for p in pages if p.path.startswith("thu-tuc/")]) == len(context.procedures) > 1000
    assert all(p.markdown.startswith("# ") for p in pages)


def test_strict_undefined_catches_a_misspelt_attribute(real_result: Result) -> None:
    from jinja2 import UndefinedError

    env = pages_module._environment()
    procedure = next(iter(real_result.model.procedures.values()))
    assert env.from_string("{{ p.name }}").render(p=procedure) == procedure.name
    with pytest.raises(UndefinedError, match="nmae"):
        env.from_string("{{ p.nmae }}").render(p=procedure)


# ---------------------------------------------------------------------------------------------
# No lookups on catalog documents by string key after validation.

GENERATOR = REPO / "generator"
# Where catalog mappings may be read by key: validation builds them, the model's constructors read
# them (records.py and catalog.py the validated model, written.py the review's lenient model of files
# as written at a git revision, valid or not).
ALLOWED = ("validation/", "model/records.py", "model/catalog.py", "model/written.py")
# Not catalog documents, or not documents that validate: what these read, and why they may use keys.
EXEMPT = {
    # The importer reads existing sectors, agencies, province.yaml and procedures through the model
    # (importer/mapping.py); these modules build the documents it writes from source data.
    "importer/dvcqg_parse.py": "builds a procedure document from a national portal record (source data)",
    "importer/dvcqg_legal.py": "builds the legal basis of that document from the record's text",
    "importer/dvcqg_channels.py": "builds the channels of that document from the record's text",
    "importer/report.py": "counts what the import is about to write, per field, before any validation",
    "importer/xlsx.py": "reads the portal's spreadsheets, whose column names happen to be catalog keys",
    "importer/agency_names.py": "reads the importer's own data file (data/reorganisation-2025.yaml)",
    "importer/decisions.py": "keeps an existing decision file as written, also one that fails today's schema "
    "(the import writes a decision without issuer where none can be told, for catalog validate to ask for it)",
}
LOOKUP = re.compile(r"""\.data\b|\.get\(\s*["']([a-z_]+)["']|\[\s*["']([a-z_]+)["']\s*\](?!\s*=[^=])""")
# JSON Schema keywords that are also catalog keys: in a module that reads the JSON Schemas (imports the
# schema store) such a lookup reads a schema node, not a catalog document. Other keys are still checked there.
SCHEMA_KEYWORDS = {
    "items",
    "title",
    "description",
    "properties",
    "required",
    "enum",
    "type",
    "format",
    "pattern",
    "minimum",
    "additionalProperties",
}
READS_SCHEMAS = re.compile(r"^from \S*schemastore import|^from \S* import .*\bschemastore\b", re.MULTILINE)
# Lines that index something else with a word that happens to be a schema key.
NOT_CATALOG = "# not catalog data"


def schema_keys() -> set[str]:
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in SCHEMAS.glob("*.schema.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return keys


def catalog_lookups() -> list[str]:
    keys = schema_keys()
    found = []
    for path in sorted([*GENERATOR.rglob("*.py"), *GENERATOR.rglob("*.j2")]):
        rel = path.relative_to(GENERATOR).as_posix()
        if rel.startswith(ALLOWED) or any(rel.startswith(e) for e in EXEMPT):
            continue
        text = path.read_text(encoding="utf-8")
        checked = keys - SCHEMA_KEYWORDS if READS_SCHEMAS.search(text) else keys
        for number, line in enumerate(text.splitlines(), 1):
            if NOT_CATALOG in line:
                continue
            if any((match.group(1) or match.group(2)) in (None, *checked) for match in LOOKUP.finditer(line)):
                found.append(f"generator/{rel}:{number}: {line.strip()}")
    return found


def test_no_string_key_lookups_on_catalog_documents_after_validation() -> None:
    assert catalog_lookups() == []


def test_the_lookup_check_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "generator"
    (bad / "site").mkdir(parents=True)
    (bad / "site" / "x.py").write_text(
        'name = ref.data["name"]\nlevel = p.get("level")\nok = d.get("zzz")\n'
        'out["name"] = p.name\nsame = d["name"] == p.name\n'
    )
    # A module that reads the JSON Schemas may read their keywords, not the catalog's other keys.
    (bad / "schemaish.py").write_text(
        'from . import schemastore\nt = node.get("title")\nc = node.get("code")\n'
    )
    monkeypatch.setitem(globals(), "GENERATOR", bad)
    assert catalog_lookups() == [
        'generator/schemaish.py:3: c = node.get("code")',
        'generator/site/x.py:1: name = ref.data["name"]',
        'generator/site/x.py:2: level = p.get("level")',
        'generator/site/x.py:5: same = d["name"] == p.name',
    ]


def test_the_model_writes_back_every_real_record_key_for_key(real_result: Result) -> None:
    """``records.to_mapping`` (the exports' serializer) gives back each record of the real catalog as
    written: the exports publish records key for key from the model."""
    from generator.model.records import to_mapping

    index, catalog = real_result.catalog, real_result.model
    assert catalog.province is not None and index.province is not None
    pairs: list[tuple[Any, Any]] = [(index.province.data, catalog.province)]
    pairs += [(index.procedures[code].data, p) for code, p in catalog.procedures.items()]
    for table, typed in (
        (index.sectors, catalog.sectors),
        (index.agencies, catalog.agencies),
        (index.service_points, catalog.service_points),
        (index.decisions, catalog.decisions),
    ):
        pairs += [(table[key].data, entity) for key, entity in typed.items()]
    lists = {lst.id: lst for lst in catalog.lists}
    plans = {plan.id: plan for plan in catalog.plans}
    pairs += [(ref.data, lists[ref.data["id"]]) for ref in index.lists]
    pairs += [(ref.data, plans[ref.data["id"]]) for ref in index.plans]
    assert len(pairs) > 1300
    assert [data for data, entity in pairs if to_mapping(entity) != data] == []


@pytest.mark.parametrize(
    ("status", "due", "overdue", "unreported"),
    [
        ("planned", "2026-01-31", True, False),
        ("in_progress", "2026-01-31", True, False),
        ("done", "2026-01-31", False, False),
        ("not_reported", "2026-01-31", False, True),
        ("in_progress", "2026-03-01", False, False),
        ("not_reported", None, False, False),
    ],
)
def test_a_task_is_overdue_only_when_reported_as_not_done(
    status: str, due: str | None, overdue: bool, unreported: bool
) -> None:
    task = m.Task(
        id="I.1",
        content="Rà soát",
        lead=("Văn phòng UBND tỉnh",),
        lead_agencies=(),
        coordinating=(),
        coordinating_agencies=(),
        deadline=m.Deadline(text="Tháng 1/2026", date=due),
        status=m.TaskStatus(status),
    )
    assert (task.is_overdue("2026-02-15"), task.is_unreported_past_deadline("2026-02-15")) == (
        overdue,
        unreported,
    )


def test_the_written_model_reads_files_as_written_valid_or_not() -> None:
    """The review's model of a git revision (``model.written``): a value of the wrong type reads as
    absent, never as an error, and the content stays as written for the value-by-value diff."""
    from generator.model import written

    broken = {"code": 1001193, "name": ["not", "text"], "status": "", "levels": "tinh", "sector": 7}
    procedure = written.procedure("catalog/procedures/so-tu-phap/1.001193.yaml", broken)
    assert (procedure.code, procedure.key, procedure.name, procedure.status) == (None, "1.001193", "", None)
    assert (procedure.sector, procedure.levels, procedure.content) == (None, (), broken)
    agencies = {
        "agencies": [{"id": "so-tu-phap", "name": "Sở Tư pháp", "team": 3}, "x", {"name": "Không id"}]
    }
    items = written.collection("catalog/agencies.yaml", agencies)
    assert [(i.index, i.id, i.name, i.team) for i in items] == [
        (0, "so-tu-phap", "Sở Tư pháp", 3),
        (2, "#3", "Không id", None),
    ]
    lst = written.document(
        "location-independent",
        "catalog/location-independent/2025.yaml",
        {
            "id": "2025",
            "title": "Danh mục",
            "status": "approved",
            "entries": [
                {"code": "1.000100", "levels": ["tinh", 5], "status": "proposed"},
                {"code": "1.000100", "levels": ["xa"]},  # the first of a code counts
                {"code": 2},
                {"code": "1.000200"},
            ],
        },
    )
    assert [(e.index, e.code, e.status, e.levels) for e in lst.entries] == [
        (0, "1.000100", "proposed", ("tinh", "5")),
        (3, "1.000200", "approved", ()),
    ]
    revision = written.revision(
        {
            "catalog/procedures/a/1.000001.yaml": {"code": "1.000001", "name": "Một"},
            "catalog/procedures/b/1.000001.yaml": {"code": "1.000001", "name": "Bản sao"},
            "catalog/decisions/1.yaml": {"number": "1/QĐ"},
            "catalog/agencies.yaml": agencies,
        }
    )
    assert [(p.key, p.path) for p in revision.procedures.values()] == [
        ("1.000001", "catalog/procedures/a/1.000001.yaml")
    ]
    assert list(revision.documents["decision"]) == ["1/QĐ"]
    assert list(revision.items("catalog/agencies.yaml")) == ["so-tu-phap", "#3"]
    assert revision.items("catalog/sectors.yaml") == {}
