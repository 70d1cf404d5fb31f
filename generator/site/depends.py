"""Which fields of a procedure the index pages and the search data are made from, found by watching.

``catalog serve`` must know whether an edit of a procedure can change the listings (home, sector,
agency, level… pages, the location-independent list) and the search data, which take seconds to
render at 2,000 procedures. Rather than a list of fields kept by hand beside the templates (which
another change would make wrong), the pages are rendered once with every procedure's mapping
replaced by one that records the keys read (:func:`keys_read`). An edit that leaves every recorded
key of the procedure as it was cannot change those pages; any other edit renders them again.

Reads that do not go through a key (iterating the mapping, ``items()``, ``{**p}``, ``json.dumps``)
record :data:`ALL`: then every edit counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from ..model import Ref
from .context import SiteContext, build_context

ALL = "\0every key"


class _Recording(dict[str, Any]):
    """A procedure's mapping that notes which keys are read."""

    def __init__(self, data: dict[str, Any], seen: set[str]) -> None:
        super().__init__(data)
        self._seen = seen

    def __getitem__(self, key: str) -> Any:
        self._seen.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._seen.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._seen.add(str(key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self._seen.add(ALL)
        return super().__iter__()

    def keys(self) -> Any:
        self._seen.add(ALL)
        return super().keys()

    def items(self) -> Any:
        self._seen.add(ALL)
        return super().items()

    def values(self) -> Any:
        self._seen.add(ALL)
        return super().values()

    def copy(self) -> dict[str, Any]:
        self._seen.add(ALL)
        return dict(super().items())


def keys_read(context: SiteContext, render: Callable[[SiteContext], object]) -> set[str]:
    """The procedure keys that ``render(context)`` reads (the context is rebuilt from recording
    mappings, so the keys the context's own indexes use are recorded too)."""
    seen: set[str] = set()
    catalog = dataclasses.replace(context.catalog, procedures={
        code: Ref(ref.document, ref.pointer, _Recording(ref.data, seen))
        for code, ref in context.catalog.procedures.items()})
    watched = build_context(catalog, preview=context.preview, as_of=context.as_of, history=context.history)
    render(watched)
    return seen


def unchanged(keys: set[str], before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """Whether ``before`` and ``after`` agree on every key in ``keys``."""
    if ALL in keys or before is None or after is None:
        return False
    return all(before.get(key) == after.get(key) and (key in before) == (key in after) for key in keys)
