"""``catalog import dvcqg …`` and ``catalog import xlsx …``.

:func:`register` adds the ``import`` command to the main parser's sub-commands; each sub-command
sets ``func`` to a handler returning the exit code: 0 ok, 1 problems (a record could not be
imported, a list could not be read), 2 usage (bad option value, missing path or mapping file).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..errors import ExitCode, UsageError
from ..progress import Progress
from .dvcqg import import_records
from .mapping import MappingError, load_mapping
from .report import render_json, render_text
from .xlsx import compare_lists, render_comparison_json, render_comparison_text

KNOWN_LEVELS = ("tinh", "xa")
PROGRESS_MINIMUM = 201  # show a bar for more than 200 records


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``import`` with its ``dvcqg`` and ``xlsx`` sub-commands."""
    parser = subparsers.add_parser(
        "import",
        help="import procedures from the National Public Service Portal",
        description="Import procedure records from the National Public Service Portal (dichvucong.gov.vn), "
        "or compare its procedure lists with the catalog.",
    )
    sources = parser.add_subparsers(dest="import_source", metavar="SOURCE", required=True)

    dvcqg = sources.add_parser(
        "dvcqg",
        help="import portal records (JSON) into catalog/procedures and catalog/decisions",
        description="Read portal records (one JSON object per procedure; files or folders), keep those at the "
        "selected levels, and write catalog/procedures/<agency>/<code>.yaml plus one "
        "catalog/decisions/<decision>.yaml per publishing decision. A re-import replaces the "
        "national fields and keeps the province's own (local, sample, a suspended/abolished status).",
        epilog="Example: catalog import dvcqg ../shared/data/dvcqg/records --dry-run. "
        "Exit codes: 0 all imported, 1 some records could not be imported, 2 usage error.",
    )
    dvcqg.add_argument(
        "sources", nargs="+", type=Path, metavar="SOURCE", help="a record file or a folder of them"
    )
    dvcqg.add_argument(
        "--into",
        type=Path,
        default=Path("catalog"),
        help="the catalog folder, holding sectors.yaml and agencies.yaml (default: catalog)",
    )
    dvcqg.add_argument(
        "--levels",
        default="tinh,xa",
        help="import records at these levels, comma-separated: tinh, xa (default: tinh,xa)",
    )
    dvcqg.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    dvcqg.add_argument(
        "--verified-on",
        metavar="YYYY-MM-DD",
        default=None,
        help="the day a person checked these records against their legal basis, written as "
        "last_verified (default: none; an existing file keeps its own)",
    )
    dvcqg.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default text)"
    )
    dvcqg.add_argument("--verbose", action="store_true", help="list every warning in the text report")
    dvcqg.set_defaults(func=run_dvcqg)

    xlsx = sources.add_parser(
        "xlsx",
        help="compare the portal's 'Danh sách TTHC' spreadsheets with the catalog",
        description="Read the portal's 'Danh sách TTHC' .xlsx exports and list the codes that are listed but "
        "not in the catalog, and the catalog codes that no given list has.",
        epilog="Exit codes: 0 compared, 1 a spreadsheet could not be read, 2 usage error.",
    )
    xlsx.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a .xlsx list")
    xlsx.add_argument(
        "--catalog", type=Path, default=Path("catalog"), help="the catalog folder (default: catalog)"
    )
    xlsx.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    xlsx.set_defaults(func=run_xlsx)


def run_dvcqg(args: argparse.Namespace) -> int:
    levels = tuple(part.strip() for part in str(args.levels).split(",") if part.strip())
    unknown = [level for level in levels if level not in KNOWN_LEVELS]
    if not levels or unknown:
        raise UsageError(
            f"--levels takes {', '.join(KNOWN_LEVELS)} (comma-separated), not {args.levels!r}", "import"
        )
    verified_on: str | None = None
    if args.verified_on is not None:
        try:
            verified_on = date.fromisoformat(args.verified_on).isoformat()
        except ValueError:
            raise UsageError(
                f"--verified-on is not a date in YYYY-MM-DD form: {args.verified_on!r}", "import"
            ) from None
    missing = [str(p) for p in args.sources if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}", "import")
    into: Path = args.into
    if not into.is_dir():
        raise UsageError(f"catalog folder not found: {into} (use --into)", "import")
    try:
        mapping = load_mapping(into)
    except MappingError as exc:
        raise UsageError(f"cannot map portal names to ids: {exc}", "import") from None
    progress = Progress("importing", enabled=True, minimum=PROGRESS_MINIMUM)
    try:
        report = import_records(
            args.sources,
            into,
            levels=levels,
            dry_run=args.dry_run,
            verified_on=verified_on,
            mapping=mapping,
            progress=progress.update,
        )
    finally:
        progress.done()
    print(render_json(report) if args.format == "json" else render_text(report, verbose=args.verbose))
    return ExitCode.OK if report.ok else ExitCode.PROBLEMS


def run_xlsx(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}", "import")
    if not args.catalog.is_dir():
        raise UsageError(f"catalog folder not found: {args.catalog} (use --catalog)", "import")
    if not any(args.catalog.glob("procedures/*/*.yaml")):
        raise UsageError(
            f"no procedures in {args.catalog}: --catalog takes the catalog folder, the one holding "
            "procedures/<agency>/<code>.yaml",
            "import",
        )
    comparison = compare_lists(list(args.files), args.catalog)
    print(render_comparison_json(comparison) if args.format == "json" else render_comparison_text(comparison))
    return ExitCode.OK if comparison.ok else ExitCode.PROBLEMS
