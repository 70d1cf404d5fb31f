"""The schemas' own words: Vietnamese titles, descriptions and enum labels by field path.

The JSON Schemas in ``schemas/`` give every property a Vietnamese ``title`` and ``description``,
and describe enums as ``value: label; value: label.``. The review tools reuse that text (the diff
names changed fields by their title, the ``catalog new`` scaffold explains each field with its
description) so that the words users see are the words of the schema, written once.

A path is a tuple of property names, with ``"*"`` for "an item of this list":
``node("procedure", ("channels", "*", "processing_time"))``. A key that is not a declared property
leads into ``additionalProperties`` (a map such as a sector's ``responsible: {tinh: so-tu-phap}``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from . import schemastore

_ENUM_ITEM = re.compile(r"^\s*([a-z0-9_]+)\s*:\s*(.+?)\s*$")


def node(kind: str, path: Sequence[str]) -> dict[str, Any] | None:
    """The resolved schema node at ``path`` in the schema of ``kind``, or None if the schema has none."""
    here, current = schemastore.resolve(schemastore.catalog_schema(kind), schemastore.catalog_uri(kind))
    for part in path:
        if part == "*":
            items = here.get("items")
            if not isinstance(items, dict):
                return None
            here, current = schemastore.resolve(items, current)
        else:
            properties = here.get("properties")
            if isinstance(properties, dict) and part in properties:
                here, current = schemastore.resolve(properties[part], current)
            elif isinstance(here.get("additionalProperties"), dict):
                here, current = schemastore.resolve(here["additionalProperties"], current)
            else:
                return None
    return here


def title(kind: str, path: Sequence[str]) -> str | None:
    found = node(kind, path)
    value = found.get("title") if found else None
    return value if isinstance(value, str) else None


def description(kind: str, path: Sequence[str]) -> str | None:
    found = node(kind, path)
    value = found.get("description") if found else None
    return value if isinstance(value, str) else None


def required(kind: str, path: Sequence[str]) -> tuple[str, ...]:
    """The required properties of the object at ``path``."""
    found = node(kind, path)
    value = found.get("required") if found else None
    return tuple(value) if isinstance(value, list) else ()


def properties(kind: str, path: Sequence[str]) -> tuple[str, ...]:
    """The properties of the object at ``path``, in schema order."""
    found = node(kind, path)
    value = found.get("properties") if found else None
    return tuple(value) if isinstance(value, dict) else ()


def enum_labels(kind: str, path: Sequence[str]) -> dict[str, str]:
    """``{value: label}`` for an enum whose description reads ``value: label; value: label.``"""
    found = node(kind, path)
    if not found or not isinstance(found.get("enum"), list):
        return {}
    values = [str(v) for v in found["enum"]]
    labels = parse_enum_description(str(found.get("description", "")), values)
    if not labels and path and path[-1] == "*":  # a list of enum values is described on the list
        labels = parse_enum_description(description(kind, path[:-1]) or "", values)
    return labels


def parse_enum_description(text: str, values: Sequence[str]) -> dict[str, str]:
    """Split ``"active: đang thực hiện; abolished: đã bãi bỏ."`` into labels for the known ``values``."""
    labels: dict[str, str] = {}
    text = text.split(". ", 1)[1] if ". " in text and ":" not in text.split(". ", 1)[0] else text
    for part in text.rstrip(". ").split(";"):
        match = _ENUM_ITEM.match(part)
        if match and match.group(1) in values:
            labels[match.group(1)] = match.group(2).rstrip(".")
    return labels


def refers_to(kind: str, path: Sequence[str], file: str) -> bool:
    """Whether the value at ``path`` (or the list or map holding it) is described as an id of ``file``,
    e.g. ``catalog/agencies.yaml``: the schemas say so in every such field's description."""
    for depth in range(len(path), max(len(path) - 2, 0) - 1, -1):
        text = description(kind, path[:depth]) or ""
        if file in text:
            return True
    return False


def is_date(kind: str, path: Sequence[str]) -> bool:
    found = node(kind, path)
    return bool(found) and found is not None and found.get("format") == "date"
