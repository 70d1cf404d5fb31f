"""Two versions of a catalog document compared value by value, list items matched by a natural key.

A document inserted in the dossier is one addition, not a change of every later document; legal
documents reordered are no change; a processing time is compared whole (``3 ngày làm việc``). Each
difference is a :class:`FieldChange` naming the value by field names and item keys
(``channels[in_person]/fees[charge]/amount``) and by its JSON pointer in the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from ..validation.yamlload import escape

# How list items are matched between two versions: the list's field name → the item fields that
# name an item ("a|b": a, or b when a is absent). Items that share a key are told apart by their
# order of occurrence; lists not named here are matched by position.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "channels": ("channel", "case"),
    "fees": ("kind",),
    "dossier": ("case",),
    "steps": ("case",),
    "documents": ("name",),
    "legal_basis": ("number|title",),
    "results": ("code|name",),
    "entries": ("code",),
    "agencies": ("id",),
    "sectors": ("id",),
    "service_points": ("id",),
    "levels": ("id",),
    "predecessors": ("code",),
    "opening_hours": ("days",),
    "implements": ("number",),
    "responsibilities": ("agency_name",),
    "sections": ("id",),
    "tasks": ("id",),
    "milestones": ("text",),
}
# Lists of text whose order is their meaning (the steps of a procedure, the points of a plan):
# compared as sequences, an edited item is a change. Other lists of values are sets.
SEQUENCES = frozenset({"items", "purposes", "requirements", "main_tasks", "duties", "lead", "coordinating"})
# Values compared whole: a processing time is "3 ngày làm việc", not a value and a unit apart.
ATOMIC = frozenset({"processing_time", "form"})
_MISSING: Any = object()


@dataclass(frozen=True)
class ItemKey:
    """A list item named by its natural key: a document by its name, a channel by its kind and case.
    ``nth`` tells apart items with the same key (and is the position in lists matched by position)."""

    values: tuple[Any, ...]
    nth: int = 0

    def text(self) -> str:
        named = "|".join(str(v) for v in self.values if v is not None)
        return f"{named}#{self.nth + 1}" if self.nth or not named else named


PathPart = str | ItemKey


@dataclass(frozen=True)
class FieldChange:
    """One changed value: ``path`` names it by field names and item keys, ``pointer`` is its JSON
    pointer in the new file (in the old file for a removal). ``change`` is added, removed or changed;
    ``old``/``new`` are None on the side where the value is absent."""

    path: tuple[PathPart, ...]
    pointer: str
    change: str
    old: Any = None
    new: Any = None

    def path_text(self) -> str:
        """``channels[in_person|]/fees[charge]/amount``"""
        out = ""
        for part in self.path:
            out += f"[{part.text()}]" if isinstance(part, ItemKey) else f"/{part}"
        return out.lstrip("/")


def diff_values(old: Any, new: Any) -> list[FieldChange]:
    """Every changed value between two documents (or two items), with list items matched by key."""
    out: list[FieldChange] = []
    _diff(old, new, (), "", "", out)
    return out


def _diff(
    old: Any, new: Any, path: tuple[PathPart, ...], old_ptr: str, new_ptr: str, out: list[FieldChange]
) -> None:
    if old is not _MISSING and new is not _MISSING and _same(old, new):
        return
    last = next((p for p in reversed(path) if isinstance(p, str)), None) if path else None
    atomic = bool(path) and isinstance(path[-1], str) and path[-1] in ATOMIC
    if not atomic:
        if old is _MISSING and isinstance(new, (dict, list)):
            old = type(new)()
        if new is _MISSING and isinstance(old, (dict, list)):
            new = type(old)()
    if old is _MISSING:
        out.append(FieldChange(path, new_ptr, "added", None, new))
    elif new is _MISSING:
        out.append(FieldChange(path, old_ptr, "removed", old, None))
    elif not atomic and isinstance(old, dict) and isinstance(new, dict):
        for key in list(new) + [k for k in old if k not in new]:
            child = f"/{escape(key)}"
            _diff(
                old.get(key, _MISSING),
                new.get(key, _MISSING),
                (*path, key),
                old_ptr + child,
                new_ptr + child,
                out,
            )
    elif not atomic and isinstance(old, list) and isinstance(new, list):
        if any(isinstance(item, dict) for item in (*old, *new)):
            _diff_keyed(old, new, path, last, old_ptr, new_ptr, out)
        elif last in SEQUENCES:
            _diff_sequence(old, new, path, old_ptr, new_ptr, out)
        else:
            _diff_set(old, new, path, old_ptr, new_ptr, out)
    else:
        out.append(FieldChange(path, new_ptr, "changed", old, new))


def _same(a: Any, b: Any) -> bool:
    return bool(a == b) and _canon(a) == _canon(b)


def _canon(value: Any) -> Any:
    """A hashable stand-in that tells ``1`` from ``True`` and ``1.0``, and makes mappings comparable."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return (type(value).__name__, value)


def _item_keys(items: list[Any], spec: tuple[str, ...] | None) -> list[ItemKey]:
    counts: dict[tuple[Any, ...], int] = {}
    keys = []
    for item in items:
        if not isinstance(item, dict):
            values: tuple[Any, ...] = (_canon(item),)
        elif spec is None:
            values = ()
        else:
            values = tuple(_key_value(item, part) for part in spec)
        nth = counts.get(values, 0)
        counts[values] = nth + 1
        keys.append(ItemKey(values, nth))
    return keys


def _key_value(item: dict[str, Any], spec: str) -> Any:
    for name in spec.split("|"):
        value = item.get(name)
        if value is not None:
            return value if not isinstance(value, (dict, list)) else _canon(value)
    return None


def _diff_keyed(
    old: list[Any],
    new: list[Any],
    path: tuple[PathPart, ...],
    field_name: str | None,
    old_ptr: str,
    new_ptr: str,
    out: list[FieldChange],
) -> None:
    spec = NATURAL_KEYS.get(field_name or "")
    old_keys, new_keys = _item_keys(old, spec), _item_keys(new, spec)
    where = {key: i for i, key in enumerate(old_keys)}
    matched: set[int] = set()
    for j, key in enumerate(new_keys):
        i = where.get(key)
        if i is None:
            out.append(FieldChange((*path, key), f"{new_ptr}/{j}", "added", None, new[j]))
        else:
            matched.add(i)
            _diff(old[i], new[j], (*path, key), f"{old_ptr}/{i}", f"{new_ptr}/{j}", out)
    for i, key in enumerate(old_keys):
        if i not in matched:
            out.append(FieldChange((*path, key), f"{old_ptr}/{i}", "removed", old[i], None))


def _diff_set(
    old: list[Any],
    new: list[Any],
    path: tuple[PathPart, ...],
    old_ptr: str,
    new_ptr: str,
    out: list[FieldChange],
) -> None:
    remaining = [_canon(v) for v in old]
    for j, value in enumerate(new):
        if _canon(value) in remaining:
            remaining.remove(_canon(value))
        else:
            out.append(FieldChange(path, f"{new_ptr}/{j}", "added", None, value))
    kept = [_canon(v) for v in new]
    for i, value in enumerate(old):
        if _canon(value) in kept:
            kept.remove(_canon(value))
        else:
            out.append(FieldChange(path, f"{old_ptr}/{i}", "removed", value, None))


def _diff_sequence(
    old: list[Any],
    new: list[Any],
    path: tuple[PathPart, ...],
    old_ptr: str,
    new_ptr: str,
    out: list[FieldChange],
) -> None:
    matcher = SequenceMatcher(None, [_canon(v) for v in old], [_canon(v) for v in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for d in range(paired):
            out.append(FieldChange(path, f"{new_ptr}/{j1 + d}", "changed", old[i1 + d], new[j1 + d]))
        for i in range(i1 + paired, i2):
            out.append(FieldChange(path, f"{old_ptr}/{i}", "removed", old[i], None))
        for j in range(j1 + paired, j2):
            out.append(FieldChange(path, f"{new_ptr}/{j}", "added", None, new[j]))
