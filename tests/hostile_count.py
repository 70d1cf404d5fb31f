"""Count the hostile suite's distinct cases: every test (each parametrized case apart) of
tests/test_hostile*.py, by file, and the file cases of tests/hostile/.

    .venv/bin/python tests/hostile_count.py          # print the counts
    .venv/bin/python tests/hostile_count.py --min 100  # and exit 1 below 100 cases

The counts come from pytest's own collection, so a case counts only if it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections import Counter
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


class _Collector:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.ids = [item.nodeid for item in session.items]


def collect() -> list[str]:
    """The node ids of every hostile test."""
    collector = _Collector()
    files = sorted(str(p) for p in TESTS.glob("test_hostile*.py"))
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main(["--collect-only", "-qq", "-p", "no:cacheprovider", *files], plugins=[collector])
    if code not in (0, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise SystemExit(f"collection failed (pytest exit {code})")
    return collector.ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--min", type=int, default=0, help="exit 1 if there are fewer cases")
    args = parser.parse_args(argv)
    ids = collect()
    by_file = Counter(node.split("::", 1)[0].rsplit("/", 1)[-1] for node in ids)
    print()
    for name, count in sorted(by_file.items()):
        print(f"{name:32} {count:4} cases")
    files = len(list((TESTS / "hostile").glob("*.yaml")))
    print(f"{'(tests/hostile/*.yaml)':32} {files:4} file cases, each one of the cases above")
    print(f"hostile cases: {len(ids)}")
    if len(ids) < args.min:
        print(f"fewer than {args.min} hostile cases", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
