"""JSON Schema validation of loaded catalog files, reported as positioned diagnostics."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource

from .. import schemastore
from ..diagnostics import Diagnostic
from .yamlload import Loaded, escape

SCHEMA_BASE = schemastore.CATALOG_BASE

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@cache
def _registry() -> Registry:
    resources = [(uri, Resource.from_contents(c)) for uri, c in schemastore.catalog_schemas().items()]
    registry: Registry = Registry().with_resources(resources)
    return registry


@cache
def validator(kind: str) -> Draft202012Validator:
    """The reference validator: slow, but it explains every problem."""
    schema = schemastore.catalog_schema(kind)
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker(["date"]))


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default"})


def inline_refs(node: Any, base: str) -> Any:
    """The schema with every ``$ref`` replaced by what it points to (the catalog's schemas are not
    recursive), so that the compiled check makes no function call per referenced value."""
    if isinstance(node, list):
        return [inline_refs(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: inline_refs(value, base) for key, value in node.items() if key != "$defs"}
    if "dependentRequired" in node:  # the draft-07 spelling, which the compiled check understands
        node["dependencies"] = node.pop("dependentRequired")
    ref = node.pop("$ref", None)
    if ref is None:
        return node
    target, uri = schemastore.target(ref, base)
    resolved = inline_refs(target, uri)
    if set(node) <= ANNOTATIONS:
        return {**resolved, **node}
    return {**node, "allOf": [*node.get("allOf", []), resolved]}


@cache
def fast_check(kind: str) -> Callable[[Any], bool]:
    """A compiled yes/no check of the same schema, ten to a hundred times faster: most files are
    valid, and only those it rejects go through the reference validator for their diagnostics.
    jsonschema-rs where it is installed (faster than fastjsonschema on the catalog: see
    benchmarks/bench_validate.py), else fastjsonschema; both with the reference's own date check."""
    uri = schemastore.catalog_uri(kind)
    schema = inline_refs(schemastore.catalog_schema(kind), uri)
    schema.pop("$id", None)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    try:
        import jsonschema_rs
    except ImportError:
        return _fastjsonschema_check(schema)
    validator = jsonschema_rs.validator_for(schema, formats={"date": _is_date}, validate_formats=True)
    return validator.is_valid


def _fastjsonschema_check(schema: dict[str, Any]) -> Callable[[Any], bool]:
    compiled = fastjsonschema.compile(schema, formats={"date": _is_date}, use_default=False)

    def check(data: Any) -> bool:
        try:
            compiled(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return check


def pointer_of(path: Any) -> str:
    return "".join(f"/{escape(str(part))}" for part in path)


def validate(kind: str, loaded: Loaded, display: str) -> list[Diagnostic]:
    """Every schema problem of one document, each placed on the YAML node it concerns."""
    if fast_check(kind)(loaded.data):
        return []
    problems: list[Diagnostic] = []
    for error in validator(kind).iter_errors(loaded.data):
        problems.extend(_diagnose(error, loaded, display))
    return problems


def _diagnose(error: ValidationError, loaded: Loaded, display: str) -> list[Diagnostic]:
    pointer = pointer_of(error.absolute_path)
    keyword = str(error.validator)
    instance = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    rule: Any = error.validator_value

    if keyword == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in sorted(set(instance) - set(allowed)):
            child = f"{pointer}/{escape(key)}"
            line, col = loaded.where(child, key=True)
            hint = difflib.get_close_matches(key, allowed, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; allowed: {', '.join(allowed)}"
            out.append(
                Diagnostic(display, line, col, child, "unknown-field", f"unknown field '{key}'{suggestion}")
            )
        return out

    line, col = loaded.where(pointer)
    if keyword == "type" and isinstance(instance, (int, float)) and not isinstance(instance, bool):
        expected = rule
        wants_string = expected == "string" or (isinstance(expected, list) and "string" in expected)
        raw = loaded.raw.get(pointer)
        if wants_string and raw is not None:
            field = pointer.rsplit("/", 1)[-1]
            fix = f'- "{raw}"' if field.isdigit() else f'{field}: "{raw}"'
            message = (
                f"{raw} is written as a number, so YAML reads it as the {type(instance).__name__} "
                f"{instance!r}; put it in quotes: {fix}"
            )
            return [Diagnostic(display, line, col, pointer, "number-not-string", message)]
    if keyword == "type" and instance is None:
        return [
            Diagnostic(display, line, col, pointer, "type", f"the value is empty; expected {_expected(rule)}")
        ]
    if (
        keyword == "type"
        and isinstance(instance, str)
        and rule == "integer"
        and re.fullmatch(r"[\d.,\s]+", instance)
    ):
        digits = re.sub(r"\D", "", instance)
        return [
            Diagnostic(
                display,
                line,
                col,
                pointer,
                "type",
                f"{instance!r} is text; write the number without dots, spaces or quotes: {digits}",
            )
        ]
    if keyword == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for i, item in enumerate(instance):
            if item in seen:
                item_line, item_col = loaded.where(f"{pointer}/{i}")
                return [
                    Diagnostic(
                        display,
                        item_line,
                        item_col,
                        f"{pointer}/{i}",
                        "uniqueItems",
                        f"{item!r} is listed twice",
                    )
                ]
            seen.append(item)
    if keyword == "anyOf" and all(set(s) == {"required"} for s in rule):
        options = " or ".join("+".join(s["required"]) for s in rule)
        return [Diagnostic(display, line, col, pointer, "required", f"needs {options}")]
    if keyword == "format" and rule == "date":
        if not _DATE.fullmatch(str(instance)):
            message = f"{instance!r} is not a date in the form YYYY-MM-DD; write it like 2025-07-01"
        else:
            message = f"{instance!r} is not a real date"
        return [Diagnostic(display, line, col, pointer, "date", message)]
    if keyword == "pattern" and isinstance(instance, str):
        return [Diagnostic(display, line, col, pointer, "pattern", _pattern_message(schema, rule, instance))]
    return [Diagnostic(display, line, col, pointer, keyword, _short(error.message))]


def _pattern_message(schema: dict[str, Any], pattern: str, instance: str) -> str:
    """Officials do not read regular expressions: say what the field is and what it should look like."""
    title = schema.get("title")
    description = schema.get("description")
    if title and description:
        return f"{instance!r} is not in the required form ({title}: {description})"
    return f"{instance!r} does not match the pattern {pattern}"


def _expected(rule: Any) -> str:
    words = {
        "string": "text",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "array": "a list",
        "object": "a mapping",
    }
    kinds = rule if isinstance(rule, list) else [rule]
    return " or ".join(words.get(str(k), str(k)) for k in kinds)


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
