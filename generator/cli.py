"""The ``catalog`` command line: the only place that prints, reads argv or picks an exit code.

Exit codes: :class:`generator.errors.ExitCode` (0 ok, 1 problems found, 2 usage error, 3 a bug).
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from . import __version__, ciout, outdir
from .annotations import annotation, render_github
from .diagnostics import render_json, render_text
from .entry import Terminated, install_signal_handlers, stop_now
from .errors import EXIT_CODES, ExitCode, UsageError, run, schemas_unusable, writing
from .progress import Progress
from .reference import render_reference
from .schemastore import SchemaStoreError
from .validation.awaiting_review import awaiting_review
from .validation.load import CatalogNotFound, find_catalog
from .validation.validate import validate_catalog, validate_catalog_cached
from .writing import write_text_atomic

Handler = Callable[[argparse.Namespace], int]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def _address(text: str) -> str:
    """HOST:PORT for ``serve --address``: an IP address or a host name, a port from 1 to 65535."""
    host, sep, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"not HOST:PORT with a port from 1 to 65535: {text!r}")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        if not re.fullmatch(r"[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*", host) or all(
            p.isdigit() for p in labels
        ):
            raise argparse.ArgumentTypeError(f"not an IP address or a host name: {host!r}") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="catalog",
        description="Validate, import, build and export a province's catalog of administrative procedures.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "validate",
        help="check every catalog file and every rule between files",
        description="Check every file of the catalog (strict YAML, JSON Schemas, cross-file rules) and print "
        "every problem at once as file:line:col: pointer: message [code].",
        epilog="Examples: catalog validate | catalog validate path/to/repo | "
        "catalog validate catalog/procedures/so-tu-phap/1.001193.yaml --format json",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a repository, its catalog/ folder, or files in it (default: the current repository); "
        "given files, only their problems are shown",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "github", "markdown"),
        default="text",
        help="output format (default text; github: workflow annotations on the changed lines; "
        "markdown: the pull-request comment saying how many problems are in which files)",
    )
    check.add_argument(
        "--today",
        type=_date,
        default=None,
        help="the date that 'in the future' is measured against (default: today)",
    )
    check.set_defaults(func=cmd_validate)

    build = commands.add_parser(
        "build",
        help="validate, then build the website (and the open-data exports) into a folder",
        description="Validate the catalog, then build the whole static site with Material for MkDocs into "
        "--out. The new site is built beside the old one and swapped in only when everything "
        "succeeded.",
        epilog="Examples: catalog build | catalog build --out /tmp/site --preview",
    )
    build.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site/)")
    build.add_argument(
        "--preview",
        action="store_true",
        help="also show drafts and proposed items, each with a visible banner",
    )
    build.add_argument(
        "--repo",
        type=Path,
        default=None,
        help="the repository holding mkdocs.yml and catalog/ (default: the current one)",
    )
    build.set_defaults(func=cmd_build)

    serve = commands.add_parser(
        "serve",
        help="serve the site locally, rebuilding when the catalog changes",
        description="Build the site and serve it at http://127.0.0.1:8000 (or --address), rebuilding and "
        "reloading the browser whenever a file changes. Stop with Ctrl+C.",
        epilog="Examples: catalog serve | catalog serve --preview --address 127.0.0.1:8001",
    )
    serve.add_argument("--preview", action="store_true", help="also show drafts and proposed items")
    serve.add_argument("--address", default="127.0.0.1:8000", type=_address, help="host:port to listen on")
    serve.add_argument("--repo", type=Path, default=None, help="the repository (default: the current one)")
    serve.set_defaults(func=cmd_serve)

    reference = commands.add_parser(
        "reference",
        help="write the field reference (Markdown) generated from the schemas",
        description="Print the catalog's field reference, generated from schemas/*.schema.json, or write it to "
        "a file; with --check, fail if that file is not up to date.",
        epilog="Examples: catalog reference --out docs/catalog-fields.md | "
        "catalog reference --out docs/catalog-fields.md --check",
    )
    reference.add_argument("--out", type=Path, help="the Markdown file to write (default: standard output)")
    reference.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if --out differs from what would be written",
    )
    reference.set_defaults(func=cmd_reference)

    from .export.export_cli import register as register_export
    from .importer.cli import register as register_import
    from .review.review_cli import register as register_review

    register_import(commands)
    register_review(commands)
    register_export(commands)
    return parser


def _repo(args: argparse.Namespace) -> Path:
    start = args.repo or Path.cwd()
    try:
        catalog_dir = find_catalog(start)
    except CatalogNotFound as exc:
        raise UsageError(str(exc)) from None
    repo = catalog_dir.parent
    if not (repo / "mkdocs.yml").is_file():
        raise UsageError(f"no mkdocs.yml beside {catalog_dir}")
    return repo


def cmd_build(args: argparse.Namespace) -> int:
    from .inputs import refusal
    from .site.build import BuildError, build_site, input_symlinks

    repo = _repo(args)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    outdir.check_folder(out, repo, "build")  # before the long validation: a refused folder is a usage error
    linked = input_symlinks(repo)
    if linked:
        print(render_text(linked))
        print(f"catalog build: not built, {refusal(linked)}", file=sys.stderr)
        return ExitCode.PROBLEMS
    progress = Progress("validating")
    result = validate_catalog_cached(repo / "catalog", progress=progress.update)
    progress.done()
    if result.diagnostics:
        print(render_text(result.diagnostics))
        print("catalog build: not built, fix the problems above first", file=sys.stderr)
        return ExitCode.PROBLEMS
    try:
        progress = Progress("building")
        with writing(out, "build"):
            built = build_site(repo, out, preview=args.preview, progress=progress.update)
        progress.done()
    except BuildError as exc:
        print(f"catalog build: failed, the previous site was left as it was: {exc}", file=sys.stderr)
        return ExitCode.PROBLEMS
    except outdir.OutputBusy as exc:
        print(f"catalog build: {exc}", file=sys.stderr)
        return ExitCode.PROBLEMS
    for note in built.notes:
        print(ciout.line(note), file=sys.stderr)
    print(
        f"built {built.pages} pages ({built.bytes / 1e6:.1f} MB) into {args.out}"
        + (" (preview)" if args.preview else "")
    )
    return ExitCode.OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .site.build import BuildError, serve
    from .site.siteconfig import SiteConfigError

    progress = Progress("building")
    try:
        serve(_repo(args), preview=args.preview, address=args.address, progress=progress.update)
    except BuildError as exc:
        progress.done()
        print(f"catalog serve: {exc}", file=sys.stderr)
        return ExitCode.PROBLEMS
    except OSError as exc:  # the address cannot be listened on (in use, not this machine's…)
        progress.done()
        print(f"catalog serve: cannot listen on {args.address}: {exc.strerror or exc}", file=sys.stderr)
        return ExitCode.PROBLEMS
    except SiteConfigError as exc:
        progress.done()
        print(f"catalog serve: {exc}", file=sys.stderr)
        return ExitCode.PROBLEMS
    return ExitCode.OK


def cmd_reference(args: argparse.Namespace) -> int:
    text = render_reference()
    if args.check:
        if args.out is None:
            raise UsageError("--check needs --out FILE")
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            print(f"{args.out} is out of date: run catalog reference --out {args.out}")
            return ExitCode.PROBLEMS
        print(f"{args.out} is up to date")
        return ExitCode.OK
    if args.out is None:
        sys.stdout.write(text)
    else:
        outdir.check_file(args.out, Path.cwd())
        with writing(args.out):
            write_text_atomic(args.out, text)
        print(f"wrote {args.out}")
    return ExitCode.OK


def cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [Path.cwd()]
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"no such file or folder: {path}")
    try:
        roots = {find_catalog(path) for path in paths}
    except CatalogNotFound as exc:
        raise UsageError(str(exc)) from None
    if len(roots) > 1:
        raise UsageError("the paths belong to different catalogs; validate one catalog at a time")
    root = roots.pop()
    only = {p.resolve() for p in paths if p.is_file() or p.is_symlink()}
    progress = Progress("validating", enabled=args.format == "text")
    result = validate_catalog(root, today=args.today, progress=progress.update, cache=True)
    progress.done()
    diagnostics = result.diagnostics
    shown: set[str] = set()
    if only:
        shown = {str(p.relative_to(root.parent).as_posix()) for p in only if p.is_relative_to(root.parent)}
        diagnostics = [d for d in diagnostics if d.file in shown]
    warnings = [w for w in awaiting_review(result.catalog) if not only or w.file in shown]
    if args.format == "json":
        payload = json.loads(render_json(diagnostics, checked=result.files_checked))
        if warnings:  # entries awaiting review (not problems: "ok" stays true)
            payload["warnings"] = [w.as_json() for w in warnings]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        from .review.diff_render import render_validation_failed

        sys.stdout.write(render_validation_failed(diagnostics))
    elif args.format == "github":
        if diagnostics:
            ciout.print_commands(render_github(diagnostics))
        for w in warnings:
            ciout.print_commands(annotation(w, "warning"))
    elif diagnostics:
        print(render_text(diagnostics))
    else:
        print(f"ok: {result.files_checked} files, no problems")
    if warnings and args.format == "text":
        print(
            f"{len(warnings)} warnings (not errors):", *(f"  warning: {w.text()}" for w in warnings), sep="\n"
        )
    return ExitCode.PROBLEMS if diagnostics else ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """The command line, for a caller in this process (the console script goes through
    :mod:`generator.entry`, which does the same from its first instant)."""
    install_signal_handlers()
    with contextlib.ExitStack() as stack:
        if os.environ.get("GITHUB_ACTIONS") == "true":  # no data may print a workflow command
            stack.enter_context(ciout.guard_streams())
        try:
            parser = build_parser()  # imports the commands, whose labels come from the schemas
        except SchemaStoreError as exc:  # in a clone, its own schemas/
            return schemas_unusable(exc)
        args = parser.parse_args(argv)
        func: Handler | None = getattr(args, "func", None)
        if func is None:
            parser.print_help(sys.stderr)
            return ExitCode.USAGE
        try:
            code = run(func, args)
        except Terminated:
            stop_now("catalog: terminated", 143)
    if code == ExitCode.INTERRUPTED:  # run() said so; our cleanup is done: no slow teardown
        stop_now("", code)
    return code


if __name__ == "__main__":  # pragma: no cover
    from .entry import main as entry_main

    entry_main()
