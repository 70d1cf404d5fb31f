"""The JSON Schemas of the exports (schemas/export/, from the schema store), published self-contained.

The checked-in schemas refer to the catalog's own schemas (schemas/*.schema.json) for everything
the exports copy from the catalog, so there is one definition of each field. References are
relative (``common.schema.json#/$defs/…``, ``../../catalog/procedure.schema.json#/…``) and the
published files sit where their ``$id`` says, relative to the site's root::

    https://catalog.tthc.example/schemas/export/v1/<name>  →  site/schemas/export/v1/<name>
    https://catalog.tthc.example/schemas/catalog/<name>    →  site/schemas/catalog/<name>

so a tool that follows references by file location finds them. Each published export schema is
also *bundled*: every schema it refers to, directly or not, is embedded under ``$defs`` with its own
``$id`` (a JSON Schema 2020-12 compound document), so a validator that honours ``$id`` needs only
that one file, offline.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from .. import schemastore

SCHEMA_BASE = schemastore.EXPORT_BASE
SCHEMA_VERSION = "1.0.0"
CATALOG_BASE = schemastore.CATALOG_BASE
# The published schemas, one per export file kind (common.schema.json is only referred to).
PUBLISHED = (
    "procedures.schema.json",
    "procedure.schema.json",
    "procedures-csv.schema.json",
    "national-procedures.schema.json",
    "location-independent.schema.json",
    "sectors.schema.json",
    "agencies.schema.json",
    "service-points.schema.json",
    "decisions.schema.json",
    "plan.schema.json",
    "province.schema.json",
    "changes.schema.json",
)


def sources() -> dict[str, dict[str, Any]]:
    """Every schema an export schema may refer to, by ``$id``: the export schemas and the catalog's."""
    return schemastore.every_schema()


def _references(node: Any, base: str) -> set[str]:
    """The resources (URIs without fragment) that ``$ref``s under ``node`` point into."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            uri = urldefrag(urljoin(base, ref)).url
            if uri:
                found.add(uri)
        for key, value in node.items():
            if key != "const":
                found |= _references(value, base)
    elif isinstance(node, list):
        for value in node:
            found |= _references(value, base)
    return found


def bundle(uri: str) -> dict[str, Any]:
    """The schema ``uri`` with every schema it needs embedded under ``$defs`` by ``$id``."""
    known = sources()
    root = copy.deepcopy(known[uri])
    needed: dict[str, dict[str, Any]] = {}
    queue = sorted(_references(root, uri) - {uri})
    while queue:
        ref = queue.pop()
        if ref in needed or ref == uri:
            continue
        if ref not in known:
            raise KeyError(f"{uri} refers to {ref}, which is not a known schema")
        needed[ref] = copy.deepcopy(known[ref])
        queue.extend(sorted(_references(needed[ref], ref) - set(needed) - {uri}))
    if needed:
        root.setdefault("$defs", {}).update(dict(sorted(needed.items())))
    return root


@cache
def published_schemas() -> dict[str, dict[str, Any]]:
    """File name → the bundled schema published at ``schemas/export/v1/<name>``."""
    return {name: bundle(SCHEMA_BASE + name) for name in PUBLISHED}


def published_files() -> dict[str, dict[str, Any]]:
    """Every schema file to publish, by path relative to the site's root: the bundled export
    schemas, the export schemas' shared definitions and the catalog's schemas they refer to."""
    files = {f"schemas/export/v1/{name}": schema for name, schema in published_schemas().items()}
    files["schemas/export/v1/common.schema.json"] = sources()[SCHEMA_BASE + "common.schema.json"]
    for uri, schema in sorted(schemastore.catalog_schemas().items()):
        if uri.startswith(CATALOG_BASE):
            files["schemas/catalog/" + uri.removeprefix(CATALOG_BASE)] = schema
    return files


def validator(name: str) -> Draft202012Validator:
    """A validator for one published (bundled) schema, needing nothing else. The bundle's embedded
    schemas are indexed by their ``$id`` once, here (crawled), not again for every instance checked."""
    schema = published_schemas()[name]
    registry: Registry[Any] = Registry().with_resource(schema["$id"], Resource.from_contents(schema)).crawl()
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
