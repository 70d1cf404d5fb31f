"""The package as a user installs it: a wheel, in a fresh virtual environment, without the source tree.

The wheel is built from a copy of the package's sources (``pip wheel``), installed with ``--no-deps``
into a new venv whose only other packages are this venv's (a ``.pth`` line: nothing is downloaded
for the install itself): conftest.install_wheel, once per run. Then ``catalog validate``, ``catalog
build`` and ``catalog reference --check`` run on the repository's catalog. They must find their
schemas, templates, synonyms and examples inside the installed package. The build is the run's one
build of the real catalog (conftest.real_site), which the real-site tests read too.
"""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, installed_environment, run_command


def test_the_wheel_holds_the_package_data(installed_wheel: Path) -> None:
    found = run_command(
        installed_wheel / "python",
        "-c",
        "import generator, importlib.resources as r; print(generator.__file__); "
        "print(sorted(p.name for p in (r.files('generator') / 'schemas').iterdir()))",
        cwd=installed_wheel,
    )
    assert found.returncode == 0, found.stderr
    where, schemas = found.stdout.splitlines()
    assert Path(where).is_relative_to(installed_wheel.parent), where  # the wheel's copy, not the source tree
    assert "procedure.schema.json" in schemas and "export" in schemas


def test_installed_commands_work_on_the_repository_catalog(
    installed_wheel: Path, real_site: Path, tmp_path: Path
) -> None:
    env = installed_environment(installed_wheel, tmp_path)
    checked = run_command(installed_wheel / "catalog", "validate", cwd=REPO, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("ok: ") and checked.stderr == ""
    reference = run_command(
        installed_wheel / "catalog",
        "reference",
        "--out",
        "docs/catalog-fields.md",
        "--check",
        cwd=REPO,
        env=env,
    )
    assert (reference.returncode, reference.stdout) == (0, "docs/catalog-fields.md is up to date\n"), (
        reference.stderr
    )
    # `catalog build --out <folder>/site` of the installed wheel in the repository, exit 0 (asserted
    # where conftest.real_site runs it, with its output)
    site = real_site
    assert len(list(site.glob("thu-tuc/*/index.html"))) > 1000
    assert (site / "api" / "v1" / "procedures.json").is_file()
    assert (site / "schemas" / "catalog" / "procedure.schema.json").is_file()
