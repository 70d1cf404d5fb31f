"""The whole check of a catalog: find files → parse → schema → model → cross-file rules."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from .. import model
from ..diagnostics import Diagnostic
from . import index, load, rules, schemas, textrules
from .yamlload import Loaded

# Below this many files one process is faster than starting workers.
PARALLEL_MINIMUM = 200

Progress = Callable[[int, int], None]


@dataclass
class Result:
    catalog: index.Catalog
    diagnostics: list[Diagnostic]
    files_checked: int
    # The pointers that failed the schema itself, by file (text-rule problems left out): the model
    # holds every entity that fits its schema, so that a build told to let text-rule problems
    # through (tests only) still has them.
    schema_broken: dict[str, set[str]] = field(default_factory=dict)

    @cached_property
    def model(self) -> model.Catalog:
        """The typed catalog (:mod:`generator.model`), built once, on first use. Entities that failed
        their schema are left out: read it only when there are no diagnostics."""
        if self.schema_broken == self.catalog.broken:
            return model.build(self.catalog)
        schema_valid, _ = index.build(self.catalog.root, self.catalog.documents, self.schema_broken)
        return model.build(schema_valid)


def validate_catalog(catalog_dir: Path, *, today: date | None = None,
                     progress: Progress | None = None) -> Result:
    """Check every file of the catalog at ``catalog_dir`` and every rule between files."""
    documents, problems = load.discover(catalog_dir)
    broken: dict[str, set[str]] = {}
    schema_broken: dict[str, set[str]] = {}
    total = len(documents)
    for done, (document, (loaded, found)) in enumerate(zip(documents, _check_files(documents), strict=True), 1):
        document.loaded = loaded
        problems.extend(found)
        schema_problems = [d for d in found if d.file == document.display and loaded is not None]
        if schema_problems:
            broken[document.display] = {d.pointer for d in schema_problems}
            schema_only = {d.pointer for d in schema_problems if d.code not in textrules.CODES}
            if schema_only:
                schema_broken[document.display] = schema_only
        if progress is not None:
            progress(done, total)
    catalog, found = index.build(catalog_dir, documents, broken)
    problems.extend(found)
    problems.extend(rules.check(catalog, today or date.today()))
    return Result(catalog, _unique(problems), total, schema_broken)


_memo: dict[tuple[Path, str | None], tuple[tuple[tuple[str, int, int], ...], Result]] = {}


def validate_catalog_cached(catalog_dir: Path, *, today: date | None = None) -> Result:
    """validate_catalog, reusing the last result while no file under ``catalog_dir`` has changed
    (same names, sizes and modification times): ``catalog build`` validates before building and the
    site plugin validates again inside MkDocs; the second costs a directory walk, not a parse."""
    key = (catalog_dir.resolve(), today.isoformat() if today else None)
    stamp = _fingerprint(catalog_dir)
    cached = _memo.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    result = validate_catalog(catalog_dir, today=today)
    _memo.clear()
    _memo[key] = (stamp, result)
    return result


def _fingerprint(catalog_dir: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for dirpath, _, filenames in os.walk(catalog_dir):
        for name in filenames:
            path = f"{dirpath}/{name}"
            stat = os.lstat(path)
            entries.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def check_file(document: load.Document) -> tuple[Loaded | None, list[Diagnostic]]:
    """Parse one file and check it against its schema: the part of the work done per file."""
    found = load.parse([document])
    loaded = document.loaded
    if loaded is None:
        return None, found
    problems = schemas.validate(document.kind, loaded, document.display)
    flagged = {d.pointer for d in problems}
    problems += [d for d in textrules.check_text(loaded, document.display, loaded.text) if d.pointer not in flagged]
    return loaded, problems


def _check_file_remote(document: load.Document) -> tuple[Loaded | None, list[Diagnostic]]:
    loaded, found = check_file(document)
    return (loaded.without_text() if loaded is not None else None), found


def _check_files(documents: list[load.Document]) -> Iterator[tuple[Loaded | None, list[Diagnostic]]]:
    """check_file over every document, in order; in worker processes when there are many."""
    workers = min(os.cpu_count() or 1, 8)
    if len(documents) < PARALLEL_MINIMUM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(check_file, documents)
        return
    for kind in {d.kind for d in documents}:
        schemas.fast_check(kind)  # compiled once here, inherited by the forked workers
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_check_file_remote, documents, chunksize=max(1, len(documents) // (workers * 8)))


def _unique(problems: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(problems), key=lambda d: (d.file, d.line, d.col, d.pointer, d.code, d.message))
