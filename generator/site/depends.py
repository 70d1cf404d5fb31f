"""Which fields of a procedure the index pages and the search data are made from, found by watching.

``catalog serve`` must know whether an edit of a procedure can change the listings (home, sector,
agency, level… pages, the location-independent list) and the search data, which take seconds to
render at 2,000 procedures. Rather than a list of fields kept by hand beside the templates (which
another change would make wrong), the pages are rendered once with every procedure replaced by an
instance of a subclass that records each field read (:func:`keys_read`), methods included (they
read the fields through the same instance). An edit that leaves every recorded field of the
procedure as it was cannot change those pages; any other edit renders them again.

Reading the procedure as a whole (``dataclasses.asdict``, ``vars``, ``__dict__``) records
:data:`ALL`: then every edit counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from typing import Any

from ..model import Procedure
from .context import SiteContext, build_context

ALL = "\0every field"
_FIELDS = frozenset(f.name for f in dataclasses.fields(Procedure))
_WHOLE = frozenset({"__dict__", "__getstate__", "__reduce__", "__reduce_ex__"})


@cache
def _recording_class() -> type[Procedure]:
    class Recording(Procedure):
        """A procedure that notes (in ``_seen``) which of its fields are read."""

        def __getattribute__(self, name: str) -> Any:
            seen = object.__getattribute__(self, "__dict__").get("_seen")
            if seen is not None:
                if name in _FIELDS:
                    seen.add(name)
                elif name in _WHOLE:
                    seen.add(ALL)
            return object.__getattribute__(self, name)

    return Recording


def _recording(procedure: Procedure, seen: set[str]) -> Procedure:
    copy = object.__new__(_recording_class())
    for name in _FIELDS:  # the model's classes have slots: copied one by one, frozen or not
        object.__setattr__(copy, name, object.__getattribute__(procedure, name))
    copy.__dict__["_seen"] = seen
    return copy


def keys_read(context: SiteContext, render: Callable[[SiteContext], object]) -> set[str]:
    """The procedure fields that ``render(context)`` reads (the context is rebuilt from recording
    procedures, so the fields the context's own indexes use are recorded too)."""
    seen: set[str] = set()
    catalog = dataclasses.replace(
        context.catalog,
        procedures={code: _recording(p, seen) for code, p in context.catalog.procedures.items()},
    )
    watched = build_context(catalog, preview=context.preview, as_of=context.as_of, history=context.history)
    render(watched)
    return seen


def unchanged(keys: set[str], before: Procedure | None, after: Procedure | None) -> bool:
    """Whether ``before`` and ``after`` agree on every field in ``keys``."""
    if ALL in keys or before is None or after is None:
        return False
    return all(getattr(before, key) == getattr(after, key) for key in keys)
