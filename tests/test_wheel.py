"""The package as a user installs it: a wheel, in a fresh virtual environment, without the source tree.

The wheel is built from a copy of the package's sources (``pip wheel``), installed with ``--no-deps``
into a new venv whose only other packages are this venv's (a ``.pth`` line: nothing is downloaded
for the install itself), and then ``catalog validate``, ``catalog build`` and ``catalog reference
--check`` run on the repository's catalog. They must find their schemas, templates, synonyms and
examples inside the installed package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("generator", "schemas", "pyproject.toml", "README.md", "tests/cases/base/catalog")


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
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


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; its bin/ folder."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "src"
    for name in SOURCES:
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
    built = run(
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
    done = run(
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


def test_the_wheel_holds_the_package_data(installed: Path) -> None:
    found = run(
        installed / "python",
        "-c",
        "import generator, importlib.resources as r; print(generator.__file__); "
        "print(sorted(p.name for p in (r.files('generator') / 'schemas').iterdir()))",
        cwd=installed,
    )
    assert found.returncode == 0, found.stderr
    where, schemas = found.stdout.splitlines()
    assert Path(where).is_relative_to(installed.parent), where  # the wheel's copy, not the source tree
    assert "procedure.schema.json" in schemas and "export" in schemas


def test_installed_commands_work_on_the_repository_catalog(installed: Path, tmp_path: Path) -> None:
    env = {
        "PATH": f"{installed}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LC_ALL": "C.UTF-8",
        **{k: v for k, v in os.environ.items() if k.startswith("PLAYWRIGHT")},
    }
    checked = run(installed / "catalog", "validate", cwd=REPO, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("ok: ") and checked.stderr == ""
    reference = run(
        installed / "catalog", "reference", "--out", "docs/catalog-fields.md", "--check", cwd=REPO, env=env
    )
    assert (reference.returncode, reference.stdout) == (0, "docs/catalog-fields.md is up to date\n"), (
        reference.stderr
    )
    site = tmp_path / "site"
    built = run(installed / "catalog", "build", "--out", site, cwd=REPO, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert len(list(site.glob("thu-tuc/*/index.html"))) > 1000
    assert (site / "api" / "v1" / "procedures.json").is_file()
    assert (site / "schemas" / "catalog" / "procedure.schema.json").is_file()
