"""The open-data exports: versioned JSON files, a CSV, a change feed, their schemas and an OpenAPI file.

:func:`export_files` is pure: the catalog (validated) and its :class:`Source` (commit and change
feed) in, ``(relative path, bytes)`` out, in a fixed order. :func:`write_exports` writes them into a
folder atomically; ``catalog build`` and ``catalog export`` both call it. The layout, relative to
the output folder (the site's root)::

    api/openapi.json                       OpenAPI 3.1 description of the static API
    api/v1/procedures.json                 every published procedure, with a header
    api/v1/procedures/<code>.json          one procedure, JSON-LD (schema.org / CPSV-AP)
    api/v1/procedures.csv                  one row per procedure, UTF-8 with BOM
    api/v1/national/procedures.json        the national database's record shape
    api/v1/{location-independent,sectors,agencies,service-points,decisions,plan,province}.json
    api/v1/changes.json, changes/page-N.json   the change feed, newest first
    schemas/export/v1/<name>.schema.json   JSON Schema of each file (self-contained)
    schemas/catalog/<name>.schema.json     the catalog's schemas, which the export schemas refer to

Bytes are deterministic: sorted keys, compact separators, UTF-8, a final newline, items in a stable
order, and no time but the commit's.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import gcpause, model, outdir
from ..diagnostics import render_text
from ..git import CommitInfo, commit_info
from ..review.changes import NO_FEED, Feed, feed_for, pages
from ..validation.index import Catalog
from ..validation.validate import validate_catalog
from . import export_items as items_
from .export_csv import procedures_csv
from .export_ld import CONTEXT
from .export_national import national_record
from .export_openapi import openapi
from .export_schemas import SCHEMA_BASE, SCHEMA_VERSION, published_files

API = items_.API_PATH
# What write_exports owns in the output folder: replaced whole, everything else left alone.
OWNED = ("api/v1", "api/openapi.json", "schemas/export", "schemas/catalog")
_SPLICE = "\x00items\x00"
_SPLICE_BYTES = json.dumps(_SPLICE).encode()


class ExportError(Exception):
    """The catalog cannot be exported (for example it has problems); the message says why."""


@dataclass(frozen=True)
class Source:
    """Where the catalog came from: the commit (None outside git) and the change feed."""

    commit: CommitInfo | None
    feed: Feed = NO_FEED


@dataclass(frozen=True)
class Summary:
    """What was written: the folder, the number of files and bytes, the procedures exported."""

    out: Path
    files: int
    bytes: int
    procedures: int
    commit: str | None
    feed_entries: int
    feed_skipped: tuple[tuple[str, str, str], ...] = ()  # historic versions the change feed passed over

    def notes(self) -> list[str]:
        """One line per historic file version the change feed could not read (see :class:`Feed`)."""
        return [
            f"note: the change feed passed over {path or 'commit'} at {commit[:12]}, which cannot be read: "
            f"{reason}"
            for commit, path, reason in self.feed_skipped
        ]

    def as_json(self) -> dict[str, object]:
        return {
            "out": str(self.out),
            "files": self.files,
            "bytes": self.bytes,
            "procedures": self.procedures,
            "commit": self.commit,
            "feed_entries": self.feed_entries,
        }


def source_for(catalog_dir: Path, *, preview: bool = False, catalog: Catalog | None = None) -> Source:
    """The commit and change feed of the git repository holding ``catalog_dir`` (if any);
    ``catalog``, that catalog already loaded, makes reading its history faster."""
    return Source(commit_info(catalog_dir), feed_for(catalog_dir, preview=preview, catalog=catalog))


def dumps(value: Any) -> bytes:
    """The one JSON encoding of every data export: sorted keys, compact, UTF-8, final newline."""
    return _encode(value) + b"\n"


def _encode(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def dumps_pretty(value: Any) -> bytes:
    """For documents people read (schemas, OpenAPI): indented, otherwise the same."""
    return (
        json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")
        + b"\n"
    )


def _spliced(document: dict[str, Any], key: str, parts: list[bytes]) -> bytes:
    """``dumps(document)`` with ``document[key]`` the list whose items are already encoded as
    ``parts``: each item is encoded once, for its own file and for the list, and copied once."""
    before, after = dumps({**document, key: _SPLICE}).split(_SPLICE_BYTES, 1)
    pieces = [before, b"["]
    for part in parts:
        pieces += (part, b",")
    if parts:
        pieces.pop()
    pieces += (b"]", after)
    return b"".join(pieces)


def header(schema: str, source: Source, preview: bool) -> dict[str, Any]:
    """The fields every top-level export starts with."""
    return {
        "$schema": SCHEMA_BASE + schema,
        "schema_version": SCHEMA_VERSION,
        "commit": source.commit.as_json() if source.commit is not None else None,
        "preview": preview,
    }


def export_files(
    catalog: model.Catalog, source: Source, *, preview: bool = False
) -> Iterator[tuple[str, bytes]]:
    """Every export file of a (validated, typed) catalog: ``(path relative to the output folder, bytes)``."""
    ctx = items_.context_of(catalog, preview=preview)
    context_bytes = _encode(CONTEXT)
    encoded: list[
        bytes
    ] = []  # each item encoded once, kept as bytes only (10,000 items as dicts: 100s of MB)
    published = catalog.published_procedures(preview)
    for procedure in published:  # items_.procedure_items, one at a time
        item = items_.procedure_item(procedure, ctx)
        if item is None:
            continue
        data = _encode(item)
        del item
        encoded.append(data)
        yield (
            f"{API}/procedures/{procedure.code}.json",
            b'{"@context":' + context_bytes + b"," + data[1:] + b"\n",
        )
    count = len(encoded)
    yield (
        f"{API}/procedures.json",
        _spliced(
            {
                **header("procedures.schema.json", source, preview),
                "count": count,
                "changes_through": source.feed.changes_through,
            },
            "procedures",
            encoded,
        ),
    )
    del encoded
    yield f"{API}/procedures.csv", procedures_csv(published, ctx)
    yield (
        f"{API}/national/procedures.json",
        _spliced(
            {**header("national-procedures.schema.json", source, preview), "count": count},
            "procedures",
            [_encode(national_record(procedure, ctx)) for procedure in published],
        ),
    )

    def listing(name: str, key: str, values: list[dict[str, Any]]) -> tuple[str, bytes]:
        return f"{API}/{name}.json", dumps(
            {**header(f"{name}.schema.json", source, preview), "count": len(values), key: values}
        )

    yield listing("location-independent", "lists", items_.lists(catalog, preview=preview))
    yield listing("sectors", "sectors", items_.sectors(catalog))
    yield listing("agencies", "agencies", items_.agencies(catalog))
    yield listing("service-points", "service_points", items_.service_points(catalog))
    yield listing("decisions", "decisions", items_.decisions(catalog))
    yield listing("plan", "plans", items_.plans(catalog))
    yield (
        f"{API}/province.json",
        dumps({**header("province.schema.json", source, preview), "province": items_.province(catalog)}),
    )
    for path, page in pages(source.feed, header("changes.schema.json", source, preview)):
        yield f"{API}/{path}", dumps(page)
    yield "api/openapi.json", dumps_pretty(openapi(ctx.base_url, ctx.province))
    for path, schema in published_files().items():
        yield path, dumps_pretty(schema)


def build_exports(catalog: Catalog, source: Source, *, preview: bool = False) -> dict[str, bytes]:
    """:func:`export_files` of a validated catalog as a mapping (for tests and small catalogs: it holds
    every file at once)."""
    with gcpause.paused():
        return dict(export_files(model.build(catalog), source, preview=preview))


def write_exports(
    catalog: Catalog,
    out_dir: Path,
    *,
    preview: bool = False,
    source: Source | None = None,
    typed: model.Catalog | None = None,
    claimed: bool = False,
) -> Summary:
    """Write every export of ``catalog`` (already validated) under ``out_dir``, read from its typed
    model (``typed``, when the caller has built it already, e.g. ``validate.Result.model``).

    ``source`` defaults to the git repository holding the catalog. ``out_dir`` must be a folder the
    tool may write (:func:`generator.outdir.check_folder`), and is locked while it is written
    (``claimed``: the caller, ``catalog build`` writing its own staging folder, already did both).
    The files are written into a temporary folder inside ``out_dir``, then each owned part
    (:data:`OWNED`) is exchanged with the old one; other files in ``out_dir`` are left alone. If
    anything fails before the exchanges, the previous exports stay as they were.
    """
    if claimed:
        return _write_claimed(catalog, out_dir, preview, source, typed)
    out_dir = outdir.check_folder(out_dir, catalog.root.parent)
    with outdir.claim(out_dir):
        return _write_claimed(catalog, out_dir, preview, source, typed)


def _write_claimed(
    catalog: Catalog, out_dir: Path, preview: bool, source: Source | None, typed: model.Catalog | None
) -> Summary:
    if source is None:
        source = source_for(catalog.root, preview=preview, catalog=catalog)
    if typed is None:
        typed = model.build(catalog)
    out_dir.mkdir(parents=True, exist_ok=True)
    outdir.write_marker(out_dir)
    for stale in out_dir.glob(".export-*"):  # left by an export that was killed (we hold the lock)
        outdir.restore_parts(stale, out_dir, OWNED, ".old")
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir))
    try:
        with gcpause.paused():
            files, size = _write_all(staging, export_files(typed, source, preview=preview))
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    count = len(typed.published_procedures(preview))
    return Summary(
        out_dir,
        files,
        size,
        count,
        source.commit.id if source.commit else None,
        len(source.feed.entries),
        source.feed.skipped,
    )


def _write_all(folder: Path, files: Iterator[tuple[str, bytes]]) -> tuple[int, int]:
    """Write every file under ``folder``; return how many and their total size."""
    made: set[Path] = set()
    count = size = 0
    for path, data in files:
        target = folder / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
        count += 1
        size += len(data)
        del data  # not held while the next file is made (procedures.json: 100 MB at 10,000)
    return count, size


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Each owned part of ``out_dir`` exchanged with the new one (the old ends in ``staging/.old``):
    a part is never missing where the system can exchange, and held whole in ``staging/.old``
    (put back by the next export) between two renames where it cannot."""
    trash = staging / ".old"
    for part in OWNED:
        new, current = staging / part, out_dir / part
        old = trash / part
        old.parent.mkdir(parents=True, exist_ok=True)
        if new.exists():
            current.parent.mkdir(parents=True, exist_ok=True)
            outdir.put_in_place(new, current, old)
        elif current.exists() or current.is_symlink():
            current.rename(old)


def write_exports_for_repo(catalog_dir: Path, out_dir: Path, *, preview: bool = False) -> Summary:
    """Validate the catalog at ``catalog_dir`` and write its exports; :class:`ExportError` if it has
    problems (nothing is written then). The entry point of the site build."""
    result = validate_catalog(catalog_dir)
    if result.diagnostics:
        raise ExportError(
            "the catalog has problems; fix them before exporting:\n" + render_text(result.diagnostics)
        )
    return write_exports(result.catalog, out_dir, preview=preview, typed=result.model)
