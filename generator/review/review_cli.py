"""``catalog diff``, ``catalog new`` and ``catalog owners``: the agencies' review workflow.

:func:`register` adds the three commands to the main parser's sub-commands. Each handler returns
the exit code: 0 ok, 1 problems (``owners --check`` finds CODEOWNERS stale, ``owners`` meets an
agency without a valid team), 2 usage (unknown revision, not a git repository, unknown agency,
a file already there). Errors name what is wrong on one line, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from .. import ciout, outdir
from ..errors import ExitCode, UsageError, writing
from ..validation.load import CatalogNotFound, find_catalog
from ..writing import write_text_atomic
from .diff import GitError, diff_revisions
from .diff_render import MAX_MARKDOWN, RENDERERS, render_markdown
from .owners import OUTPUT, codeowners
from .scaffold import ScaffoldError, create

Subparsers = argparse._SubParsersAction  # the type argparse gives add_subparsers()

DIFF_EPILOG = """\
examples:
  catalog diff main                      what the working tree changes, compared with main
  catalog diff origin/main HEAD --format markdown > comment.md
  catalog diff origin/main HEAD --format markdown --limit 0     every change, uncut
  catalog diff v2026.10 v2026.11 --format json

Procedures are matched by code (a moved or renamed file is a move), list items by a natural key
(a document by its name, a legal document by its number, a channel by its kind). Only changed
files are read. Exit codes: 0 summary printed (files that cannot be read are listed in it),
2 usage error (unknown revision, not a git repository)."""

NEW_EPILOG = """\
examples:
  catalog new --agency so-tu-phap --code 1.000123
  catalog new --agency ubnd-phuong-long-chau --code 1.000124 --from-code 1.001193

The file is written to catalog/procedures/<agency>/<code>.yaml (never over an existing file),
with a Vietnamese comment above each field. Empty placeholders ("") are flagged by
`catalog validate` until they are filled. Exit codes: 0 written, 2 usage error (unknown agency,
code already in the catalog, file already there)."""

OWNERS_EPILOG = """\
examples:
  catalog owners            write .github/CODEOWNERS
  catalog owners --check    fail (exit 1) if .github/CODEOWNERS is not what catalog/agencies.yaml gives

Each agency's team (`team` in catalog/agencies.yaml) owns catalog/procedures/<agency>/; the
provincial team (`github.provincial_team` in catalog/province.yaml) owns everything else.
Exit codes: 0 written or up to date, 1 stale (--check) or an agency without a valid team,
2 usage error."""


def _wrap(text: str) -> str:
    return textwrap.fill(text, 100)


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Add ``diff``, ``new`` and ``owners`` to the ``catalog`` command."""
    formatter = argparse.RawDescriptionHelpFormatter
    diff = subparsers.add_parser(
        "diff",
        help="summarise what a change does to the catalog (for a pull-request comment)",
        description=_wrap(
            "Summarise, in Vietnamese, what the change from BASE to HEAD does to the catalog: "
            "procedures added, abolished, changed (each changed field old → new) or moved; "
            "location-independent entries proposed, approved or removed; reference data changed."
        ),
        epilog=DIFF_EPILOG,
        formatter_class=formatter,
    )
    diff.add_argument("base", metavar="BASE", help="the revision compared against: a branch, tag or commit")
    diff.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        default=None,
        help="the revision with the change (default: the working tree, uncommitted files included)",
    )
    diff.add_argument(
        "--format",
        choices=tuple(RENDERERS),
        default="text",
        help="markdown (a pull-request comment), text or json (default text)",
    )
    diff.add_argument(
        "--limit",
        type=int,
        default=MAX_MARKDOWN,
        metavar="CHARS",
        help=f"cut Markdown at this many characters, a hundred items a section (default {MAX_MARKDOWN:,}, "
        "under GitHub's comment limit; 0: everything)",
    )
    _repo_option(diff)
    diff.set_defaults(func=run_diff)

    new = subparsers.add_parser(
        "new",
        help="create a procedure file to fill in, in the agency's folder",
        description=_wrap(
            "Create catalog/procedures/<agency>/<code>.yaml with every field explained; fields the "
            "author must fill are left empty and flagged by `catalog validate` until filled."
        ),
        epilog=NEW_EPILOG,
        formatter_class=formatter,
    )
    new.add_argument(
        "--agency", required=True, metavar="ID", help="the implementing agency's id in catalog/agencies.yaml"
    )
    new.add_argument(
        "--code",
        metavar="CODE",
        default=None,
        help="the new procedure's code in the National Database of Administrative Procedures, e.g. 1.000123",
    )
    new.add_argument(
        "--from-code",
        metavar="CODE",
        default=None,
        help="copy the national fields (name, steps, dossier, channels, legal basis…) from this "
        "catalog procedure",
    )
    _repo_option(new)
    new.set_defaults(func=run_new)

    owners = subparsers.add_parser(
        "owners",
        help="write .github/CODEOWNERS from catalog/agencies.yaml",
        description=_wrap(
            "Write .github/CODEOWNERS so that each agency's procedures need its team's review and "
            "the shared files the provincial team's."
        ),
        epilog=OWNERS_EPILOG,
        formatter_class=formatter,
    )
    owners.add_argument("--check", action="store_true", help="write nothing; exit 1 if the file is stale")
    owners.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write (default: .github/CODEOWNERS in the repository)",
    )
    _repo_option(owners)
    owners.set_defaults(func=run_owners)


def _repo_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        type=Path,
        default=None,
        metavar="PATH",
        help="the repository (default: the one holding the current folder)",
    )


def _catalog(repo: Path | None) -> Path:
    start = repo if repo is not None else Path.cwd()
    if not start.exists():
        raise CatalogNotFound(f"no such folder: {start}")
    return find_catalog(start)


def run_diff(args: argparse.Namespace) -> int:
    try:
        root = _catalog(args.repo).parent
        diff = diff_revisions(root, args.base, args.head)
    except (CatalogNotFound, GitError) as exc:
        raise UsageError(str(exc), "diff") from None
    if args.limit < 0:
        raise UsageError(f"--limit must be 0 (no limit) or a number of characters, not {args.limit}", "diff")
    if args.format == "markdown":
        text = render_markdown(diff, limit=args.limit or None)
    else:
        text = RENDERERS[args.format](diff)
    sys.stdout.write(text.rstrip("\n") + "\n")
    return ExitCode.OK


def run_new(args: argparse.Namespace) -> int:
    try:
        catalog = _catalog(args.repo)
        path = create(catalog, args.agency, args.code, args.from_code)
    except (CatalogNotFound, ScaffoldError) as exc:
        raise UsageError(str(exc), "new") from None
    shown = path.relative_to(catalog.parent).as_posix()
    print(
        f"Đã tạo {shown}\n"
        "Việc tiếp theo:\n"
        '  1. Mở tệp, điền các chỗ để trống ("") và sửa các giá trị mẫu; ghi chú trên mỗi trường giải thích ý nghĩa.\n'
        f"  2. Kiểm tra: catalog validate {shown}\n"
        "  3. Bảo đảm quyết định công bố có tệp trong catalog/decisions/ và liệt kê mã thủ tục này.\n"
        "  4. Commit, tạo pull request và xem tóm tắt thay đổi (hướng dẫn trong CONTRIBUTING.md)."
    )
    return ExitCode.OK


def run_owners(args: argparse.Namespace) -> int:
    try:
        catalog = _catalog(args.repo)
    except CatalogNotFound as exc:
        raise UsageError(str(exc), "owners") from None
    output = args.output if args.output is not None else catalog.parent / OUTPUT
    outdir.check_file(output, catalog.parent, "owners", own=catalog.parent / OUTPUT)
    try:
        shown = output.resolve().relative_to(catalog.parent.resolve()).as_posix()
    except ValueError:
        shown = str(output)
    result = codeowners(catalog)
    for problem in result.problems:
        print(ciout.line(f"catalog owners: {problem}"), file=sys.stderr)
    if result.text is None:
        return ExitCode.PROBLEMS
    with writing(output, "owners"):
        current = output.read_text(encoding="utf-8") if output.is_file() else None
    if args.check:
        if current != result.text:
            state = "is missing" if current is None else "is out of date"
            print(f"{shown} {state}: run `catalog owners` and commit the result", file=sys.stderr)
            return ExitCode.PROBLEMS
        print(f"ok: {shown} is up to date")
        return ExitCode.PROBLEMS if result.problems else ExitCode.OK
    if current != result.text:
        with writing(output, "owners"):
            write_text_atomic(output, result.text)
        print(f"wrote {shown}")
    else:
        print(f"ok: {shown} is up to date")
    return ExitCode.PROBLEMS if result.problems else ExitCode.OK
