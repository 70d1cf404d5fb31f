"""Shared test helpers: the fixture catalog, the shared real data, the golden-file flag."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BASE_CATALOG = TESTS / "cases" / "base"
# The real data sits beside the repository in ../shared (see the README); absent on a user's clone.
SHARED = REPO.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite expected outputs (tests/cases/**/*.expected, golden exports) from the "
                          "current code; review the diff before committing")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    """A fresh copy of the small valid fixture catalog: tmp/catalog/..."""
    shutil.copytree(BASE_CATALOG / "catalog", tmp_path / "catalog")
    return tmp_path


def shared_data() -> Path:
    """The shared real data folder, or skip the test with the reason."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"real data not available: {data} is absent (it sits beside the repository "
                    "in the development setup; see README)")
    return data
