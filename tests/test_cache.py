"""The validation cache (generator.validation.cache): reused only while the file, its schema and the checking
code are unchanged; a corrupted, stale or forged cache is detected and rebuilt, never trusted."""

from __future__ import annotations

import hashlib
import hmac
import marshal
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import BASE_CATALOG, REPO, TESTS

from generator.validation import cache, validate
from generator.validation.validate import Result, validate_catalog

PROCEDURE = "catalog/procedures/so-tu-phap/1.013818.yaml"


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test with its own machine key and fresh version caches."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CATALOG_CACHE", raising=False)
    cache.kind_version.cache_clear()
    cache._code_version.cache_clear()
    yield
    cache.kind_version.cache_clear()
    cache._code_version.cache_clear()


def files_of(catalog: Path) -> list[str]:
    return sorted(p.relative_to(catalog.parent).as_posix() for p in catalog.rglob("*.yaml"))


def same(a: Result, b: Result) -> None:
    """The same diagnostics (positions included) and the same data for every entity."""
    assert a.diagnostics == b.diagnostics
    assert a.files_checked == b.files_checked
    assert {c: r.data for c, r in a.catalog.procedures.items()} == {
        c: r.data for c, r in b.catalog.procedures.items()
    }
    assert {c: r.data for c, r in a.catalog.agencies.items()} == {
        c: r.data for c, r in b.catalog.agencies.items()
    }


def test_warm_run_reuses_every_file_and_finds_the_same(base_repo: Path) -> None:
    catalog = base_repo / "catalog"
    cold = validate_catalog(catalog, cache=True)
    assert sorted(cold.rechecked) == files_of(catalog)
    assert (base_repo / ".catalog-cache" / "validate.sqlite").is_file()
    warm = validate_catalog(catalog, cache=True)
    assert warm.rechecked == []
    same(warm, cold)
    same(warm, validate_catalog(catalog))


def test_an_edited_file_alone_is_checked_again(base_repo: Path) -> None:
    catalog = base_repo / "catalog"
    validate_catalog(catalog, cache=True)
    path = base_repo / PROCEDURE
    path.write_text(
        path.read_text(encoding="utf-8").replace("amount: 3500000", "amount: 1750000"), encoding="utf-8"
    )
    warm = validate_catalog(catalog, cache=True)
    assert warm.rechecked == [PROCEDURE]
    same(warm, validate_catalog(catalog))
    assert validate_catalog(catalog, cache=True).rechecked == []


def test_cached_problems_keep_their_positions(tmp_path: Path) -> None:
    """A file with problems: the warm run reports them exactly as the cold one (file:line:col)."""
    case = next(p for p in sorted((TESTS / "cases" / "invalid").glob("*.yaml")))
    shutil.copytree(BASE_CATALOG / "catalog", tmp_path / "catalog")
    target = tmp_path / "catalog" / "procedures" / "so-tu-phap" / "1.013818.yaml"
    target.write_bytes(case.read_bytes())
    cold = validate_catalog(tmp_path / "catalog", cache=True)
    assert cold.diagnostics, case
    warm = validate_catalog(tmp_path / "catalog", cache=True)
    assert warm.rechecked == []
    assert [d.text() for d in warm.diagnostics] == [d.text() for d in cold.diagnostics]


def test_a_changed_schema_invalidates_the_kinds_that_use_it(
    base_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = base_repo / "catalog"
    copy = base_repo / "schemas"
    shutil.copytree(cache.schema_dir(), copy, ignore=shutil.ignore_patterns("export"))
    monkeypatch.setattr(validate, "schema_dir", lambda: copy)
    validate_catalog(catalog, cache=True)
    procedure_schema = copy / "procedure.schema.json"
    procedure_schema.write_text(
        procedure_schema.read_text(encoding="utf-8").replace('"title"', '"$comment": "changed", "title"', 1),
        encoding="utf-8",
    )
    cache.kind_version.cache_clear()
    procedures = [f for f in files_of(catalog) if f.startswith("catalog/procedures/")]
    assert sorted(validate_catalog(catalog, cache=True).rechecked) == procedures
    common = copy / "common.schema.json"  # every kind's schema refers to it
    common.write_text(
        common.read_text(encoding="utf-8").replace('"$defs"', '"$comment": "x", "$defs"', 1), encoding="utf-8"
    )
    cache.kind_version.cache_clear()
    rechecked = validate_catalog(catalog, cache=True).rechecked
    users = {
        path.name
        for path in copy.glob("*.schema.json")
        if "common.schema.json" in path.read_text(encoding="utf-8")
    }
    assert users  # the test means something
    expected = [f for f, kind in _kinds(catalog).items() if f"{kind}.schema.json" in users]
    assert sorted(rechecked) == sorted(expected)


def _kinds(catalog: Path) -> dict[str, str]:
    from generator.validation.load import discover

    return {d.display: d.kind for d in discover(catalog)[0]}


def test_changed_checking_code_invalidates_everything(
    base_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = base_repo / "catalog"
    validate_catalog(catalog, cache=True)
    code = base_repo / "code"
    shutil.copytree(
        cache.PACKAGE,
        code,
        ignore=shutil.ignore_patterns("__pycache__", "site", "importer", "export", "review"),
    )
    monkeypatch.setattr(cache, "PACKAGE", code)
    cache._code_version.cache_clear()
    cache.kind_version.cache_clear()
    assert validate_catalog(catalog, cache=True).rechecked == []  # the same code: the same keys
    rules = code / "validation" / "textrules.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a changed rule\n", encoding="utf-8")
    cache._code_version.cache_clear()
    cache.kind_version.cache_clear()
    assert sorted(validate_catalog(catalog, cache=True).rechecked) == files_of(catalog)


def test_a_corrupted_database_is_rebuilt(base_repo: Path) -> None:
    catalog = base_repo / "catalog"
    cold = validate_catalog(catalog, cache=True)
    database = base_repo / ".catalog-cache" / "validate.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    again = validate_catalog(catalog, cache=True)
    assert sorted(again.rechecked) == files_of(catalog)
    same(again, cold)
    assert validate_catalog(catalog, cache=True).rechecked == []


def _rows(base_repo: Path) -> sqlite3.Connection:
    return sqlite3.connect(base_repo / ".catalog-cache" / "validate.sqlite", isolation_level=None)


def test_a_damaged_entry_is_checked_again(base_repo: Path) -> None:
    catalog = base_repo / "catalog"
    cold = validate_catalog(catalog, cache=True)
    with _rows(base_repo) as db:
        key, payload = db.execute("SELECT key, payload FROM entries LIMIT 1").fetchone()
        damaged = bytearray(payload)
        damaged[len(damaged) // 2] ^= 0xFF
        db.execute("UPDATE entries SET payload = ? WHERE key = ?", (bytes(damaged), key))
    again = validate_catalog(catalog, cache=True)
    assert len(again.rechecked) == 1
    same(again, cold)


def test_an_entry_written_without_this_machine_key_is_refused(base_repo: Path) -> None:
    """A .catalog-cache/ committed in a pull request claims a broken file is fine: refused."""
    catalog = base_repo / "catalog"
    validate_catalog(catalog, cache=True)
    path = base_repo / PROCEDURE
    path.write_text(path.read_text(encoding="utf-8").replace("sector: ", "sectr: "), encoding="utf-8")
    honest = validate_catalog(catalog)
    assert any(d.file == PROCEDURE for d in honest.diagnostics)
    content = path.read_bytes()
    key = cache.entry_key(cache.kind_version("procedure", cache.schema_dir()), PROCEDURE, content)
    forged = marshal.dumps((cache.FORMAT, {"code": "1.013818"}, True, []))
    mac = hmac.new(b"\0" * 32, key + forged, hashlib.sha256).digest()
    with _rows(base_repo) as db:
        db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (key, forged, mac))
    result = validate_catalog(catalog, cache=True)
    assert result.rechecked == [PROCEDURE]
    assert result.diagnostics == honest.diagnostics


def test_cache_off(base_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOG_CACHE", "off")
    result = validate_catalog(base_repo / "catalog", cache=True)
    assert sorted(result.rechecked) == files_of(base_repo / "catalog")
    assert not (base_repo / ".catalog-cache").exists()


def test_git_ignores_the_cache() -> None:
    done = subprocess.run(
        ["git", "check-ignore", "-q", ".catalog-cache/validate.sqlite"], cwd=REPO, check=False
    )
    assert done.returncode == 0


def test_a_save_during_the_check_never_files_its_result_under_the_other_content(
    base_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is saved again right after its key is read (an editor saving twice): the check
    parses the bytes the key names, so the entry holds their result, not the later save's."""
    catalog = base_repo / "catalog"
    validate_catalog(catalog, cache=True)
    path = base_repo / PROCEDURE
    good = path.read_text(encoding="utf-8")
    broken = good.replace("amount: 3500000", "amount: -5", 1)
    assert broken != good
    path.write_text(broken, encoding="utf-8")
    real = cache.read_regular

    def read_then_fix(file: Path) -> bytes | None:
        content = real(file)
        if file == path:
            path.write_text(good, encoding="utf-8")  # the fix lands between the key and the check
        return content

    monkeypatch.setattr(validate, "read_regular", read_then_fix)
    during = validate_catalog(catalog, cache=True)
    assert [(d.file, d.line, d.col, d.code) for d in during.diagnostics] == [(PROCEDURE, 20, 17, "minimum")]
    monkeypatch.setattr(validate, "read_regular", real)
    after = validate_catalog(catalog, cache=True)  # the fixed content: its entry of the first run
    assert (after.rechecked, after.diagnostics) == ([], [])
    path.write_text(broken, encoding="utf-8")
    again = validate_catalog(catalog, cache=True)  # the broken content's entry, made during the save
    assert again.rechecked == []
    assert [(d.line, d.code) for d in again.diagnostics] == [(20, "minimum")]


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_a_link_in_place_of_the_database_is_removed_not_followed(base_repo: Path, suffix: str) -> None:
    """A .catalog-cache/validate.sqlite committed as a symbolic link would make every validation
    write the catalog's text wherever it points."""
    folder = base_repo / ".catalog-cache"
    folder.mkdir()
    target = base_repo.parent / f"victim{suffix}"
    link = folder / f"validate.sqlite{suffix}"
    link.symlink_to(target)
    result = validate_catalog(base_repo / "catalog", cache=True)
    assert result.diagnostics == validate_catalog(base_repo / "catalog").diagnostics
    assert not target.exists()
    assert not link.is_symlink()
    assert (folder / "validate.sqlite").is_file()
    assert validate_catalog(base_repo / "catalog", cache=True).rechecked == []


def test_a_folder_in_place_of_the_database_is_replaced(base_repo: Path) -> None:
    folder = base_repo / ".catalog-cache" / "validate.sqlite"
    (folder / "inner").mkdir(parents=True)
    validate_catalog(base_repo / "catalog", cache=True)
    assert folder.is_file()
    assert validate_catalog(base_repo / "catalog", cache=True).rechecked == []


def test_editor_backups_beside_a_file_are_skipped(base_repo: Path) -> None:
    """Emacs' backup (x.yaml~) and auto-save (#x.yaml#) files appear while an official edits:
    they are not catalog files and do not stop the checks (git ignores them)."""
    path = base_repo / PROCEDURE
    before = validate_catalog(base_repo / "catalog")
    for name in (f"{path.name}~", f"#{path.name}#"):
        (path.parent / name).write_text("{ not: [yaml", encoding="utf-8")
    after = validate_catalog(base_repo / "catalog")
    assert after.diagnostics == before.diagnostics
    assert after.files_checked == before.files_checked
    for name in (f"{path.name}~", f"#{path.name}#"):
        done = subprocess.run(
            ["git", "check-ignore", "-q", f"catalog/procedures/so-tu-phap/{name}"], cwd=REPO, check=False
        )
        assert done.returncode == 0, name
