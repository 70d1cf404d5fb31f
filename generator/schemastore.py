"""The one schema store: the JSON Schemas shipped with the package, loaded once, by ``$id``, and
``$ref`` resolution for everything that reads them (the validator, the exports, the field reference,
the review tools' labels).

The schemas are package data (``generator/schemas/``: the catalog's schemas and, in ``export/``, the
exports'), read with :mod:`importlib.resources`, so an installed wheel works as the source tree does.
Callers never change what they get: every function returns the cached documents themselves.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import urldefrag, urljoin

CATALOG_BASE = "https://catalog.tthc.example/schemas/catalog/"
EXPORT_BASE = "https://catalog.tthc.example/schemas/export/v1/"
SUFFIX = ".schema.json"


def directory() -> Traversable:
    """The catalog's schemas (``<kind>.schema.json``); the exports' are in its ``export/`` folder."""
    return files("generator") / "schemas"


def _load(folder: Traversable, base: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(SUFFIX):
            contents = json.loads(entry.read_text(encoding="utf-8"))
            found[contents.get("$id", base + entry.name)] = contents
    return found


@cache
def catalog_schemas() -> dict[str, dict[str, Any]]:
    """The catalog's schemas by ``$id``."""
    return _load(directory(), CATALOG_BASE)


@cache
def export_schemas() -> dict[str, dict[str, Any]]:
    """The exports' schemas by ``$id`` (they refer to the catalog's for the fields they copy)."""
    return _load(directory() / "export", EXPORT_BASE)


@cache
def every_schema() -> dict[str, dict[str, Any]]:
    return {**catalog_schemas(), **export_schemas()}


def catalog_uri(name: str) -> str:
    """``procedure`` → the ``$id`` of procedure.schema.json."""
    return f"{CATALOG_BASE}{name}{SUFFIX}"


def catalog_schema(name: str) -> dict[str, Any]:
    """A catalog schema by its file name without ``.schema.json``: ``procedure``, ``common``."""
    return catalog_schemas()[catalog_uri(name)]


def target(ref: str, base: str) -> tuple[Any, str]:
    """What ``ref`` (a ``$ref`` in the schema whose ``$id`` is ``base``) points to, and the ``$id`` of
    the schema it is in."""
    uri, fragment = urldefrag(urljoin(base, ref))
    node: Any = every_schema()[uri or base]
    for part in filter(None, fragment.split("/")):
        node = node[part]
    return node, uri or base


def resolve(node: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
    """``node`` with its ``$ref`` chain followed, the referrer's own keywords (title, description)
    kept over the target's, and the ``$id`` of the schema the result is in."""
    merged = dict(node)
    for _ in range(10):  # the catalog's schemas are not recursive; a chain is a few links at most
        ref = merged.pop("$ref", None)
        if ref is None:
            break
        found, base = target(str(ref), base)
        merged = {**found, **merged}
    return merged, base
