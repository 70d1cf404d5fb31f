"""The one schema store: the JSON Schemas shipped with the package, loaded once, by ``$id``, and
``$ref`` resolution for everything that reads them (the validator, the exports, the field reference,
the review tools' labels).

The schemas are package data (``generator/schemas/``: the catalog's schemas and, in ``export/``, the
exports'), read with :mod:`importlib.resources`, so an installed wheel works as the source tree does.
Callers never change what they get: every function returns the cached documents themselves.

A schema file that is a symbolic link (it would be read, and published by ``catalog export``, from
wherever it points), not a regular file, not UTF-8 or not a JSON object is refused: loading raises
:class:`SchemaStoreError` with a located diagnostic for each, and :func:`problems` lists them for
the commands to report (validate, build and export check it first).
"""

from __future__ import annotations

import json
import os
import stat
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import urldefrag, urljoin

from .diagnostics import Diagnostic
from .inputs import CODE as SYMLINK_CODE
from .inputs import MESSAGE as SYMLINK_MESSAGE

CATALOG_BASE = "https://catalog.tthc.example/schemas/catalog/"
EXPORT_BASE = "https://catalog.tthc.example/schemas/export/v1/"
SUFFIX = ".schema.json"


def directory() -> Traversable:
    """The catalog's schemas (``<kind>.schema.json``); the exports' are in its ``export/`` folder."""
    return files("generator") / "schemas"


class SchemaStoreError(Exception):
    """The schemas cannot be used: ``problems`` says which file and why, located where JSON can."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.text() for d in problems))
        self.problems = problems


def _load(folder: Traversable, base: str, shown: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    problems: list[Diagnostic] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(SUFFIX):
            contents = _read(entry, f"{shown}/{entry.name}", problems)
            if contents is not None:
                found[contents.get("$id", base + entry.name)] = contents
    if problems:
        raise SchemaStoreError(problems)
    return found


def _read(entry: Traversable, display: str, problems: list[Diagnostic]) -> dict[str, Any] | None:
    """One schema file's document; None, with the reason in ``problems``, if it cannot be one."""

    def refuse(code: str, message: str, line: int = 0, col: int = 0) -> None:
        problems.append(Diagnostic(display, line, col, "", code, message))

    try:
        if isinstance(entry, os.PathLike):  # a folder (source tree, wheel); a zip holds no links
            mode = os.lstat(entry).st_mode
            if stat.S_ISLNK(mode):
                refuse(SYMLINK_CODE, SYMLINK_MESSAGE.format(folder="schemas"))
                return None
            if not stat.S_ISREG(mode):
                refuse("file-not-regular", "not a regular file")
                return None
        text = entry.read_bytes().decode("utf-8")
    except OSError as exc:
        refuse("file-unreadable", f"cannot read file: {exc.strerror or exc}")
        return None
    except UnicodeDecodeError as exc:
        refuse("file-encoding", f"the schema is not UTF-8 text (byte {exc.start + 1})")
        return None
    try:
        contents = json.loads(text)
    except json.JSONDecodeError as exc:
        refuse("schema-json", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)
        return None
    except (ValueError, RecursionError) as exc:  # a number of too many digits; nesting too deep
        refuse(
            "schema-json", f"not usable JSON: {str(exc).splitlines()[0] if str(exc) else 'nested too deep'}"
        )
        return None
    if not isinstance(contents, dict):
        refuse("schema-json", f"a schema is a JSON object ({{…}}), not a {type(contents).__name__}", 1, 1)
        return None
    if not isinstance(contents.get("$id", ""), str):
        refuse("schema-json", "the schema's $id must be a text (its address)")
        return None
    return contents


@cache
def catalog_schemas() -> dict[str, dict[str, Any]]:
    """The catalog's schemas by ``$id``."""
    return _load(directory(), CATALOG_BASE, "schemas")


@cache
def export_schemas() -> dict[str, dict[str, Any]]:
    """The exports' schemas by ``$id`` (they refer to the catalog's for the fields they copy)."""
    return _load(directory() / "export", EXPORT_BASE, "schemas/export")


@cache
def every_schema() -> dict[str, dict[str, Any]]:
    return {**catalog_schemas(), **export_schemas()}


def problems() -> list[Diagnostic]:
    """Why the schemas cannot be used (empty when they can): what validate, build and export report
    before anything reads them."""
    found: list[Diagnostic] = []
    for load in (catalog_schemas, export_schemas):
        try:
            load()
        except SchemaStoreError as exc:
            found += exc.problems
    return found


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
