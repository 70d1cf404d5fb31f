"""Hostile round 2, causes 1 and 2: where the tool writes, and two writers at once.

Each test reproduces an attack or fault of issue 15 through the command line (``catalog build``,
``catalog export``, ``catalog owners``, ``catalog reference``) and checks what is left on disk.
Before the output-folder rule, ``catalog build --out .`` deleted the repository, ``.git``
included; ``--out /dev/null`` replaced the device; a second build deleted the first one's staging
folder; export's swap could lose the live copy.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO, deleted_in_background, make_site_repo

from generator import cli

SCHEMAS = ("schemas/export", "schemas")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with the site sources, the fixture catalog and the tool's schemas/."""
    repo = make_site_repo(tmp_path_factory.mktemp("pristine"))
    shutil.copytree(REPO / "schemas", repo / "schemas")
    (repo / "notes.txt").write_text("ghi chú\n", encoding="utf-8")
    return repo


@pytest.fixture
def repo(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "clone" / "repo"
    shutil.copytree(pristine, copy, symlinks=True)
    monkeypatch.chdir(copy)
    return copy


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every path under ``folder`` with its bytes (files) or its kind (folders, links)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = "link:" + str(path.readlink())
        elif path.is_dir():
            found[key] = "dir"
        else:
            found[key] = path.read_bytes()
    return found


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---- cause 1: the output folder is checked --------------------------------------------------------

REFUSED_FOLDERS = {
    # name: (--out, words the one-line message must hold)
    "repository": (".", "is the repository"),
    "catalog": ("catalog", "is inside catalog/"),
    "catalog-subfolder": ("catalog/procedures", "is inside catalog/"),
    "parent": ("..", "holds the repository"),
    "root": ("/", "holds the repository"),
    "git": (".git", "is inside .git/"),
    "git-hooks": (".git/hooks", "is inside .git/"),
    "site-content": ("site_content", "is inside site_content/"),
    "site-overrides": ("site_overrides", "is inside site_overrides/"),
    "schemas": ("schemas", "is inside schemas/"),
    "file": ("notes.txt", "is a file, not a folder"),
    "device": ("/dev/null", "is a device, not a folder"),
}


@pytest.mark.parametrize("command", ["build", "export"])
@pytest.mark.parametrize("name", sorted(REFUSED_FOLDERS))
def test_refused_output_folder(
    name: str, command: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, words = REFUSED_FOLDERS[name]
    before = tree(repo)
    null = Path("/dev/null").stat()
    code, stdout, err = run(capsys, command, "--out", out)
    assert code == 2, (stdout, err)
    assert words in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"catalog {command}: error: "), err  # the one convention (round 3)
    assert tree(repo) == before
    now = Path("/dev/null").stat()
    assert stat.S_ISCHR(now.st_mode) and now.st_rdev == null.st_rdev
    assert not list(repo.glob(".*.old")) and not list(repo.parent.glob(".*.old"))


def test_export_into_the_repository_keeps_the_tracked_schemas(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas = {part: tree(repo / part) for part in SCHEMAS}
    assert all(schemas.values())
    code, _, err = run(capsys, "export", "--out", ".")
    assert code == 2 and "is the repository" in err
    assert {part: tree(repo / part) for part in SCHEMAS} == schemas


@pytest.mark.parametrize("command", ["build", "export"])
def test_committed_site_symlink_is_not_followed(
    command: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `site` symlink (not matched by `/site/` in .gitignore) pointing at a folder to wipe."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me", encoding="utf-8")
    (victim / ".catalog-output").write_text("planted", encoding="utf-8")  # even with a planted marker
    (repo / "site").symlink_to(victim)
    code, _, err = run(capsys, command, "--out", "site")
    assert code == 2 and "is a symbolic link" in err
    assert (victim / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in victim.iterdir()) == [".catalog-output", "precious.txt"]


@pytest.mark.parametrize("command", ["build", "export"])
def test_existing_folder_the_tool_did_not_make(
    command: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = repo / "tai-lieu"
    mine.mkdir()
    (mine / "bao-cao.docx").write_bytes(b"PK\x03\x04")
    code, _, err = run(capsys, command, "--out", "tai-lieu")
    assert code == 2 and "was not made by the catalog tool" in err
    assert tree(mine) == {"bao-cao.docx": b"PK\x03\x04"}


@pytest.mark.parametrize(("command", "option"), [("owners", "--output"), ("reference", "--out")])
@pytest.mark.parametrize("target", ["link", "catalog", "folder", "device"])
def test_refused_output_file(
    command: str, option: str, target: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    path = {
        "link": repo / "docs-link.md",
        "catalog": repo / "catalog" / "sectors.yaml",
        "folder": repo / "catalog",
        "device": Path("/dev/null"),
    }[target]
    if target == "link":
        path.symlink_to(victim)
    before = tree(repo)
    code, _, err = run(capsys, command, option, str(path))
    assert code == 2 and err.count("\n") == 1, err
    assert tree(repo) == before and victim.read_text(encoding="utf-8") == "keep me"


# Round 3: the repository's other inputs. `reference --out mkdocs.yml` and `owners --output
# .github/workflows/pr.yml` replaced them with exit 0.
REFUSED_INPUT_FILES = {
    # name: (command, option, path, words of the one-line message)
    "reference-mkdocs-yml": ("reference", "--out", "mkdocs.yml", "is mkdocs.yml of the repository"),
    "owners-mkdocs-yml": ("owners", "--output", "mkdocs.yml", "is mkdocs.yml of the repository"),
    "owners-workflow": ("owners", "--output", ".github/workflows/pr.yml", "is inside .github/ of the"),
    "reference-workflow": ("reference", "--out", ".github/workflows/new.yml", "is inside .github/ of the"),
    "reference-codeowners": ("reference", "--out", ".github/CODEOWNERS", "is inside .github/ of the"),
}


@pytest.mark.parametrize("name", sorted(REFUSED_INPUT_FILES))
def test_refused_input_file(name: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command, option, path, words = REFUSED_INPUT_FILES[name]
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".github" / "workflows" / "pr.yml").write_text("on: pull_request\n", encoding="utf-8")
    (repo / ".github" / "CODEOWNERS").write_text("* @tthc-vinh-long/tinh\n", encoding="utf-8")
    before = tree(repo)
    code, out, err = run(capsys, command, option, path)
    assert (code, out) == (2, ""), err
    assert err.startswith(f"catalog {command}: error: {repo / path} ") and words in err, err
    assert err.count("\n") == 1, err
    assert tree(repo) == before


def test_documented_single_file_outputs_still_work(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What README and docs/ say these commands write: .github/CODEOWNERS (the default and given
    explicitly) and docs/catalog-fields.md."""
    code, out, err = run(capsys, "owners")
    assert (code, out) == (0, "wrote .github/CODEOWNERS\n"), err
    (repo / ".github" / "CODEOWNERS").unlink()
    code, out, err = run(capsys, "owners", "--output", ".github/CODEOWNERS")
    assert (code, out) == (0, "wrote .github/CODEOWNERS\n"), err
    (repo / "docs").mkdir(exist_ok=True)
    code, out, err = run(capsys, "reference", "--out", "docs/catalog-fields.md")
    assert (code, out, err) == (0, "wrote docs/catalog-fields.md\n", "")
    assert (repo / "docs" / "catalog-fields.md").read_text(encoding="utf-8").startswith("#")


# ---- cause 2: one writer per output, a swap that keeps the live copy -------------------------------


@contextmanager
def another_build_writing(out: Path) -> Iterator[Path]:
    """What a first build holds while it writes: the output's lock and its staging folder."""
    staging = out.parent / f".{out.name}.new-first"
    staging.mkdir()
    (staging / "index.html").write_text("first build, half written", encoding="utf-8")
    fd = os.open(out.parent / f".{out.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield staging
    finally:
        os.close(fd)


@pytest.mark.parametrize("command", ["build", "export"])
def test_second_writer_is_refused_and_leaves_the_first_alone(
    command: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = repo / "site"
    with another_build_writing(out) as staging:
        code, _, err = run(capsys, command, "--out", "site")
        assert (staging / "index.html").read_text(encoding="utf-8") == "first build, half written"
    prefix = f"catalog {command}"
    assert (code, err) == (1, f"{prefix}: another build is writing {out}; wait for it to finish\n")
    assert not out.exists()


def watch_renames(monkeypatch: pytest.MonkeyPatch, live: list[Path]) -> list[str]:
    """Record every moment a rename leaves one of the ``live`` paths missing."""
    gaps: list[str] = []
    original = Path.rename

    def rename(self: Path, target: str | Path) -> Path:
        result = original(self, target)
        gaps.extend(f"{p} missing after renaming {self} to {target}" for p in live if not p.exists())
        return result

    monkeypatch.setattr(Path, "rename", rename)
    return gaps


def test_build_swap_never_leaves_the_site_missing(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "build", "--out", "site")[0] == 0
    assert (repo / "site" / ".catalog-output").is_file()
    gaps = watch_renames(monkeypatch, [repo / "site", repo / "site" / "index.html"])
    assert run(capsys, "build", "--out", "site")[0] == 0
    assert gaps == []
    assert deleted_in_background(repo / "site")  # the previous site, renamed away after the swap
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith(".site")) == []


def test_export_swap_never_leaves_a_part_missing(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = repo / "open-data"
    assert run(capsys, "export", "--out", str(out))[0] == 0
    parts = [
        out / "api" / "v1",
        out / "api" / "openapi.json",
        out / "schemas" / "export",
        out / "schemas" / "catalog",
    ]
    gaps = watch_renames(monkeypatch, parts)
    assert run(capsys, "export", "--out", str(out))[0] == 0
    assert gaps == []


def test_export_killed_mid_swap_is_put_back(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The state an export killed between two renames leaves (where the system cannot exchange):
    the live part held only in the staging folder's trash. The next export must put it back, not
    delete it with the stale staging folder."""
    out = repo / "open-data"
    assert run(capsys, "export", "--out", str(out))[0] == 0
    held = out / ".export-killed" / ".old" / "api"
    held.mkdir(parents=True)
    (out / "api" / "v1").rename(held / "v1")
    import generator.export.export as export

    def broken(*args: object, **kwargs: object) -> Iterator[tuple[str, bytes]]:
        raise OSError(28, "No space left on device")
        yield  # a generator, as export_files is

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export, "export_files", broken)
        code, _, err = run(capsys, "export", "--out", str(out))
    assert code == 2 and "No space left on device" in err
    assert (out / "api" / "v1" / "procedures.json").is_file()
    assert not (out / ".export-killed").exists()


# ---- cause 7: an output that cannot be written is a one-line message -------------------------------


@pytest.mark.parametrize("command", ["build", "export"])
def test_unwritable_output_is_one_line(command: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """/sys refuses new files even to root: the case of a read-only file system."""
    code, _, err = run(capsys, command, "--out", "/sys/catalog-site")
    assert code in (1, 2) and err.count("\n") == 1 and "internal error" not in err, err
    assert "Permission denied" in err or "Read-only" in err


def test_owners_output_in_proc_is_one_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "owners", "--output", "/proc/1/x")
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err, err
    assert err.startswith("catalog owners: error: cannot write to /proc/1/x")
