"""The validator's index of the catalog: every entity indexed by its id, each remembering where it was written.

The index holds the parsed mappings (the schemas define their shape) for the cross-file rules;
after validation, :mod:`generator.model` turns it into typed entities. It knows nothing of rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from .load import Document
from .yamlload import escape

# Collection files: the key holding the list, the key that identifies an item, and the code of a
# duplicate id.
COLLECTIONS = {
    "sectors": ("sectors", "id", "duplicate-sector"),
    "agencies": ("agencies", "id", "duplicate-agency"),
    "service-points": ("service_points", "id", "duplicate-service-point"),
}
SINGLETONS = ("province", "sectors", "agencies", "service-points")
# Entity files: the key that identifies the entity.
IDENTIFIERS = {"procedure": "code", "decision": "number"}


@dataclass(frozen=True)
class Ref:
    """An entity and where it stands: the document and the JSON pointer of its mapping."""

    document: Document
    pointer: str
    data: dict[str, Any]

    @property
    def file(self) -> str:
        return self.document.display

    def position(self, *fields: str | int, key: bool = False) -> tuple[int, int]:
        pointer = self.pointer_to(*fields)
        loaded = self.document.loaded
        return loaded.where(pointer, key=key) if loaded is not None else (0, 0)

    def pointer_to(self, *fields: str | int) -> str:
        return self.pointer + "".join(f"/{escape(str(f))}" for f in fields)

    def diagnostic(self, fields: tuple[str | int, ...], code: str, message: str) -> Diagnostic:
        line, col = self.position(*fields)
        return Diagnostic(self.file, line, col, self.pointer_to(*fields), code, message)


@dataclass
class Catalog:
    root: Path
    documents: list[Document]
    province: Ref | None = None
    levels: dict[str, Ref] = field(default_factory=dict)
    sectors: dict[str, Ref] = field(default_factory=dict)
    agencies: dict[str, Ref] = field(default_factory=dict)
    service_points: dict[str, Ref] = field(default_factory=dict)
    procedures: dict[str, Ref] = field(default_factory=dict)
    decisions: dict[str, Ref] = field(default_factory=dict)
    lists: list[Ref] = field(default_factory=list)
    plans: list[Ref] = field(default_factory=list)
    life_events: Ref | None = None  # catalog/life-events.yaml, optional
    # Entities whose own content failed the schema: their id is known (so references to them
    # resolve and do not cascade into more errors) but rules skip them.
    invalid: set[int] = field(default_factory=set)
    loaded_kinds: set[str] = field(default_factory=set)
    # Kinds some of whose entities could not be identified (a file that did not parse, a list that
    # failed its schema): a reference into them that does not resolve may be one of those, so it is
    # not reported.
    incomplete: set[str] = field(default_factory=set)
    # The pointers that failed the schema, by file, as given to build().
    broken: dict[str, set[str]] = field(default_factory=dict)

    def is_valid(self, ref: Ref) -> bool:
        return id(ref.data) not in self.invalid

    def is_valid_document(self, document: Document) -> bool:
        """Whether a parsed document of this catalog passed its schema as a whole."""
        return document.loaded is not None and id(document.loaded.data) not in self.invalid

    def statuses(self) -> dict[str, str]:
        """Each procedure's status as written (as text), by code; ``"None"`` where it has none
        (a file that did not parse is known by its file name)."""
        return {code: str(ref.data.get("status")) for code, ref in self.procedures.items()}

    def has(self, kind: str) -> bool:
        """Whether a file of this kind was parsed: references into a missing or unreadable file are
        not checked, so that one broken file does not bury its own problem under a thousand others."""
        return kind not in self.incomplete


def build(
    root: Path, documents: list[Document], broken: dict[str, set[str]]
) -> tuple[Catalog, list[Diagnostic]]:
    """Index every parsed document. ``broken`` maps a file to the pointers that failed the schema."""
    catalog = Catalog(root=root, documents=documents, broken=broken)
    catalog.loaded_kinds = {d.kind for d in documents if d.loaded is not None}
    problems: list[Diagnostic] = []
    for document in documents:
        bad = broken.get(document.display, set())
        if document.loaded is None:
            _unreadable(catalog, document)
            continue
        data = document.loaded.data
        whole = Ref(document, "", data)
        if bad:
            catalog.invalid.add(id(data))
        ident = IDENTIFIERS.get(document.kind)
        if ident is not None and not isinstance(data.get(ident), str):
            _unreadable(catalog, document)
            continue
        if document.kind == "province":
            catalog.province = whole
            for i, level in enumerate(_items(data.get("levels"))):
                _index(
                    catalog.levels, Ref(document, f"/levels/{i}", level), "id", problems, "duplicate-level"
                )
        elif document.kind in COLLECTIONS:
            key, ident, duplicate = COLLECTIONS[document.kind]
            table = _table(catalog, document.kind)
            if not isinstance(data.get(key), list) or any(p in ("", f"/{key}") for p in bad):
                catalog.incomplete.add(document.kind)
            for i, item in enumerate(_items(data.get(key))):
                ref = Ref(document, f"/{key}/{i}", item)
                # An item is invalid if a problem lies inside it, or if the list as a whole is wrong.
                if any(p in ("", f"/{key}", ref.pointer) or p.startswith(ref.pointer + "/") for p in bad):
                    catalog.invalid.add(id(item))
                _index(table, ref, ident, problems, duplicate)
        elif document.kind == "procedure":
            _index(catalog.procedures, whole, "code", problems, "duplicate-code")
        elif document.kind == "decision":
            _index(catalog.decisions, whole, "number", problems, "duplicate-decision")
        elif document.kind == "location-independent":
            catalog.lists.append(whole)
        elif document.kind == "plan":
            catalog.plans.append(whole)
        elif document.kind == "life-events":
            catalog.life_events = whole
    catalog.incomplete |= {kind for kind in SINGLETONS if kind not in catalog.loaded_kinds}
    return catalog, problems


def written_code(document: Document) -> str:
    """The code a parsed procedure document gives itself, as text (``"None"`` if it has none)."""
    return str(document.loaded.data.get(IDENTIFIERS["procedure"]) if document.loaded is not None else None)


def _unreadable(catalog: Catalog, document: Document) -> None:
    """A file that did not parse, or lacks its identifier: a procedure is still known by its file
    name (so references to it do not cascade); for other kinds, references go unchecked."""
    if document.kind == "procedure":
        placeholder: dict[str, Any] = {}
        catalog.invalid.add(id(placeholder))
        catalog.procedures.setdefault(document.path.stem, Ref(document, "", placeholder))
    else:
        catalog.incomplete.add(document.kind)


def _items(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _table(catalog: Catalog, kind: str) -> dict[str, Ref]:
    tables: dict[str, dict[str, Ref]] = {
        "sectors": catalog.sectors,
        "agencies": catalog.agencies,
        "service-points": catalog.service_points,
    }
    return tables[kind]


def _index(table: dict[str, Ref], ref: Ref, key: str, problems: list[Diagnostic], code: str) -> None:
    value = ref.data.get(key)
    if not isinstance(value, str):
        return
    first = table.get(value)
    if first is None:
        table[value] = ref
        return
    line, _ = first.position(key)
    where = f"{first.file}:{line}" if first.file != ref.file else f"line {line}"
    problems.append(ref.diagnostic((key,), code, f"{key} '{value}' is already used at {where}"))
