"""The schemas themselves: well-formed, documented in Vietnamese, and the fast check agrees with
the reference validator on every document it is shown."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator.validation import schemas
from generator.validation.yamlload import load_file

BASE = Path(__file__).resolve().parent / "cases" / "base" / "catalog"
SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*.schema.json"))
VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[p.name for p in SCHEMA_FILES])
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == schemas.SCHEMA_BASE + path.name


def _properties(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/{name}", sub
        for key, value in node.items():
            if key not in ("if", "then", "else"):  # conditions, not declarations
                yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}/{i}")


def _resolve(prop: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The property merged with what its $ref points to, where its title may stand."""
    ref = prop.get("$ref", "")
    if ref.startswith("common.schema.json#"):
        schema = json.loads((SCHEMA_DIR / "common.schema.json").read_text(encoding="utf-8"))
    elif not ref.startswith("#"):
        return prop
    target = schema
    for part in filter(None, ref.partition("#")[2].split("/")):
        target = target[part]
    return {**target, **{k: v for k, v in prop.items() if k != "$ref"}}


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[p.name for p in SCHEMA_FILES])
def test_every_property_has_a_vietnamese_title_and_description(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    missing = []
    for where, prop in _properties(schema, path.name):
        prop = _resolve(prop, schema)
        text = prop.get("title", "") + prop.get("description", "")
        if not prop.get("title") or not prop.get("description") or not VIETNAMESE & set(text.lower()):
            missing.append(where)
    assert missing == []


def _mutations(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, replacement) pairs: every value swapped for values of every other JSON type, and
    every mapping key removed (replacement None at a key path marks removal)."""
    for value in (-5, 0, 1.5, "", "x", True, None, [], {}, ["x"], "2025-02-30", "1.00119"):
        yield path, value
    if isinstance(node, dict):
        for key, child in node.items():
            yield (*path, key), _REMOVE
            yield from _mutations(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _mutations(child, (*path, i))


_REMOVE = object()


def _apply(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    result = copy.deepcopy(document)
    parent = result
    for step in path[:-1]:
        parent = parent[step]
    if value is _REMOVE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


DOCUMENTS = [
    (p, kind)
    for p, kind in [
        (BASE / "province.yaml", "province"),
        (BASE / "sectors.yaml", "sectors"),
        (BASE / "agencies.yaml", "agencies"),
        (BASE / "service-points.yaml", "service-points"),
        (BASE / "procedures" / "ubnd-cap-xa" / "1.001193.yaml", "procedure"),
        (BASE / "decisions" / "160-QD-BTP.yaml", "decision"),
        (BASE / "location-independent" / "2025-danh-muc.yaml", "location-independent"),
        (BASE / "plans" / "575-KH-UBND.yaml", "plan"),
    ]
]


@pytest.mark.parametrize(("path", "kind"), DOCUMENTS, ids=[k for _, k in DOCUMENTS])
def test_fast_check_agrees_with_the_reference_validator(path: Path, kind: str) -> None:
    loaded, problems = load_file(path, path.name)
    assert loaded is not None, problems
    fast, reference = schemas.fast_check(kind), schemas.validator(kind)
    checked = 0
    for where, value in _mutations(loaded.data):
        document = _apply(loaded.data, where, value)
        fast_ok = fast(document)
        reference_ok = not any(True for _ in reference.iter_errors(document))
        assert fast_ok == reference_ok, (where, value)
        checked += 1
    assert checked > 100
