"""Shared test helpers: the fixture catalog, the shared real data, the golden-file flag."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.validation.validate import Result

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BASE_CATALOG = TESTS / "cases" / "base"
# The real data sits beside the repository in ../shared (see the README); absent on a user's clone.
SHARED = REPO.parent / "shared"


def load_yaml(text: str) -> Any:
    """YAML as yaml.safe_load reads it, with libyaml's C loader: ten times faster over the real
    catalog's 1,400 files."""
    return yaml.load(text, Loader=yaml.CSafeLoader)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite expected outputs (tests/cases/**/*.expected, golden exports) from the "
        "current code; review the diff before committing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def real_result() -> Result:
    """The repository's own catalog, validated once per test session (read it, never change it)."""
    from generator.validation.validate import validate_catalog

    return validate_catalog(REPO / "catalog")


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    """A fresh copy of the small valid fixture catalog: tmp/catalog/..."""
    shutil.copytree(BASE_CATALOG / "catalog", tmp_path / "catalog")
    return tmp_path


def shared_data() -> Path:
    """The shared real data folder, or skip the test with the reason."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(
            f"real data not available: {data} is absent (it sits beside the repository "
            "in the development setup; see README)"
        )
    return data


SITE_FILES = ("mkdocs.yml", "site_content", "site_overrides")


def make_site_repo(root: Path) -> Path:
    """A git repository holding the project's site configuration and the fixture catalog, with two
    commits (so procedure pages have a change history)."""
    import subprocess

    repo = root / "repo"
    repo.mkdir()
    for name in SITE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name)
        else:
            shutil.copy2(source, repo / name)
    shutil.copytree(BASE_CATALOG / "catalog", repo / "catalog")

    def git(*args: str, date: str = "2026-11-01T10:00:00+07:00") -> None:
        env = {
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.org",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.org",
            "PATH": "/usr/bin:/bin",
            "HOME": str(root),
        }
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "Khởi tạo danh mục")
    fee = repo / "catalog" / "procedures" / "so-tu-phap" / "1.013818.yaml"
    fee.write_text(
        fee.read_text(encoding="utf-8")
        .replace("amount: 3500000", "amount: 1750000")
        .replace("3.500.000 đồng/hồ sơ", "1.750.000 đồng/hồ sơ"),
        encoding="utf-8",
    )
    git(
        "commit",
        "-q",
        "-am",
        "Giảm phí thẩm định theo Thông tư 64/2025/TT-BTC",
        date="2026-11-10T09:00:00+07:00",
    )
    return repo


@pytest.fixture(scope="session")
def site_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site repository (make_site_repo) for the whole session: tests only read it."""
    return make_site_repo(tmp_path_factory.mktemp("site-repo"))


@pytest.fixture(scope="session")
def fixture_site(site_repo: Path) -> Path:
    """The fixture catalog's site, built once per session into site_repo/site (read it only)."""
    from generator.site.build import build_site

    out = site_repo / "site"
    build_site(site_repo, out)
    return out


@pytest.fixture(scope="session")
def fixture_preview_site(site_repo: Path) -> Path:
    """The fixture catalog's preview site, built once per session into site_repo/preview."""
    from generator.site.build import build_site

    out = site_repo / "preview"
    build_site(site_repo, out, preview=True)
    return out
