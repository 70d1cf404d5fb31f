"""File-based validator cases: each tests/cases/invalid/KEY_REASON.yaml beside KEY_REASON.expected.

A case's first line names where it goes in the fixture catalog (``# target: catalog/...``); the
case replaces that file in a fresh copy of tests/cases/base/ and the whole catalog is validated.
The text output must equal the .expected file exactly. Run ``pytest --update-goldens`` to rewrite
the expectations, then review them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from generator.diagnostics import render_text
from generator.validation.validate import validate_catalog

CASES = Path(__file__).resolve().parent / "cases"
TODAY = date(2026, 11, 25)
TARGET = re.compile(rb"^(?:\xef\xbb\xbf)?# target: (\S+)")
INVALID = sorted((CASES / "invalid").glob("*.yaml"))
VALID = sorted((CASES / "valid").glob("*.yaml"))


def place(case: Path, repo: Path) -> Path:
    """Put the case into the fixture catalog at its target; return the target path."""
    data = case.read_bytes()
    match = TARGET.match(data)
    assert match, f"{case.name}: first line must be '# target: catalog/...'"
    target = repo / match.group(1).decode()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def run(repo: Path) -> str:
    result = validate_catalog(repo / "catalog", today=TODAY)
    return render_text(result.diagnostics)


def test_base_catalog_is_valid(base_repo: Path) -> None:
    assert run(base_repo) == ""


def test_every_case_has_an_expectation_and_back() -> None:
    cases = {p.stem for p in INVALID}
    expectations = {p.stem for p in (CASES / "invalid").glob("*.expected")}
    assert sorted(cases - expectations) == [], "cases without a .expected file"
    assert sorted(expectations - cases) == [], ".expected files without a case"
    assert len(cases) >= 30


def test_case_names_are_key_reason() -> None:
    for case in INVALID + VALID:
        assert re.fullmatch(r"[a-z0-9-]+_[a-z0-9-]+", case.stem), case.name


@pytest.mark.parametrize("case", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_case(case: Path, base_repo: Path, update_goldens: bool) -> None:
    place(case, base_repo)
    output = run(base_repo)
    expected_file = case.with_suffix(".expected")
    if update_goldens:
        expected_file.write_text(output + "\n", encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").rstrip("\n")
    assert output == expected
    lines = output.splitlines()
    assert len(lines) == 2 and lines[-1].startswith("1 problem in 1 file"), "a case holds one problem"


@pytest.mark.parametrize("case", VALID, ids=[p.stem for p in VALID])
def test_valid_case(case: Path, base_repo: Path) -> None:
    place(case, base_repo)
    assert run(base_repo) == ""
