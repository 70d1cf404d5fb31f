"""The whole check of a catalog: find files → parse → schema → model → cross-file rules."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from .. import gcpause, inputs, model, schemastore, workers
from ..diagnostics import Diagnostic
from ..inputs import walk
from . import index, load, rules, schemas, textrules
from .cache import Entry, ValidationCache, decode, encode, entry_key, kind_version, read_regular, schema_dir
from .yamlload import Loaded

# Below this many files one process is faster than starting workers.
PARALLEL_MINIMUM = 200
STORE_BATCH = 500  # entries made by the workers, stored as they come (their bytes are then freed)

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
    rechecked: list[str] = field(default_factory=list)  # files checked afresh (the others: from the cache)
    # With remember=True (catalog serve): each catalog file's SHA-256, of the very bytes checked,
    # by display path; serve records these as published, not a read of its own that a save
    # between the two reads would make stale.
    digests: dict[str, bytes] = field(default_factory=dict)

    @cached_property
    def model(self) -> model.Catalog:
        """The typed catalog (:mod:`generator.model`), built once, on first use. Entities that failed
        their schema are left out: read it only when there are no diagnostics."""
        with gcpause.paused():
            if self.schema_broken == self.catalog.broken:
                return model.build(self.catalog)
            schema_valid, _ = index.build(self.catalog.root, self.catalog.documents, self.schema_broken)
            return model.build(schema_valid)


def validate_catalog(
    catalog_dir: Path,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cache: bool = False,
    remember: bool = False,
) -> Result:
    """Check every file of the catalog at ``catalog_dir`` and every rule between files.

    With ``cache``, each file's own check is reused from the validation cache (generator.validation.cache)
    while the file, its schema and the checking code are unchanged; with ``remember`` too (a
    long-running process: catalog serve), the entries of the previous call are reused from memory."""
    with gcpause.paused():  # trees of small values, no cycles: the collector would only walk them
        return _validate(catalog_dir, today, progress, cache, remember)


def _validate(
    catalog_dir: Path, today: date | None, progress: Progress | None, cache: bool, remember: bool
) -> Result:
    unusable = schemastore.problems()
    if unusable:  # nothing can be checked against schemas that cannot be read
        return Result(index.build(catalog_dir, [], {})[0], unusable, 0)
    documents, problems = load.discover(catalog_dir)
    # the site's own inputs, as the build refuses them (mkdocs.yml, site_content/, site_overrides/)
    problems += inputs.symlinks(catalog_dir.parent, ("site_content", "site_overrides"))
    broken: dict[str, set[str]] = {}
    schema_broken: dict[str, set[str]] = {}
    total = len(documents)
    rechecked: list[str] = []
    store = ValidationCache.open(catalog_dir) if cache else None
    digests: dict[str, bytes] = {}
    try:
        results = list(_cached_check(documents, store, rechecked, progress, remember, digests))
    finally:
        if store is not None:
            store.close()
    for document, (loaded, found) in zip(documents, results, strict=True):
        document.loaded = loaded
        problems.extend(found)
        schema_problems = [
            d for d in found if d.file == document.display and loaded is not None and d.code != "date-order"
        ]  # a rule, not the shape: the entity stays valid
        if schema_problems:
            broken[document.display] = {d.pointer for d in schema_problems}
            schema_only = {d.pointer for d in schema_problems if d.code not in textrules.CODES}
            if schema_only:
                schema_broken[document.display] = schema_only
    catalog, found = index.build(catalog_dir, documents, broken)
    problems.extend(found)
    problems.extend(rules.check(catalog, today or date.today()))
    return Result(catalog, _unique(problems), total, schema_broken, rechecked, digests)


# The entries of the last cached validation in this process, by key: the same content, the same
# result (positions are read from the file when asked for, as for entries from the cache).
_recent: dict[bytes, Entry] = {}


def _cached_check(
    documents: list[load.Document],
    store: ValidationCache | None,
    rechecked: list[str],
    progress: Progress | None,
    remember: bool,
    digests: dict[str, bytes],
) -> Iterator[tuple[Loaded | None, list[Diagnostic]]]:
    """Each document's own result, in order: from the cache where it holds the file's entry,
    else checked (in parallel when many) and stored; with ``remember``, ``digests`` gets each
    regular file's SHA-256 of the bytes its result is for."""
    keys: list[bytes | None] = [None] * len(documents)
    hits: dict[bytes, Entry] = {}
    if store is not None:
        schemas_at = schema_dir()
        for i, document in enumerate(documents):
            content = read_regular(document.path)
            if content is not None:
                keys[i] = entry_key(kind_version(document.kind, schemas_at), document.display, content)
                document.content = content  # what is checked, if checked, is what the key names
                if remember:
                    digests[document.display] = hashlib.sha256(content).digest()
        known = {k: _recent[k] for k in keys if remember and k is not None and k in _recent}
        hits = store.lookup(k for k in keys if k is not None and k not in known)
        hits.update(known)
    missing = [(d, k) for d, k in zip(documents, keys, strict=True) if k is None or k not in hits]
    for document, key in zip(documents, keys, strict=True):
        if key is not None and key in hits:
            document.content = None  # not checked: its bytes need not be kept
    rechecked.extend(d.display for d, _ in missing)
    fresh = _check_files(missing, store)
    new: list[tuple[bytes, Entry]] = []
    signed: list[tuple[bytes, bytes, bytes]] = []
    stored: set[bytes] = set()
    total = len(documents)
    for done, (document, key) in enumerate(zip(documents, keys, strict=True), 1):
        entry = hits.get(key) if key is not None else None
        if entry is not None:
            loaded = Loaded(entry.data, None, document.display, document.path) if entry.parsed else None
            result = (loaded, list(entry.diagnostics))
        else:
            result, made, row = next(fresh)
            if key is not None:
                new.append((key, made))
                if row is not None:
                    signed.append((key, *row))
                    if store is not None and len(signed) >= STORE_BATCH:  # the payloads need not wait
                        store.store_signed(signed)
                        stored.update(k for k, _, _ in signed)
                        signed = []
        if progress is not None:
            progress(done, total)
        yield result
    if store is not None and new:
        store.store_signed(signed)  # made and signed by the workers
        stored.update(k for k, _, _ in signed)
        store.store([(k, e) for k, e in new if k not in stored])
    if store is not None and remember:  # what a long-running process (catalog serve) reuses, unread
        checked = dict(new)
        _recent.clear()
        _recent.update(
            {k: hits.get(k) or checked[k] for k in keys if k is not None and (k in hits or k in checked)}
        )


_memo: dict[tuple[Path, str | None], tuple[tuple[tuple[str, int, int], ...], Result]] = {}


def validate_catalog_cached(
    catalog_dir: Path, *, today: date | None = None, progress: Progress | None = None
) -> Result:
    """validate_catalog with the validation cache, reusing the last result while no file under
    ``catalog_dir`` has changed (same names, sizes and modification times): ``catalog build``
    validates before building and the site plugin validates again inside MkDocs; the second costs
    a directory walk, not a parse."""
    key = (catalog_dir.resolve(), today.isoformat() if today else None)
    stamp = _fingerprint(catalog_dir)
    cached = _memo.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    result = validate_catalog(catalog_dir, today=today, progress=progress, cache=True, remember=True)
    _memo.clear()
    _memo[key] = (stamp, result)
    return result


def _fingerprint(catalog_dir: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for here, _, _, filenames in walk(catalog_dir, lambda _: None):  # too deep: the loader says so
        for name in filenames:
            path = f"{here}/{name}"
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
    problems += [
        d for d in textrules.check_text(loaded, document.display, loaded.text) if d.pointer not in flagged
    ]
    problems += rules.date_order(document)
    return loaded, problems


Checked = tuple[Loaded | None, list[Diagnostic]]


def _check_files(
    documents: list[tuple[load.Document, bytes | None]], store: ValidationCache | None
) -> Iterator[tuple[Checked, Entry, tuple[bytes, bytes] | None]]:
    """check_file over every document, in order, with its cache entry and, when workers made it, the
    entry's stored form and MAC. In worker processes when there are many: each sends the entry's
    stored form (``marshal``, signed with the cache's key when there is a cache), which the parent
    reads once and stores as it is."""
    if len(documents) < PARALLEL_MINIMUM or not workers.available():
        for document, _ in documents:
            loaded, found = check_file(document)
            yield (
                (loaded, found),
                Entry(loaded.data if loaded is not None else None, loaded is not None, tuple(found)),
                None,
            )
        return
    for kind in {d.kind for d, _ in documents}:
        schemas.fast_check(kind)  # compiled once here, inherited by the forked workers

    def remote(item: tuple[load.Document, bytes | None]) -> tuple[bytes, bytes | None] | Checked:
        document, key = item
        loaded, found = check_file(document)
        document.loaded = None  # this worker's copy: kept, it held every file's data it parsed
        payload = encode(Entry(loaded.data if loaded is not None else None, loaded is not None, tuple(found)))
        if payload is None:  # a value marshal cannot hold (not from YAML): sent as it is, not cached
            return (loaded.without_text() if loaded is not None else None), found
        return payload, (store.sign(key, payload) if store is not None and key is not None else None)

    for (document, _), sent in zip(documents, workers.fork_map(remote, documents), strict=True):
        if isinstance(sent[0], bytes):
            payload, mac = sent
            entry = decode(payload)
            assert entry is not None  # made by encode in this very program
            loaded = Loaded(entry.data, None, document.display, document.path) if entry.parsed else None
            yield (loaded, list(entry.diagnostics)), entry, ((payload, mac) if mac is not None else None)
        else:
            loaded, found = sent
            yield (
                (loaded, found),
                Entry(loaded.data if loaded is not None else None, loaded is not None, tuple(found)),
                None,
            )


def _unique(problems: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(problems), key=lambda d: (d.file, d.line, d.col, d.pointer, d.code, d.message))
