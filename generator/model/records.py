"""Typed entities from validated mappings: one generic constructor driven by the dataclasses' fields.

An entity's dataclass is its whole definition: each field is read from the mapping key of the same
name (``field(metadata={"key": ...})`` where the key is not an identifier), converted by the field's
annotation: ``str``, ``int``, ``float``, ``bool``, a ``StrEnum``, another entity, ``tuple[X, ...]``,
``X | None``, or ``Mapping[str, Any]`` (kept as it is). A key that is absent leaves the field's
default. So a new schema field is one line in its dataclass. This module is the only place after
validation that reads catalog mappings by key.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")
Convert = Callable[[Any], Any]
# Fields filled by the caller, not read from the mapping (where the entity was written, its record).
CALLER = "caller"

_plans: dict[type, list[tuple[str, str, Convert]]] = {}


def from_mapping(cls: type[T], data: Mapping[str, Any], **given: Any) -> T:
    """``cls`` built from ``data`` (already valid against its schema); ``given`` fills the fields that
    are not in the mapping (``metadata={"caller": True}``)."""
    values = dict(given)
    for name, key, convert in _plan(cls):
        if key in data:
            values[name] = convert(data[key])
    return cls(**values)


def _plan(cls: type) -> list[tuple[str, str, Convert]]:
    plan = _plans.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = [
            (f.name, f.metadata.get("key", f.name), _converter(hints[f.name]))
            for f in dataclasses.fields(cls)
            if not f.metadata.get(CALLER)
        ]
        _plans[cls] = plan
    return plan


def _converter(hint: Any) -> Convert:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            convert = _converter(inner[0])
            return lambda value: None if value is None else convert(value)
        return _plain  # e.g. int | float: the validated value as it is
    if origin is tuple:
        item = _converter(args[0])
        return lambda value: tuple(item(v) for v in value)
    if origin is not None:  # Mapping[str, Any], dict[str, str]: kept as written
        return _plain
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if dataclasses.is_dataclass(hint):
        entity = typing.cast(type, hint)
        return lambda value: from_mapping(entity, value)
    return _plain


def _plain(value: Any) -> Any:
    return value


def to_mapping(entity: Any) -> dict[str, Any]:
    """The entity as its catalog mapping, key for key: the model's own serializer (the exports publish
    records as written). A field left at its default is a key that was not written (the real
    catalog's records come back equal: ``tests/test_model.py``)."""
    out: dict[str, Any] = {}
    for name, key, required, default in _fields(type(entity)):
        value = getattr(entity, name)
        if required or value != default:
            out[key] = _exported(value)
    return out


_written: dict[type, list[tuple[str, str, bool, Any]]] = {}


def _fields(cls: type) -> list[tuple[str, str, bool, Any]]:
    """Each field read from the mapping: name, key, required, default."""
    found = _written.get(cls)
    if found is None:
        found = []
        for f in dataclasses.fields(cls):
            if f.metadata.get(CALLER):
                continue
            factory = f.default_factory
            required = f.default is dataclasses.MISSING and factory is dataclasses.MISSING
            default = factory() if factory is not dataclasses.MISSING else f.default
            found.append((f.name, f.metadata.get("key", f.name), required, default))
        _written[cls] = found
    return found


def _exported(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_exported(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_mapping(value)
    return value
