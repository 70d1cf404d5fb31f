"""The change feed: a consumer that read procedures.json once reproduces every later procedures.json
from changes.json alone, across fee changes, new, abolished, deleted and draft procedures, reference
data renames, commits that touch no procedure, a broken commit, a merge and paging."""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from export_repo import Repo, make_repo

from generator import git
from generator.export.export import write_exports
from generator.export.export_schemas import validator
from generator.git import commit_info
from generator.review import changes
from generator.review.changes import apply_entry, entries_since, feed_for
from generator.validation.validate import validate_catalog

TODAY = date(2026, 11, 25)
NEW = "procedures/so-tu-phap/1.000001.yaml"
DRAFT = "procedures/so-tu-phap/1.000002.yaml"
FEE = "procedures/so-tu-phap/1.013818.yaml"
BIRTH = "procedures/ubnd-cap-xa/1.001193.yaml"


def build(repo: Repo, out: Path, *, preview: bool = False) -> Path:
    result = validate_catalog(repo.catalog, today=TODAY)
    assert result.diagnostics == [], [d.text() for d in result.diagnostics]
    write_exports(result.catalog, out, preview=preview)
    return out / "api" / "v1"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def feed_pages(api: Path) -> Iterator[dict[str, Any]]:
    """What a consumer does: read changes.json, then follow ``next`` as far as needed."""
    page = load(api / "changes.json")
    yield page
    while page["next"] is not None:
        page = load(api / page["next"])
        yield page


def replay(old_api: Path, new_api: Path) -> list[dict[str, Any]]:
    """The later procedures.json's list, made from the earlier one and the later feed only."""
    old = load(old_api / "procedures.json")
    entries = entries_since(feed_pages(new_api), old["changes_through"])
    assert entries is not None, "the earlier position is not in the feed"
    items = {item["code"]: item for item in old["procedures"]}
    for entry in entries:
        apply_entry(items, entry)
    return [items[code] for code in sorted(items)]


def procedure(repo: Repo, source: str, code: str, name: str, **changes_: Any) -> dict[str, Any]:
    data = repo.read(source)
    data.update(code=code, name=name, **changes_)
    return data


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, Path], dict[str, Path]]:
    """A repository with a dozen commits; the exports built after each valid one (published and preview),
    with two feed entries a page."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(changes, "PAGE_SIZE", 2)
        return _history(tmp_path_factory.mktemp("history"))


def _history(tmp_path: Path) -> tuple[Repo, dict[str, Path], dict[str, Path]]:
    repo = make_repo(tmp_path / "repo")
    builds: dict[str, Path] = {}
    previews: dict[str, Path] = {}

    def snapshot(label: str) -> None:
        builds[label] = build(repo, tmp_path / "builds" / label)
        previews[label] = build(repo, tmp_path / "previews" / label, preview=True)

    snapshot("initial")
    data = repo.read(FEE)
    data["channels"][0]["fees"][0].update(amount=4000000, description="4.000.000 đồng/hồ sơ")
    repo.write(FEE, data)
    repo.commit("Tăng phí đăng ký tham dự kiểm tra tập sự công chứng")
    snapshot("fee")

    repo.write(NEW, procedure(repo, FEE, "1.000001", "Thủ tục mới của Sở Tư pháp"))
    decision = repo.read("decisions/160-QD-BTP.yaml")
    decision["procedures"]["new"].append("1.000001")
    repo.write("decisions/160-QD-BTP.yaml", decision)
    repo.commit("Thêm thủ tục 1.000001")
    snapshot("new")

    (repo.top / "README.md").write_text("Danh mục\n", encoding="utf-8")
    repo.commit("Chỉ sửa README")
    snapshot("readme")

    repo.edit(FEE, status="abolished", effective_to="2026-06-30")
    repo.commit("Bãi bỏ thủ tục 1.013818")
    snapshot("abolished")

    sectors = repo.read("sectors.yaml")
    sectors["sectors"][0]["name"] = "Hộ tịch, chứng thực"
    repo.write("sectors.yaml", sectors)
    agencies = repo.read("agencies.yaml")
    agencies["agencies"][2]["name"] = "Ủy ban nhân dân xã, phường, đặc khu"
    repo.write("agencies.yaml", agencies)
    repo.commit("Đổi tên lĩnh vực và cơ quan")
    snapshot("renamed")

    repo.edit(BIRTH, unknown_field="sai")
    repo.commit("Một commit hỏng (trường lạ)")  # a build here refuses: no snapshot
    data = repo.read(BIRTH)
    del data["unknown_field"]
    data["name"] = "Đăng ký khai sinh"
    repo.write(BIRTH, data)
    repo.commit("Sửa commit hỏng, đổi tên thủ tục")
    snapshot("fixed")

    repo.write(DRAFT, procedure(repo, NEW, "1.000002", "Thủ tục dự thảo", status="draft"))
    repo.commit("Dự thảo thủ tục 1.000002")
    snapshot("draft")

    repo.git("checkout", "-q", "-b", "li")
    lists = repo.read("location-independent/2025-danh-muc.yaml")
    lists["entries"].append({"code": "1.000001", "levels": ["tinh"]})
    repo.write("location-independent/2025-danh-muc.yaml", lists)
    repo.commit("Thêm 1.000001 vào danh mục phi địa giới")
    repo.edit(NEW, keywords=["tập sự"])
    repo.commit("Thêm từ khóa")
    repo.git("checkout", "-q", "main")
    repo.clock += 1
    repo.git("merge", "-q", "--no-ff", "li", "-m", "Gộp nhánh danh mục")
    snapshot("merged")

    (repo.catalog / DRAFT).unlink()
    lists = repo.read("location-independent/2025-danh-muc.yaml")
    lists["entries"] = [e for e in lists["entries"] if e["code"] != "1.000001"]
    repo.write("location-independent/2025-danh-muc.yaml", lists)
    (repo.catalog / NEW).unlink()
    decision = repo.read("decisions/160-QD-BTP.yaml")
    decision["procedures"]["new"].remove("1.000001")
    repo.write("decisions/160-QD-BTP.yaml", decision)
    repo.commit("Xóa thủ tục 1.000001 và dự thảo")
    snapshot("final")
    return repo, builds, previews


def test_replaying_the_feed_reproduces_every_later_procedures_json(history: Any) -> None:
    _, builds, previews = history
    for outputs in (builds, previews):
        labels = list(outputs)
        final = load(outputs["final"] / "procedures.json")["procedures"]
        for label in labels:
            assert replay(outputs[label], outputs["final"]) == final, label
        for earlier, later in itertools.pairwise(labels):
            assert (
                replay(outputs[earlier], outputs[later])
                == load(outputs[later] / "procedures.json")["procedures"]
            )


def test_feed_entries_say_what_changed(history: Any) -> None:
    repo, builds, _ = history
    pages = list(feed_pages(builds["final"]))
    entries = [e for page in pages for e in page["entries"]]
    by_message = {e["message"]: e for e in entries}
    assert "Chỉ sửa README" not in by_message, "a commit that changed no procedure has no entry"
    assert "Một commit hỏng (trường lạ)" not in by_message, "a broken file keeps its last valid version"
    assert "Dự thảo thủ tục 1.000002" not in by_message, "a draft is not published"
    assert "Thêm từ khóa" not in by_message and "Gộp nhánh danh mục" in by_message, "first-parent history"

    fee = by_message["Tăng phí đăng ký tham dự kiểm tra tập sự công chứng"]
    assert fee["added"] == [] and fee["abolished"] == []
    [changed] = fee["changed"]
    assert changed["code"] == "1.013818"
    assert [f["field"] for f in changed["fields"]] == ["channels"]
    assert changed["fields"][0]["old"][0]["fees"][0]["amount"] == 3500000
    assert changed["fields"][0]["new"][0]["fees"][0]["amount"] == 4000000

    new = by_message["Thêm thủ tục 1.000001"]
    assert [item["code"] for item in new["added"]] == ["1.000001"]
    assert new["added"][0]["@id"].endswith("/api/v1/procedures/1.000001.json")

    abolished = by_message["Bãi bỏ thủ tục 1.013818"]
    assert abolished["abolished"] == [
        {
            "code": "1.013818",
            "name": "Đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng",
            "status": "abolished",
        }
    ]

    renamed = by_message["Đổi tên lĩnh vực và cơ quan"]
    [birth] = renamed["changed"]
    assert birth["code"] == "1.001193"
    assert [f["field"] for f in birth["fields"]] == ["provider", "service_type"]

    fixed = by_message["Sửa commit hỏng, đổi tên thủ tục"]
    assert [f["field"] for f in fixed["changed"][0]["fields"]] == ["name"]

    merged = by_message["Gộp nhánh danh mục"]
    assert [f["field"] for f in merged["changed"][0]["fields"]] == ["keywords", "location_independent"]

    final = by_message["Xóa thủ tục 1.000001 và dự thảo"]
    assert final["abolished"] == [
        {"code": "1.000001", "name": "Thủ tục mới của Sở Tư pháp", "status": "deleted"}
    ]

    # Newest first, each entry relative to the one before it; the head is procedures.json's position.
    assert [e["previous"] for e in entries[:-1]] == [e["commit"] for e in entries[1:]]
    assert entries[-1]["previous"] is None and entries[-1]["message"] == "Danh mục ban đầu"
    assert entries[0]["commit"] == repo.git("rev-parse", "HEAD")
    assert load(builds["final"] / "procedures.json")["changes_through"] == entries[0]["commit"]
    assert (
        load(builds["readme"] / "procedures.json")["changes_through"]
        == by_message["Thêm thủ tục 1.000001"]["commit"]
    )


def test_feed_is_paged_and_every_page_validates(history: Any) -> None:
    _, builds, previews = history
    for api in (builds["final"], previews["final"]):
        pages = list(feed_pages(api))
        assert len(pages) > 2 and all(p["count"] <= 2 for p in pages)
        assert [p["page"] for p in pages] == list(range(1, len(pages) + 1))
        assert {p["total"] for p in pages} == {sum(p["count"] for p in pages)}
        assert pages[-1]["next"] is None
        for page in pages:
            errors = [e.message for e in validator("changes.schema.json").iter_errors(page)]
            assert errors == []


def test_preview_feed_shows_drafts(history: Any) -> None:
    _, _, previews = history
    entries = [e for page in feed_pages(previews["final"]) for e in page["entries"]]
    draft = next(e for e in entries if e["message"] == "Dự thảo thủ tục 1.000002")
    assert [item["code"] for item in draft["added"]] == ["1.000002"]
    assert draft["added"][0]["preview"] is True


def test_position_not_in_feed_means_download_everything() -> None:
    page = {"entries": [{"commit": "b" * 40}, {"commit": "a" * 40}]}
    assert entries_since([page], "c" * 40) is None
    assert entries_since([page], "a" * 40) == [{"commit": "b" * 40}]
    assert entries_since([page], None) == [{"commit": "a" * 40}, {"commit": "b" * 40}]


def test_outside_git_the_feed_is_empty_with_a_note(base_repo: Path) -> None:
    result = validate_catalog(base_repo / "catalog", today=TODAY)
    write_exports(result.catalog, base_repo / "out")
    page = load(base_repo / "out" / "api" / "v1" / "changes.json")
    assert page["entries"] == [] and page["commit"] is None and "git" in page["note"]
    assert load(base_repo / "out" / "api" / "v1" / "procedures.json")["commit"] is None
    assert validator("changes.schema.json").is_valid(page)


def test_commit_info_and_dirty_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    info = commit_info(repo.catalog)
    assert info is not None and info.id == repo.git("rev-parse", "HEAD") and not info.dirty
    assert info.date == "2026-01-01T01:00:00+07:00"
    (repo.top / "notes.txt").write_text("outside the catalog\n", encoding="utf-8")
    assert commit_info(repo.catalog).dirty is False  # type: ignore[union-attr]
    repo.edit(FEE, name="Tên mới")
    assert commit_info(repo.catalog).dirty is True  # type: ignore[union-attr]


def test_shallow_clone_marks_the_feed_truncated(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    for n in range(3):
        repo.edit(FEE, name=f"Tên {n}")
        repo.commit(f"Đổi tên {n}")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.top}", str(clone)],
        check=True,
        capture_output=True,
    )
    feed = feed_for(clone / "catalog")
    assert feed.truncated and feed.note is not None
    assert [e["message"] for e in feed.entries] == ["Đổi tên 2"]
    full = feed_for(repo.catalog)
    assert not full.truncated and len(full.entries) == 4


def test_files_never_valid_under_todays_schemas_are_followed(tmp_path: Path) -> None:
    """Old commits are read with today's schemas and today's model: a file that never passed the schemas
    (they grew stricter since) but that the model can hold is followed, not dropped, so the feed's
    states stay those of the past; what the model has no field for (a key since removed) is not an item's
    key, so removing it later is no change. A version the model cannot hold is passed over: the last
    version stays."""
    repo = make_repo(tmp_path / "repo")
    repo.write(NEW, procedure(repo, FEE, "1.000001", "Thủ tục cũ", legacy_field="trường cũ"))
    repo.commit("Thủ tục theo lược đồ cũ")
    repo.edit(NEW, name="Thủ tục cũ, đổi tên")
    repo.commit("Đổi tên khi lược đồ còn cũ")
    repo.edit(NEW, name="Tên không dùng", status="retired")  # no such status today: no model for it
    repo.commit("Trạng thái cũ")
    data = repo.read(NEW)
    del data["legacy_field"]
    data.update(name="Thủ tục cũ, tên mới", status="active")
    repo.write(NEW, data)
    repo.commit("Chuyển sang lược đồ mới")
    entries = {e["message"]: e for e in feed_for(repo.catalog).entries}
    added = entries["Thủ tục theo lược đồ cũ"]["added"]
    assert [i["code"] for i in added] == ["1.000001"] and "legacy_field" not in added[0]
    assert [f["field"] for f in entries["Đổi tên khi lược đồ còn cũ"]["changed"][0]["fields"]] == ["name"]
    assert "Trạng thái cũ" not in entries
    assert entries["Chuyển sang lược đồ mới"]["changed"][0]["fields"] == [
        {"field": "name", "old": "Thủ tục cũ, đổi tên", "new": "Thủ tục cũ, tên mới"}
    ]


def test_the_loaded_catalog_seeds_the_history_without_changing_it(history: Any, tmp_path: Path) -> None:
    repo, _, _ = history
    catalog = validate_catalog(repo.catalog, today=TODAY).catalog
    assert feed_for(repo.catalog, catalog=catalog).entries == feed_for(repo.catalog).entries
    # A work-tree edit is not taken for the committed file (the seed skips files that differ from HEAD).
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.top), str(clone)], check=True, capture_output=True)
    work = Repo(clone)
    work.edit(BIRTH, name="Sửa chưa commit")
    (clone / "catalog" / "decisions" / "new.yaml").write_text("number: 1/QĐ-UBND\n", encoding="utf-8")
    catalog = validate_catalog(clone / "catalog", today=TODAY).catalog
    assert feed_for(clone / "catalog", catalog=catalog).entries == feed_for(clone / "catalog").entries


def test_dirty_paths(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.edit(FEE, name="Sửa")
    repo.git(
        "mv", "catalog/procedures/ubnd-cap-xa/1.001193.yaml", "catalog/procedures/ubnd-cap-xa/moved.yaml"
    )
    (repo.catalog / "new file.yaml").write_text("x: 1\n", encoding="utf-8")
    place = git.place_of(repo.catalog)
    assert place is not None
    assert git.dirty_paths(place) == {
        FEE,
        "procedures/ubnd-cap-xa/1.001193.yaml",
        "procedures/ubnd-cap-xa/moved.yaml",
        "new file.yaml",
    }
