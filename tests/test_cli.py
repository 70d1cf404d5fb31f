"""The catalog command as a user runs it: exit codes, output formats, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def catalog(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def break_fee(repo: Path) -> Path:
    path = repo / "catalog" / "procedures" / "so-tu-phap" / "1.013818.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("amount: 3500000", "amount: -5"), encoding="utf-8"
    )
    return path


def test_clean_catalog_exits_0(base_repo: Path) -> None:
    result = catalog("validate", "--today", "2026-11-25", cwd=base_repo)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ok: 10 files, no problems\n", "")


def test_problem_is_reported_compiler_style_and_exits_1(base_repo: Path) -> None:
    break_fee(base_repo)
    result = catalog("validate", "--today", "2026-11-25", cwd=base_repo)
    assert result.returncode == 1
    assert result.stdout == (
        "catalog/procedures/so-tu-phap/1.013818.yaml:20:17: /channels/0/fees/0/amount: "
        "-5 is less than the minimum of 0 [minimum]\n"
        "1 problem in 1 file\n"
    )
    assert result.stderr == ""


def test_json_format_has_the_same_diagnostics(base_repo: Path) -> None:
    break_fee(base_repo)
    result = catalog("validate", "--format", "json", "--today", "2026-11-25", cwd=base_repo)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload == {
        "ok": False,
        "files_checked": 10,
        "problem_count": 1,
        "diagnostics": [
            {
                "file": "catalog/procedures/so-tu-phap/1.013818.yaml",
                "line": 20,
                "col": 17,
                "pointer": "/channels/0/fees/0/amount",
                "code": "minimum",
                "message": "-5 is less than the minimum of 0",
            }
        ],
    }


def test_path_arguments(base_repo: Path, tmp_path: Path) -> None:
    broken = break_fee(base_repo)
    # The catalog folder itself, and the repository from elsewhere, find the same problem.
    for target in (base_repo / "catalog", base_repo):
        assert catalog("validate", str(target), cwd=tmp_path.parent).returncode == 1
    # Given files, only their problems are shown (as pre-commit does).
    other = base_repo / "catalog" / "procedures" / "ubnd-cap-xa" / "1.001193.yaml"
    assert catalog("validate", str(other), "--today", "2026-11-25", cwd=base_repo).returncode == 0
    assert catalog("validate", str(broken), cwd=base_repo).returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate", "no-such-dir"), "catalog validate: error: no such file or folder: no-such-dir\n"),
        (("validate", "--today", "yesterday"), None),
        (("validate", "--format", "xml"), None),
        (("frobnicate",), None),
    ],
)
def test_usage_errors_exit_2(base_repo: Path, args: tuple[str, ...], message: str | None) -> None:
    result = catalog(*args, cwd=base_repo)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    if message is not None:
        assert result.stderr == message
    else:
        assert result.stderr.startswith("usage: catalog")


def test_no_catalog_is_a_usage_error(tmp_path: Path) -> None:
    result = catalog("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"catalog validate: error: no catalog/ folder at or above {tmp_path.resolve()}\n"


def test_no_command_prints_help_and_exits_2(tmp_path: Path) -> None:
    result = catalog(cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: catalog" in result.stderr


@pytest.mark.parametrize("command", ["validate", "import", "import dvcqg", "import xlsx"])
def test_every_command_has_help(command: str, tmp_path: Path) -> None:
    result = catalog(*command.split(), "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: catalog")


def test_field_reference_is_up_to_date() -> None:
    result = catalog("reference", "--out", "docs/catalog-fields.md", "--check", cwd=REPO)
    assert (result.returncode, result.stdout) == (0, "docs/catalog-fields.md is up to date\n")


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("build", "--out", "{blocker}/site"), "catalog build"),
        (("export", "--out", "{blocker}/api"), "catalog export"),
        (("reference", "--out", "{blocker}/reference.md"), "catalog reference"),
        (("owners", "--output", "{blocker}/CODEOWNERS"), "catalog owners"),
    ],
    ids=["build", "export", "reference", "owners"],
)
def test_unwritable_output_is_exit_2_with_a_clear_message(
    tmp_path: Path, args: tuple[str, ...], command: str
) -> None:
    """Every command that writes says which output it cannot write and exits 2 (not 3, "a bug")."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("catalog", "site_content", "site_overrides"):
        shutil.copytree((REPO / "tests/cases/base" / name) if name == "catalog" else REPO / name, repo / name)
    shutil.copy2(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    argv = [a.format(blocker=blocker) for a in args]
    result = catalog(*argv, cwd=repo)
    target = Path(argv[-1])
    assert result.returncode == 2, result.stderr
    *_, last = result.stderr.splitlines()
    assert last.startswith(f"{command}: error: cannot write to {target}: "), result.stderr
    assert last.rsplit(": ", 1)[1] in ("Not a directory", "File exists"), result.stderr  # the OS's reason
    assert "Traceback" not in result.stderr
