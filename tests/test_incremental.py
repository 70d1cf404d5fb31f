"""The site pipeline (generator.site.pipeline) makes the same bytes as MkDocs' own build, and an
incremental update after an edit makes the same bytes as a full build of the edited catalog, on the
real catalog (1,210 procedures): what `catalog serve` shows is what `catalog build` publishes."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SITE_FILES, git_commit, make_site_repo
from mkdocs.commands.build import build as mkdocs_build

from generator import git as gitinfo
from generator.site.build import _load
from generator.site.context import commit_date, git_history
from generator.site.pipeline import SiteBuild
from generator.site.serve import Watcher, _changed_codes
from generator.validation.validate import validate_catalog


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    monkeypatch.setenv("CATALOG_AS_OF", "2026-12-01")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    logging.getLogger("mkdocs").setLevel(logging.WARNING)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def full(repo: Path, out: Path) -> SiteBuild:
    site = SiteBuild(_load(repo, False, site_dir=str(out)))
    site.build()
    return site


def test_pipeline_writes_what_mkdocs_writes(tmp_path: Path) -> None:
    repo = make_site_repo(tmp_path)
    mkdocs_build(_load(repo, False, site_dir=str(tmp_path / "mkdocs")))
    full(repo, tmp_path / "ours")
    theirs, ours = snapshot(tmp_path / "mkdocs"), snapshot(tmp_path / "ours")
    assert len(ours) > 50
    assert ours == theirs


def test_pipeline_in_parallel_writes_what_one_process_writes(tmp_path: Path) -> None:
    repo = make_site_repo(tmp_path)
    SiteBuild(_load(repo, False, site_dir=str(tmp_path / "one")), parallel=False).build()
    site = SiteBuild(_load(repo, False, site_dir=str(tmp_path / "many")))
    from generator.site import pipeline

    saved = pipeline.PARALLEL_MINIMUM
    pipeline.PARALLEL_MINIMUM = 2  # the fixture site is small: fork anyway
    try:
        site.build()
    finally:
        pipeline.PARALLEL_MINIMUM = saved
    assert snapshot(tmp_path / "many") == snapshot(tmp_path / "one")


def test_shared_blocks_write_what_rendering_every_block_writes(tmp_path: Path) -> None:
    """Material's tabs, sidebars and configuration block, rendered once for the pages that read the
    same of them (generator.site.shared), come out as rendering them on every page does."""
    repo = make_site_repo(tmp_path)
    every = SiteBuild(_load(repo, False, site_dir=str(tmp_path / "every")), parallel=False)
    every.plugin.shared.enabled = False
    every.build()
    site = SiteBuild(_load(repo, False, site_dir=str(tmp_path / "shared")), parallel=False)
    site.build()
    assert site.plugin.shared.hits > 2 * site.plugin.shared.misses  # three blocks a page, most shared
    assert every.plugin.shared.hits == 0
    assert snapshot(tmp_path / "shared") == snapshot(tmp_path / "every")


def test_headings_alone_give_what_placeholders_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs given a page's headings alone, the blocks put back after them (pages.Headings), writes
    what it writes given a placeholder paragraph for each block (pages.split_blocks), the way taken
    when the HTML is not one line per heading."""
    from generator.site import pages

    repo = make_site_repo(tmp_path)
    full(repo, tmp_path / "headings")
    monkeypatch.setattr(pages.Headings, "join", lambda self, html: None)
    full(repo, tmp_path / "placeholders")
    assert snapshot(tmp_path / "headings") == snapshot(tmp_path / "placeholders")


def test_headings_refuse_html_that_is_not_one_line_per_heading() -> None:
    from generator.site.pages import Headings

    headings = Headings.of("<p>a</p>\n\n# Tên\n\n<p>b</p>\n\n## Hồ sơ\n\n## Kết quả\n<ul><li>c</li></ul>\n")
    assert headings.markdown == "TTHCBLOCK00000\n\n# Tên\n\n## Hồ sơ\n\n## Kết quả\n"
    html = '<p>TTHCBLOCK00000</p>\n<h1 id="ten">Tên</h1>\n<h2 id="ho-so">Hồ sơ</h2>\n<h2 id="ket-qua">Kết quả</h2>'
    assert headings.join(html) == (
        '<p>a</p>\n<h1 id="ten">Tên</h1>\n<p>b</p>\n<h2 id="ho-so">Hồ sơ</h2>\n'
        '<h2 id="ket-qua">Kết quả</h2>\n<ul><li>c</li></ul>'
    )
    assert headings.join(html.replace("<h2", "<h3", 1)) is None  # not the heading's level
    assert headings.join(html.replace("</h1>\n", "</h1>\n<p>x</p>\n")) is None  # a line more
    assert headings.join(html.replace("Hồ sơ</h2>", "Hồ\nsơ</h2>")) is None  # a heading on two lines
    assert headings.join(html.removeprefix("<p>TTHCBLOCK00000</p>\n")) is None  # the lead's line missing


@pytest.fixture(scope="module")
def real_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("real")
    for name in (*SITE_FILES, "catalog"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / name)
    return repo


def update(site: SiteBuild, repo: Path, watcher: Watcher) -> tuple[list[str], list[str]]:
    hashes, stats, changed, _ = watcher.changes()
    result = validate_catalog(repo / "catalog", cache=True)
    assert result.diagnostics == []
    codes = _changed_codes(changed, result, set(watcher.good_catalog))
    assert codes is not None
    changes = site.update(site.plugin.context_for(result.model, repo / "catalog"), codes)
    watcher.accept(hashes, stats, result.digests)
    assert not changes.full
    return changes.pages, changes.files


def test_incremental_update_equals_full_build_on_the_real_catalog(real_repo: Path, tmp_path: Path) -> None:
    """Two edits, each served by an incremental update, then one full build of the edited catalog to
    compare with. The two updates write disjoint sets of pages (asserted), so the second cannot hide
    a page the first got wrong."""
    procedures = sorted((real_repo / "catalog" / "procedures").glob("*/*.yaml"))
    assert len(procedures) > 1000, "the real catalog is expected here"
    site = full(real_repo, tmp_path / "served")
    site.prepare_updates()
    assert "name" in site.index_keys and "steps" not in site.index_keys
    assert site.plugin.context is not None
    # code → the procedures whose pages show it (its own and those that list it as related)
    shown_by: dict[str, set[str]] = {}
    for p in site.plugin.context.procedures:
        shown_by.setdefault(p.code, set()).add(p.code)
        for other in p.related:
            shown_by.setdefault(other, set()).add(p.code)
    watcher = Watcher(real_repo, real_repo / "catalog", [])

    # a step's text: the procedure's own page and the pages that list it as related
    source = procedures[0]
    code = source.stem
    text = source.read_text(encoding="utf-8")
    step = "- Bước 1:"
    assert step in text
    source.write_text(text.replace(step, "- Bước 1 (đã sửa):", 1), encoding="utf-8")
    first_pages, files = update(site, real_repo, watcher)
    assert first_pages == sorted(f"thu-tuc/{c}.md" for c in shown_by[code])
    assert files == []

    # another procedure's name: its page, its relatives' pages, the listings it appears in, the search data
    renamed = next(p for p in procedures[1:] if not shown_by.get(p.stem, {p.stem}) & shown_by[code])
    text = renamed.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name: "))
    renamed.write_text(text.replace(name_line, name_line + " (tên mới)", 1), encoding="utf-8")
    pages, files = update(site, real_repo, watcher)
    assert f"thu-tuc/{renamed.stem}.md" in pages and "index.md" not in pages  # the home page shows counts
    assert any(p.startswith("linh-vuc/") for p in pages) and any(p.startswith("co-quan/") for p in pages)
    assert files == ["search/procedures.json"]
    assert not set(pages) & set(first_pages)

    full(real_repo, tmp_path / "full")
    assert snapshot(tmp_path / "served") == snapshot(tmp_path / "full")


def test_a_new_name_on_a_navigation_page_rewrites_that_page_alone(tmp_path: Path) -> None:
    """The fixture's birth registration can be done anywhere in the province: the page of such
    procedures (in the navigation) lists it by name. Renaming it changes that page's content but not
    its title, so only the pages showing the name are made again, and the result is what a full
    build makes."""
    repo = make_site_repo(tmp_path)
    site = full(repo, tmp_path / "served")
    site.prepare_updates()
    nav_page = "khong-phu-thuoc-dia-gioi/index.md"
    assert nav_page in site.in_nav
    watcher = Watcher(repo, repo / "catalog", [])
    source = repo / "catalog" / "procedures" / "ubnd-cap-xa" / "1.001193.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("name: Thủ tục đăng ký khai sinh", "name: Thủ tục đăng ký khai sinh (tên mới)", 1),
        encoding="utf-8",
    )
    html = tmp_path / "served" / "khong-phu-thuoc-dia-gioi" / "index.html"
    assert "(tên mới)" not in html.read_text(encoding="utf-8")
    pages, _ = update(site, repo, watcher)  # asserts it was not a full rebuild
    assert nav_page in pages and "thu-tuc/1.001193.md" in pages
    assert "thu-tuc/1.013818.md" not in pages  # a procedure page that does not show the name
    assert "đăng ký khai sinh (tên mới)" in html.read_text(encoding="utf-8")
    full(repo, tmp_path / "full")
    assert snapshot(tmp_path / "served") == snapshot(tmp_path / "full")


def test_many_full_rebuilds_keep_the_folder_name_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each full rebuild of `catalog serve` writes into a new folder beside the served one; its name
    used to be the previous one's plus 9 characters, until the system refused it (ENAMETOOLONG after
    ~25 rebuilds, and serve never updated again)."""
    repo = make_site_repo(tmp_path)
    moves: list[tuple[str, str]] = []

    def moved(old: str, new: str) -> None:
        moves.append((old, new))
        shutil.rmtree(old)

    site = SiteBuild(_load(repo, False, site_dir=str(tmp_path / "served")), moved=moved)
    site.build()  # the first build, in full
    site.build()  # a real full rebuild into a new folder
    assert (Path(site.config.site_dir) / "thu-tuc" / "1.013818" / "index.html").is_file()
    monkeypatch.setattr(SiteBuild, "_build", lambda self: None)  # the next ones: only the folder
    for _ in range(40):
        site.build()
    assert len(moves) == 41
    assert {len(Path(new).name) for _, new in moves} == {len("served-") + 8}  # mkdtemp's 8 characters
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("served")] == [Path(moves[-1][1]).name]


def test_history_is_computed_once_per_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rebuild of serve ran `git log --raw` over the whole catalog (1.7-2.9 s on the real
    repository) for a history that only a commit changes: now it is computed again only when HEAD
    names another commit, and then it has the new commit's change."""
    repo = make_site_repo(tmp_path)
    catalog = repo / "catalog"
    logs: list[tuple[str, ...]] = []
    real_git = gitinfo.git

    def counting(cwd: Path, *args: str, **kwargs: Any) -> bytes:
        if args[0] == "log":
            logs.append(args)
        return real_git(cwd, *args, **kwargs)

    monkeypatch.setattr(gitinfo, "git", counting)
    key = "catalog/procedures/so-tu-phap/1.013818.yaml"
    first = git_history(catalog)
    assert [c.date for c in first[key]] == ["2026-11-10", "2026-11-01"]
    assert commit_date(catalog) == "2026-11-10"
    assert len(logs) == 2
    assert git_history(catalog) is first and commit_date(catalog) == "2026-11-10"
    assert len(logs) == 2  # nothing computed again: the same commit

    source = repo / key
    source.write_text(
        source.read_text(encoding="utf-8").replace("1.750.000 đồng/hồ sơ", "1.800.000 đồng/hồ sơ")
    )
    assert git_history(catalog) is first  # an edit is not a commit: no history line for it
    git_commit(repo, "Phí mới", "2026-11-20T09:00:00+07:00")
    after = git_history(catalog)
    assert [c.date for c in after[key]] == ["2026-11-20", "2026-11-10", "2026-11-01"]
    assert commit_date(catalog) == "2026-11-20"
    assert len(logs) == 4


def test_what_serve_records_as_published_is_what_the_validation_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Save, undo, redo while serve rebuilds: the watcher read the final content, the validation
    read the middle one, then the final one was saved again. Recording the watcher's own read as
    published made the last save look like no change (the page stayed at the middle save); the
    digests of the bytes the validation checked make it a change."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    repo = make_site_repo(tmp_path)
    catalog = repo / "catalog"
    source = catalog / "procedures" / "ubnd-cap-xa" / "1.001193.yaml"
    name = source.relative_to(repo).as_posix()
    final = source.read_text(encoding="utf-8").replace(
        "name: Thủ tục đăng ký khai sinh", "name: Thủ tục đăng ký khai sinh (cuối)", 1
    )
    middle = final.replace("(cuối)", "(giữa)", 1)
    watcher = Watcher(repo, catalog, [])
    source.write_text(final, encoding="utf-8")
    hashes, stats, changed, _ = watcher.changes()
    assert changed == {name}
    source.write_text(middle, encoding="utf-8")
    result = validate_catalog(catalog, cache=True, remember=True)
    assert result.digests[name] == hashlib.sha256(middle.encode()).digest()
    assert result.catalog.procedures["1.001193"].data["name"].endswith("(giữa)")
    source.write_text(final, encoding="utf-8")  # the redo, after the validation
    watcher.accept(hashes, stats, result.digests)
    assert watcher.changes()[2] == {name}  # the published site is the middle save's: rebuilt
