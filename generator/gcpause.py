"""Keeping Python's cycle collector out of the way of the catalog's bulk work.

Validation, the typed model and the exports allocate millions of small dicts, lists, strings and
YAML nodes that form trees, not cycles: reference counting frees them. Yet the cycle collector runs
every 700 allocations, and each of its older-generation passes walks every live object (the whole
loaded catalog, MkDocs, Jinja, the schemas): measured, it roughly doubles the time of validating
one file with 10,000 steps, and costs validation of 2,000 procedures about a fifth of its time
(docs/dev/speed.md).

- :func:`paused` turns the collector off for work that makes no cycles worth collecting
  (validation, the model, the exports). Nested uses are fine; the state is restored on exit.
- :func:`frozen_for_fork` (used by ``generator.workers`` around its forks): the parent's objects are
  frozen (``gc.freeze``) while it forks, so that a worker's collections never walk them: a worker
  collects only what it made itself, and never writes to the collector's header of an object it
  shares with the parent, so the memory pages they share stay shared (copy-on-write).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside (reference counting still frees everything that is not a cycle)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _age_young_objects()
            gc.enable()


def _age_young_objects() -> None:
    """Count every object made while paused as old, without walking them: else the first collection
    after the pause would walk them all as young objects (40 ms after a warm validation of 2,000
    procedures). ``freeze`` moves every tracked object aside and ``unfreeze`` puts them all into the
    oldest generation, which a full collection still examines. Skipped while someone else keeps
    objects frozen (a forked worker: :func:`frozen_for_fork`), whose freeze it would undo."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Every object alive now out of the collector's reach while the block forks workers; the
    parent's own collector gets them back on exit (the workers keep them frozen)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
