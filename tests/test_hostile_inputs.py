"""Hostile round 2, causes 3, 4 and 7: links in the inputs, non-finite numbers in history, a
folder too deep to walk.

- Cause 3: git symlinks in ``site_content/`` (to ``/etc/passwd``, to ``../../.git/config``) were
  copied into the built site; a ``catalog`` that is a link to ``/etc`` made validate list outside
  files. Every link in catalog/, site_content/, site_overrides/, schemas/ is refused, located.
- Cause 4: once a ``.nan`` was in history, export and build failed for ever (the change feed
  replays history). The loader refuses non-finite numbers (tests/hostile/*_nan*.yaml, *_infinity*)
  and the feed passes over, and reports, the historic versions it cannot read.
- Cause 7: a 1,500-level deep folder in catalog/ was a RecursionError (exit 3); the build gave the
  wrong reason for it and ``catalog diff`` of the working tree still overflowed (one walk now).
- Cause 3, round 3: the schema store (``schemas/``, the tool's own) followed links and failed with a
  traceback on a file that is not JSON; validate, build and export refuse both, located.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO, make_site_repo
from gitrepo import XA, commit, edit, init, write

from generator import cli, schemastore

TODAY = "2026-11-25"
ONLINE = "  - channel: online\n    processing_time:\n      value: "


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site_repo(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def site_repo(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(pristine, copy, symlinks=True)
    return copy


# ---- cause 3: symbolic links in the inputs ----------------------------------------------------------

LINKS = {
    # name: (the link, relative to the repository; what it points to)
    "site-content-etc-passwd": ("site_content/assets/passwd.txt", "/etc/passwd"),
    "site-content-git-config": ("site_content/assets/config.txt", "../../.git/config"),
    "site-content-folder": ("site_content/ngoai", "/etc"),
    "site-content-page": ("site_content/bi-mat.md", "/etc/hostname"),
    "site-overrides-partial": ("site_overrides/main.html", "/etc/passwd"),
    "site-overrides-folder": ("site_overrides/partials", "/etc"),
    "schemas-file": ("schemas/procedure.schema.json", "/etc/passwd"),
    "mkdocs-yml": ("mkdocs.yml", "/etc/passwd"),
}


def plant_link(repo: Path, name: str) -> str:
    """Put the link ``LINKS[name]`` in the repository, in place of the file there if any; its path."""
    link, pointee = LINKS[name]
    path = repo / link
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file():
        path.unlink()
    path.symlink_to(pointee)
    return link


@pytest.mark.parametrize("name", sorted(LINKS))
def test_symlink_in_the_build_inputs_is_refused(
    name: str, site_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = plant_link(site_repo, name)
    code, out, err = run(capsys, "build", "--repo", str(site_repo), "--out", str(site_repo / "site"))
    assert code == 1, (out, err)
    assert out.splitlines()[0].startswith(f"{link}: /: ") and out.splitlines()[0].endswith("[file-symlink]")
    assert out.splitlines()[1] == "1 problem in 1 file"
    assert err == "catalog build: not built, the inputs hold symbolic links\n"
    assert not (site_repo / "site").exists()


def test_symlink_in_the_inputs_refused_by_build_site_itself(site_repo: Path) -> None:
    from generator.site.build import BuildError, build_site

    (site_repo / "site_content" / "assets" / "passwd.txt").symlink_to("/etc/passwd")
    with pytest.raises(
        BuildError, match=r"site_content/assets/passwd.txt: /: symbolic links are not allowed"
    ):
        build_site(site_repo, site_repo / "site")
    assert not (site_repo / "site").exists()


@pytest.mark.parametrize("pointee", ["/etc", "outside"])
def test_catalog_folder_that_is_a_symlink(
    pointee: str, base_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    shutil.move(base_repo / "catalog", outside)
    (base_repo / "catalog").symlink_to(outside if pointee == "outside" else Path(pointee))
    code, out, err = run(capsys, "validate", str(base_repo), "--today", TODAY)
    assert (code, err) == (1, "")
    assert out == (
        "catalog: /: the catalog/ folder is a symbolic link; commit the folder itself [file-symlink]\n"
        "1 problem in 1 file\n"
    )


# ---- cause 7: a folder too deep to walk --------------------------------------------------------------


@contextmanager
def fifteen_hundred_levels(repo: Path) -> Iterator[None]:
    """catalog/procedures/d/d/…/d (1,500 levels) holding a procedure file, removed afterwards."""
    deepest = repo / "catalog" / "procedures"
    for _ in range(1500):
        deepest = deepest / "d"
        deepest.mkdir()
    (deepest / "1.001194.yaml").write_text("code: '1.001194'\n", encoding="utf-8")
    try:
        yield
    finally:
        (deepest / "1.001194.yaml").unlink()
        while deepest != repo / "catalog" / "procedures":  # rmtree would recurse 1,500 levels too
            deepest.rmdir()
            deepest = deepest.parent


DEEP = (
    "catalog/procedures"
    + "/d" * 31
    + ": /: folders nest deeper than 32 levels here; nothing belongs this deep [unexpected-file]"
)


def test_fifteen_hundred_levels_of_folders(base_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fifteen_hundred_levels(base_repo):
        code, out, err = run(capsys, "validate", str(base_repo), "--today", TODAY)
    assert (code, err) == (1, ""), err
    assert out == DEEP + "\n1 problem in 1 file\n"


def test_fifteen_hundred_levels_build_gives_the_depth_reason(
    site_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fifteen_hundred_levels(site_repo):
        code, out, err = run(capsys, "build", "--repo", str(site_repo), "--out", str(site_repo / "site"))
    assert (code, out) == (1, DEEP + "\n1 problem in 1 file\n")
    assert err == "catalog build: not built, folders in the inputs nest deeper than 32 levels\n"
    assert not (site_repo / "site").exists()


def test_fifteen_hundred_levels_in_the_working_tree_of_a_diff(
    site_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fifteen_hundred_levels(site_repo):
        code, out, err = run(capsys, "diff", "HEAD", "--repo", str(site_repo), "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["problems"] == [
        {
            "file": "catalog/procedures" + "/d" * 31,
            "line": 0,
            "col": 0,
            "pointer": "",
            "code": "unexpected-file",
            "message": "folders nest deeper than 32 levels here; nothing belongs this deep",
        }
    ]


# ---- cause 3, round 3: the schema store ---------------------------------------------------------------

SCHEMA_LINK = "schemas/x.schema.json: /: symbolic links are not allowed in schemas/; commit the file itself [file-symlink]"
SCHEMA_CASES: dict[str, tuple[str, str | bytes | None, str]] = {
    # name: (the file in schemas/; its content, or None for a link to what the test names; the diagnostic)
    "link-to-etc-passwd": ("x.schema.json", None, SCHEMA_LINK),
    "link-to-json-outside": ("x.schema.json", None, SCHEMA_LINK),
    "link-replacing-a-schema": (
        "procedure.schema.json",
        None,
        SCHEMA_LINK.replace("x.schema.json", "procedure.schema.json"),
    ),
    "not-json": (
        "x.schema.json",
        "# ghi chú\n",
        "schemas/x.schema.json:1:1: /: not valid JSON: Expecting value [schema-json]",
    ),
    "trailing-comma": (
        "export/x.schema.json",
        '{\n  "type": "object",\n}\n',
        "schemas/export/x.schema.json:3:1: /: not valid JSON: Expecting property name enclosed in double "
        "quotes [schema-json]",
    ),
    "huge-integer": (
        "x.schema.json",
        '{"maximum": 1' + "0" * 5000 + "}",
        "schemas/x.schema.json: /: not usable JSON: Exceeds the limit (4300 digits) for integer string "
        "conversion: value has 5001 digits; use sys.set_int_max_str_digits() to increase the limit [schema-json]",
    ),
    "not-an-object": (
        "x.schema.json",
        "[]",
        "schemas/x.schema.json:1:1: /: a schema is a JSON object ({…}), not a list [schema-json]",
    ),
    "not-utf8": (
        "x.schema.json",
        b'{"title": "\xff"}',
        "schemas/x.schema.json: /: the schema is not UTF-8 text (byte 12) [file-encoding]",
    ),
}


@pytest.fixture
def tool_schemas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The schema store read from a copy of schemas/ the test may spoil (as a clone's own schemas/
    is the store of its editable install)."""
    cli.build_parser()  # the commands' modules imported first, as in any run of the full file:
    # what importing them does with spoiled schemas is test_spoiled_schemas_of_the_running_package…
    folder = tmp_path / "tool" / "schemas"
    shutil.copytree(REPO / "schemas", folder)
    monkeypatch.setattr(schemastore, "directory", lambda: folder)

    def forget() -> None:
        for cached in (schemastore.catalog_schemas, schemastore.export_schemas, schemastore.every_schema):
            cached.cache_clear()

    forget()
    yield folder
    forget()


def spoil(folder: Path, name: str) -> str:
    file, content, diagnostic = SCHEMA_CASES[name]
    path = folder / file
    if content is None:
        path.unlink(missing_ok=True)
        outside = folder.parent.parent / "outside.schema.json"
        outside.write_text(
            json.dumps({"$id": schemastore.CATALOG_BASE + file, "type": "object"}), encoding="utf-8"
        )
        path.symlink_to("/etc/passwd" if name == "link-to-etc-passwd" else outside)
    else:
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)  # type: ignore[operator]
    return diagnostic


@pytest.mark.parametrize("name", sorted(SCHEMA_CASES))
def test_schema_store_refuses_links_and_files_that_are_not_json(
    name: str,
    tool_schemas: Path,
    base_repo: Path,
    site_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    diagnostic = spoil(tool_schemas, name)
    code, out, err = run(capsys, "validate", str(base_repo), "--today", TODAY)
    assert (code, out, err) == (1, diagnostic + "\n1 problem in 1 file\n", "")
    code, out, err = run(capsys, "export", "--catalog", str(base_repo), "--out", str(tmp_path / "o"))
    assert (code, out, err) == (
        1,
        diagnostic + "\n1 problem in 1 file\n",
        "nothing exported: fix the problems above first\n",
    )
    assert not (tmp_path / "o").exists()  # nothing published, least of all a linked file
    code, out, err = run(capsys, "build", "--repo", str(site_repo), "--out", str(site_repo / "site"))
    reason = (
        "the inputs hold symbolic links" if "[file-symlink]" in diagnostic else "fix the problems above first"
    )
    assert (code, out, err) == (
        1,
        diagnostic + "\n1 problem in 1 file\n",
        f"catalog build: not built, {reason}\n",
    )
    assert not (site_repo / "site").exists()
    # a command that reads the store itself, without validating first (errors.run)
    assert run(capsys, "reference", "--check") == (
        1,
        "",
        f"{diagnostic}\ncatalog: the schemas cannot be used: fix the problems above first\n",
    )


@pytest.mark.parametrize("name", sorted(n for n in LINKS if n.startswith(("site-", "mkdocs"))))
def test_validate_reports_the_site_inputs_links_as_build_does(
    name: str, site_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plant_link(site_repo, name)
    _, built, _ = run(capsys, "build", "--repo", str(site_repo), "--out", str(site_repo / "site"))
    code, out, err = run(capsys, "validate", str(site_repo), "--today", TODAY)
    assert (code, out, err) == (1, built, "")
    assert out.endswith(" [file-symlink]\n1 problem in 1 file\n")


# ---- cause 4: non-finite numbers in history -----------------------------------------------------------


@pytest.fixture
def nan_history(tmp_path: Path) -> Path:
    """A catalog whose history holds a .nan (in a procedure that was valid) and an .inf (in a file
    that was never valid), each fixed by the next commit."""
    repo = tmp_path / "repo"
    init(repo)
    edit(repo, XA, ONLINE + "1\n", ONLINE + ".nan\n")
    commit(repo, "Thời hạn chưa rõ")
    edit(repo, XA, ONLINE + ".nan\n", ONLINE + "1\n")
    commit(repo, "Sửa thời hạn")
    text = (repo / XA).read_text(encoding="utf-8").replace('"1.001193"', '"1.001194"', 1)
    write(
        repo,
        "catalog/procedures/ubnd-cap-xa/1.001194.yaml",
        text.replace("      value: 1\n", "      value: .inf\n", 1).replace("status: active\n", ""),
    )
    commit(repo, "Thêm thủ tục (chưa đủ)")
    (repo / "catalog/procedures/ubnd-cap-xa/1.001194.yaml").unlink()
    commit(repo, "Bỏ thủ tục chưa đủ")
    return repo


def test_feed_passes_over_unreadable_history_and_says_so(
    nan_history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "export", "--catalog", str(nan_history), "--out", str(out))
    assert code == 0, err
    notes = err.splitlines()
    assert len(notes) == 2, err
    assert notes[0].startswith(
        "note: the change feed passed over catalog/procedures/ubnd-cap-xa/1.001193.yaml at "
    )
    assert notes[0].endswith(
        "/channels/0/processing_time/value: .nan is not a number that can be published (YAML "
        "reads it as not-a-number); write the number itself, for example 3, or leave the field "
        "out if it is not known [number-not-finite]"
    )
    assert notes[1].startswith(
        "note: the change feed passed over catalog/procedures/ubnd-cap-xa/1.001194.yaml at "
    )
    assert "[number-not-finite]" in notes[1]
    assert stdout.startswith("ok: exports of 2 procedures written to ")
    changes = (out / "api" / "v1" / "changes.json").read_text(encoding="utf-8")
    assert "NaN" not in changes and "Infinity" not in changes


def test_build_publishes_despite_unreadable_history(
    nan_history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("mkdocs.yml", "site_content", "site_overrides"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, nan_history / name)
    code, _, err = run(capsys, "build", "--repo", str(nan_history), "--out", str(tmp_path / "site"))
    assert code == 0, err
    assert [line.split(" at ")[0] for line in err.splitlines()] == [
        "note: the change feed passed over catalog/procedures/ubnd-cap-xa/1.001193.yaml",
        "note: the change feed passed over catalog/procedures/ubnd-cap-xa/1.001194.yaml",
    ]
    assert (tmp_path / "site" / "api" / "v1" / "changes.json").is_file()


def test_nan_in_the_working_tree_is_refused_by_diff_export_and_build(
    nan_history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(nan_history, XA, ONLINE + "1\n", ONLINE + ".nan\n")
    code, stdout, err = run(capsys, "export", "--catalog", str(nan_history), "--out", str(tmp_path / "o"))
    assert code == 1 and "[number-not-finite]" in stdout and "internal error" not in err
    code, stdout, err = run(capsys, "diff", "HEAD", "--repo", str(nan_history), "--format", "json")
    assert code == 0 and "internal error" not in err and '"number-not-finite"' in stdout


@pytest.mark.parametrize("name", ["not-json", "link-to-etc-passwd"])
def test_spoiled_schemas_of_the_running_package_are_one_located_problem(
    name: str, base_repo: Path, tmp_path: Path
) -> None:
    """In a clone, schemas/ is the store of its editable install, and the labels are read from it
    while the command's modules are imported, before any command's own error handling: run the
    command as a process from a copy of the package whose schemas/ is spoiled."""
    package = tmp_path / "package"
    shutil.copytree(
        REPO / "generator", package / "generator", symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO / "schemas", package / "schemas")
    shutil.copytree(
        REPO / "tests" / "cases" / "base" / "catalog", package / "tests" / "cases" / "base" / "catalog"
    )
    diagnostic = spoil(package / "schemas", name)
    for command in (["validate", str(base_repo)], ["reference", "--check"], ["owners", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "generator", *command],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(package)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stdout, done.stderr) == (
            1,
            "",
            f"{diagnostic}\ncatalog: the schemas cannot be used: fix the problems above first\n",
        ), command
