"""Hostile round 3 (the outside red team's second look at issue 15), cause 9: workflow commands in
the CI log.

The shield used to cover only lines that *start* with ``::`` or ``##[``. GitHub's runner also reads
the older ``##[command]`` form anywhere in a line (``ActionCommand.TryParse`` finds it with
``IndexOf``). With ``GITHUB_ACTIONS=true``, export's change-feed note printed ``note: … x
##[error title=Approved]ĐÃ ĐƯỢC PHÊ DUYỆT.yaml …`` as it was (a file added and removed in a pull
request's own history; build prints the same notes), ``catalog owners --check`` echoed
``github.org 'x ##[error]PWNED'``, and validate's text form printed such file names. Every line any
command prints in CI now goes through one shield, installed by the entry point before anything is
parsed or printed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from gitrepo import XA, commit, init, write

from generator import cli

NAME = "x ##[error title=Approved]ĐÃ ĐƯỢC PHÊ DUYỆT.yaml"
ORG = "x ##[error]PWNED"


def runner_commands(text: str) -> list[str]:
    """The lines of ``text`` GitHub's runner would read as workflow commands: it splits lines at
    ``\\r`` and ``\\n`` (``ReadLine``); a line is a command if, white space trimmed, it starts with
    ``::``, or if it holds ``##[`` anywhere (the legacy form)."""
    return [line for line in re.split(r"\r\n|\r|\n", text) if line.strip().startswith("::") or "##[" in line]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")


@pytest.fixture
def hostile_history(tmp_path: Path) -> Path:
    """A repository whose history holds, for one commit, an unreadable file named ``NAME`` (the
    change feed passes over it and says so, naming the file)."""
    repo = tmp_path / "repo"
    init(repo)
    text = (repo / XA).read_text(encoding="utf-8")
    write(
        repo,
        f"catalog/procedures/ubnd-cap-xa/{NAME}",
        text.replace("      value: 1\n", "      value: .nan\n"),
    )
    commit(repo, "Thêm")
    (repo / "catalog" / "procedures" / "ubnd-cap-xa" / NAME).unlink()
    commit(repo, "Bỏ")
    return repo


def test_runner_rule_helper() -> None:
    """The helper itself: what the runner reads, and what it does not."""
    assert runner_commands("a\n  ::error::x\nb ##[error]c\rd\r::warning::e") == [
        "  ::error::x",
        "b ##[error]c",
        "::warning::e",
    ]
    assert runner_commands("ok :: fine\n> ::error::x\nx ##\\[error]y") == []


def test_export_feed_note_names_the_file_inertly(
    hostile_history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", "--catalog", str(hostile_history), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert runner_commands(out + err) == [], out + err
    (note,) = err.splitlines()
    assert note.startswith(
        "note: the change feed passed over catalog/procedures/ubnd-cap-xa/x ##\\[error title=Approved]"
        "ĐÃ ĐƯỢC PHÊ DUYỆT.yaml at "
    ), note


def test_build_feed_note_names_the_file_inertly(
    hostile_history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("mkdocs.yml", "site_content", "site_overrides"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, hostile_history / name)
    code, out, err = run(capsys, "build", "--repo", str(hostile_history), "--out", str(tmp_path / "site"))
    assert code == 0, err
    assert runner_commands(out + err) == [], out + err
    assert [line.split(" at ")[0] for line in err.splitlines()] == [
        "note: the change feed passed over catalog/procedures/ubnd-cap-xa/x ##\\[error title=Approved]"
        "ĐÃ ĐƯỢC PHÊ DUYỆT.yaml"
    ]


def test_owners_check_echoes_the_org_inertly_with_its_place(
    base_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province = base_repo / "catalog" / "province.yaml"
    province.write_text(
        province.read_text(encoding="utf-8").replace("org: tthc-vinh-long", f'org: "{ORG}"'), encoding="utf-8"
    )
    code, out, err = run(capsys, "owners", "--check", "--repo", str(base_repo))
    assert code == 1
    assert runner_commands(out + err) == [], out + err
    assert (out, err) == (
        "",
        "catalog owners: catalog/province.yaml:30:8: /github/org: github.org 'x ##\\[error]PWNED' is not a "
        "GitHub organisation name (letters, digits and single hyphens, at most 39 characters) [pattern]\n",
    )


def test_validate_text_prints_file_names_inertly(base_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (base_repo / "catalog" / "procedures" / "ubnd-cap-xa" / "x ##[error]PWNED.yaml").write_text(
        "code: x\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "validate", str(base_repo), "--today", "2026-11-25")
    assert code == 1
    assert "catalog/procedures/ubnd-cap-xa/x ##\\[error]PWNED.yaml:1:1: " in out, out
    assert runner_commands(out + err) == [], out + err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--format", "##[error]PWNED"],  # argparse's own usage error, before any handler
        ["validate", "::error::PWNED"],  # a path that is not there
        ["export", "--catalog", "x ##[warning]PWNED", "--out", "out"],
    ],
    ids=["usage-error", "missing-path", "export-missing-catalog"],
)
def test_every_line_of_the_process_is_shielded(argv: list[str], tmp_path: Path) -> None:
    """The command as CI runs it (its own process): even what is printed before any command runs."""
    env = dict(os.environ, GITHUB_ACTIONS="true")
    done = subprocess.run(
        [sys.executable, "-m", "generator", *argv], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert "PWNED" in done.stderr
    assert runner_commands(done.stdout + done.stderr) == [], done.stderr
