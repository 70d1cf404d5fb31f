"""Shared test helpers: the fixture catalog, the shared real data, the golden-file flag."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import venv
from collections.abc import Callable
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


# The slowest test files, slowest first (`pytest --durations`): run first, so that the two workers of
# `make test` (pytest-xdist, a file per worker) end together instead of one waiting for the other's
# last long file. The real site's first user builds it (conftest.real_site) while the other worker
# runs a file that does not need it. Only the order changes.
SLOWEST_FIRST = (
    "test_site_real.py",
    "test_build_atomic.py",
    "test_incremental.py",
    "test_hostile_browser.py",
    "test_search.py",
    "test_browser.py",
    "test_signals.py",
    "test_import_holdout.py",
    "test_export.py",
    "test_import_real.py",
    "test_hostile.py",
    "test_properties.py",
    "test_workflows.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


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


def interruptible() -> None:
    """``preexec_fn`` for a command the test interrupts as a terminal's Ctrl-C would: SIGINT's default
    action, whatever the suite inherited. A shell that starts ``make test`` in the background without
    job control ignores SIGINT, and an ignored signal stays ignored in every program started below it,
    so the command under test would never see the Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def deleted_in_background(out: Path, limit: float = 120) -> bool:
    """Whether the ``.site.trash-*`` folders (a previous site, a killed build's staging folder),
    which a detached process deletes after the build, are all gone within ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while list(out.parent.glob(f".{out.name}.trash-*")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def make_site_repo(root: Path) -> Path:
    """A git repository holding the project's site configuration and the fixture catalog, with two
    commits (so procedure pages have a change history)."""
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
        subprocess.run(["git", *args], cwd=repo, env=_git_env(date, root), check=True, capture_output=True)

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


def git_commit(repo: Path, message: str, date: str) -> None:
    """``git commit -am message`` in a repository of :func:`make_site_repo`, at ``date``."""
    subprocess.run(
        ["git", "commit", "-q", "-am", message],
        cwd=repo,
        env=_git_env(date, repo.parent),
        check=True,
        capture_output=True,
    )


def _git_env(date: str, home: Path) -> dict[str, str]:
    """A git environment of its own: a fixed author and date, no user configuration."""
    return {
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
    }


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]) -> Path:
    """What ``make(folder)`` builds in an empty ``folder``, built once per test run: under
    pytest-xdist its workers share it (the first makes it while holding a lock, the others wait
    and read it), else it is this session's own. Tests only read it."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base is a folder of the run's own (pytest-N/popen-gw0): its parent
    # is the run's, shared by the workers and by nothing else.
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = root / f"once-{name}", root / f"once-{name}.done"
    with (root / f"once-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(str(make(folder)), encoding="utf-8")
    return Path(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def site_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site repository (make_site_repo) for the whole run: tests only read it."""
    return built_once(tmp_path_factory, "site-repo", make_site_repo)


@pytest.fixture(scope="session")
def fixture_site(site_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture catalog's site, built once per run into site_repo/site (read it only)."""
    from generator.site.build import build_site

    def make(_: Path) -> Path:
        build_site(site_repo, site_repo / "site")
        return site_repo / "site"

    return built_once(tmp_path_factory, "fixture-site", make)


@pytest.fixture(scope="session")
def fixture_preview_site(site_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture catalog's preview site, built once per run into site_repo/preview."""
    from generator.site.build import build_site

    def make(_: Path) -> Path:
        build_site(site_repo, site_repo / "preview", preview=True)
        return site_repo / "preview"

    return built_once(tmp_path_factory, "fixture-preview", make)


# The package's sources as a wheel is built from them (test_wheel.py): generator/schemas and
# generator/examples are symbolic links to these.
WHEEL_SOURCES = ("generator", "schemas", "pyproject.toml", "README.md", "tests/cases/base/catalog")


def run_command(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """A command's exit code and output, as text; a non-zero exit is the caller's to assert on."""
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def install_wheel(root: Path) -> Path:
    """Build the package's wheel from a copy of its sources (``pip wheel``) and install it with
    ``--no-deps`` into a fresh venv under ``root`` whose only other packages are this venv's (a
    ``.pth`` line: nothing is downloaded for the install itself); that venv's bin/ folder."""
    source = root / "src"
    for name in WHEEL_SOURCES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name,
                source / name,
                symlinks=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
            )
        else:
            shutil.copy2(REPO / name, source / name)
    built = run_command(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", root / "dist", source, cwd=root
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("tthc_catalog-*.whl")
    fresh = root / "venv"
    venv.create(fresh, with_pip=False)
    purelib = Path(sysconfig.get_paths(vars={"base": str(fresh), "platbase": str(fresh)})["purelib"])
    # This venv's packages (the dependencies) after the fresh venv's own; its .pth files (the
    # editable install of the source tree among them) are not processed from there.
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = run_command(
        sys.executable,
        "-m",
        "pip",
        "--python",
        fresh / "bin" / "python",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    return fresh / "bin"


def installed_environment(installed: Path, home: Path) -> dict[str, str]:
    """The environment the installed commands run in: only the wheel's venv and the system on PATH."""
    return {
        "PATH": f"{installed}:/usr/bin:/bin",
        "HOME": str(home),
        "LC_ALL": "C.UTF-8",
        **{k: v for k, v in os.environ.items() if k.startswith("PLAYWRIGHT")},
    }


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv with the package's wheel installed (install_wheel), made once
    per run."""
    return built_once(tmp_path_factory, "wheel", install_wheel)


@pytest.fixture(scope="session")
def real_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own catalog (catalog/, the real one) built into a site once per run (read it
    only), by the command a user runs: ``catalog build`` of the installed wheel (installed_wheel),
    in the repository. test_wheel.py checks this build; the code is the source tree's."""
    catalog = REPO / "catalog"
    if not any((catalog / "procedures").glob("*/*.yaml")):
        pytest.skip(f"the real catalog is absent: no procedures in {catalog / 'procedures'}")
    installed: Path = request.getfixturevalue("installed_wheel")

    def make(folder: Path) -> Path:
        site = folder / "site"
        env = installed_environment(installed, folder)
        built = run_command(installed / "catalog", "build", "--out", site, cwd=REPO, env=env)
        assert built.returncode == 0, built.stdout + built.stderr
        return site

    return built_once(tmp_path_factory, "real-site", make)
