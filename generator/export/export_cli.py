"""``catalog export``: validate the catalog, then write its open-data exports into a folder.

Wired into the main command by ``generator.cli.build_parser`` calling :func:`register`. Exit codes
as everywhere: 0 written, 1 the catalog has problems (nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import ciout, outdir
from ..diagnostics import render_json, render_text
from ..errors import ExitCode, UsageError, writing
from ..progress import Progress
from ..validation.load import CatalogNotFound, find_catalog
from ..validation.validate import validate_catalog
from .export import write_exports


def register(subparsers: Any) -> None:
    """Add the ``export`` command to the ``catalog`` command's subparsers."""
    parser = subparsers.add_parser(
        "export",
        help="write the open-data exports (JSON, CSV, change feed, schemas, OpenAPI) into a folder",
        description="Validate the catalog, then write its open-data exports under DIR: api/v1/ (procedures.json, "
        "procedures/<code>.json, procedures.csv, national/procedures.json, changes.json, reference "
        "data), api/openapi.json and the JSON Schemas in schemas/. Nothing is written if the catalog "
        "has problems. The folders the export owns are replaced whole; other files in DIR are kept.",
        epilog="Examples: catalog export --out site | catalog export --catalog path/to/repo --out /tmp/api "
        "--preview --format json. Exit codes: 0 written, 1 the catalog has problems, 2 usage error.",
    )
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        default=None,
        help="the repository or its catalog/ folder (default: the current repository)",
    )
    parser.add_argument(
        "--out", metavar="DIR", required=True, help="the folder to write into (created if missing)"
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help='include draft procedures and proposed lists and entries, each marked "preview": true',
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="how to print the summary or the problems (default text)",
    )
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    start = Path(args.catalog) if args.catalog else Path.cwd()
    if not start.exists():
        raise UsageError(f"no such file or folder: {start}")
    try:
        root = find_catalog(start)
    except CatalogNotFound as exc:
        raise UsageError(str(exc)) from None
    out = Path(args.out)
    outdir.check_folder(out, root.parent)
    progress = Progress("validating", enabled=args.format == "text")
    result = validate_catalog(root, progress=progress.update)
    progress.done()
    if result.diagnostics:
        if args.format == "json":
            print(render_json(result.diagnostics, checked=result.files_checked))
        else:
            print(render_text(result.diagnostics))
            print("nothing exported: fix the problems above first", file=sys.stderr)
        return ExitCode.PROBLEMS
    try:
        with writing(out):
            summary = write_exports(result.catalog, out, preview=args.preview, typed=result.model)
    except outdir.OutputBusy as exc:
        print(f"catalog export: {exc}", file=sys.stderr)
        return ExitCode.PROBLEMS
    for note in summary.notes():
        print(ciout.line(note), file=sys.stderr)
    if args.format == "json":
        print(
            json.dumps(
                {"ok": True, **summary.as_json(), "preview": args.preview}, ensure_ascii=False, indent=2
            )
        )
    else:
        where = f"commit {summary.commit[:12]}" if summary.commit else "no git commit"
        kind = "preview " if args.preview else ""
        print(
            f"ok: {kind}exports of {summary.procedures} procedures written to {out} "
            f"({summary.files} files, {summary.bytes / 1e6:.1f} MB; {where}, "
            f"{summary.feed_entries} change feed entries)"
        )
    return ExitCode.OK
