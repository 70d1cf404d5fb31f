"""`catalog diff`: the semantic diff of a git history, field by field, and its Vietnamese summary.

The history (tests/gitrepo.py) starts from the fixture catalog and makes one kind of change per
commit: a fee and a processing time changed and a document added, a new procedure, an abolished
one, a proposed location-independent entry, a moved file, the proposal approved.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from gitrepo import LIST, MOVED, NEW, TP, XA, git, review_history, write

from generator import cli as catalog_cli
from generator import schemadoc, vi_format
from generator.review import diff as diffmod
from generator.review import diff_render, snapshot
from generator.review.diff import (
    CatalogDiff,
    FieldChange,
    GitError,
    ItemKey,
    changed_paths,
    diff_revisions,
    diff_snapshots,
    diff_values,
    snapshot_at,
)
from generator.review.diff_render import MARKER, describe, render_json, render_markdown, render_text
from generator.validation.validate import validate_catalog

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    repo = tmp_path_factory.mktemp("history")
    return repo, review_history(repo)


@pytest.fixture
def work(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> tuple[Path, dict[str, str]]:
    """A private clone of the history, to change its working tree."""
    source, commits = history
    git(tmp_path, "clone", "-q", str(source), "repo")
    return tmp_path / "repo", commits


def fields(change: Any) -> list[tuple[str, str, str, Any, Any]]:
    return [(f.path_text(), f.pointer, f.change, f.old, f.new) for f in change.fields]


def short(commit: str) -> str:
    return commit[:7]


def cli(*args: str, cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = catalog_cli.main(["diff", "--repo", str(cwd), *args])
    return code, out.getvalue(), err.getvalue()


# --- the history is realistic: every commit is a valid catalog -------------------------------------------


def test_every_commit_of_the_history_is_a_valid_catalog(
    history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    repo, commits = history
    for name, commit in commits.items():
        archive = subprocess.run(
            ["git", "archive", commit, "catalog"], cwd=repo, capture_output=True, check=True
        )
        target = tmp_path / name
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
        result = validate_catalog(target / "catalog", today=TODAY)
        assert [d.text() for d in result.diagnostics] == [], name


# --- one commit at a time, field by field --------------------------------------------------------------


def test_fee_processing_time_and_document(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["base"], c["fee"])
    assert [(p.code, p.change, p.path, p.old_path) for p in diff.procedures] == [
        ("1.001193", "changed", XA, None)
    ]
    assert fields(diff.procedures[0]) == [
        (
            "channels[online]/processing_time",
            "/channels/0/processing_time",
            "changed",
            {"value": 1, "unit": "working_days"},
            {"value": 3, "unit": "working_days"},
        ),
        ("channels[in_person]/fees[charge]/amount", "/channels/1/fees/0/amount", "changed", 0, 50000),
        (
            "channels[in_person]/fees[charge]/description",
            "/channels/1/fees/0/description",
            "changed",
            "Miễn lệ phí đăng ký khai sinh đúng hạn",
            "50.000 đồng/hồ sơ",
        ),
        (
            "dossier[Giấy tờ phải nộp]/documents[Bản sao giấy tờ tùy thân của người đi đăng ký]",
            "/dossier/0/documents/1",
            "added",
            None,
            {"name": "Bản sao giấy tờ tùy thân của người đi đăng ký", "originals": 0, "copies": 1},
        ),
    ]
    assert diff.procedures[0].fields[0].path == ("channels", ItemKey(("online", None)), "processing_time")
    assert (diff.entries, diff.entities, diff.problems) == ([], [], [])


def test_new_procedure(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["fee"], c["new"])
    assert [
        (p.code, p.change, p.name, p.agency, p.path, p.status_new, p.fields) for p in diff.procedures
    ] == [("1.000100", "added", "Cấp bản sao văn bản công chứng", "so-tu-phap", NEW, "active", [])]
    assert [(e.kind, e.key, e.change, e.path) for e in diff.entities] == [
        ("decision", "160/QĐ-BTP", "changed", "catalog/decisions/160-QD-BTP.yaml")
    ]
    assert fields(diff.entities[0]) == [("procedures/new", "/procedures/new/0", "added", None, "1.000100")]


def test_abolished_procedure(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["new"], c["abolish"])
    assert [(p.code, p.change, p.status_old, p.status_new) for p in diff.abolished] == [
        ("1.013818", "abolished", "active", "abolished")
    ]
    assert fields(diff.procedures[0]) == [
        ("status", "/status", "changed", "active", "abolished"),
        ("effective_to", "/effective_to", "added", None, "2026-12-01"),
    ]


def test_proposed_location_independent_entry(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["abolish"], c["propose"])
    assert diff.procedures == [] and diff.entities == []
    assert [
        (e.list_id, e.code, e.change, e.levels, e.status_old, e.status_new, e.path, e.pointer)
        for e in diff.entries
    ] == [("2025-danh-muc", "1.000100", "proposed", ["tinh"], None, "proposed", LIST, "/entries/0")]
    assert diff.names["procedure"]["1.000100"] == "Cấp bản sao văn bản công chứng"  # read although unchanged


def test_moved_file_is_a_move_not_abolish_and_add(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    assert changed_paths(repo, c["propose"], c["move"]) == [diffmod.PathChange("R", NEW, MOVED)]
    diff = diff_revisions(repo, c["propose"], c["move"])
    assert [(p.code, p.change, p.old_path, p.path, p.moved) for p in diff.procedures] == [
        ("1.000100", "changed", NEW, MOVED, True)
    ]
    assert diff.added == [] and diff.removed == [] and diff.abolished == []
    assert fields(diff.procedures[0]) == [
        ("agencies/implementing", "/agencies/implementing/0", "added", None, "ubnd-tinh"),
        ("agencies/implementing", "/agencies/implementing/0", "removed", "so-tu-phap", None),
    ]


def test_approved_entry_and_list_decision(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["move"], c["approve"])
    assert [(e.code, e.change, e.status_old, e.status_new) for e in diff.entries] == [
        ("1.000100", "approved", "proposed", "approved")
    ]
    assert [(e.kind, e.key, e.change) for e in diff.entities] == [
        ("location-independent", "2025-danh-muc", "changed")
    ]
    assert fields(diff.entities[0]) == [
        ("decision/number", "/decision/number", "changed", "1/QĐ-UBND", "25/QĐ-UBND"),
        ("decision/date", "/decision/date", "changed", "2025-08-01", "2026-11-20"),
    ]


# --- the Markdown a reviewer reads ----------------------------------------------------------------------


def test_markdown_of_the_whole_change(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    text = render_markdown(diff_revisions(repo, c["base"], c["move"]))
    assert (
        text
        == f"""\
{MARKER}
## Thay đổi danh mục thủ tục hành chính

So sánh `{short(c["base"])}` → `{short(c["move"])}`.

- Thêm mới: 1 thủ tục
- Sửa đổi: 1 thủ tục
- Bãi bỏ: 1 thủ tục
- Danh mục không phụ thuộc địa giới hành chính: 1 đề xuất
- Dữ liệu dùng chung: 1 thay đổi

### Thủ tục thêm mới (1)

- **1.000100 Cấp bản sao văn bản công chứng** — Ủy ban nhân dân tỉnh; lĩnh vực Công chứng; cấp tỉnh
  `catalog/procedures/ubnd-tinh/1.000100.yaml`

### Thủ tục bãi bỏ (1)

- **1.013818 Đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng** — Sở Tư pháp
  - Trạng thái: đang thực hiện → đã bãi bỏ
  - Hết hiệu lực từ ngày: thêm 01/12/2026

### Thủ tục sửa đổi (1)

- **1.001193 Thủ tục đăng ký khai sinh** — Ủy ban nhân dân cấp xã
  - Nộp trực tuyến › Thời hạn giải quyết: 1 ngày làm việc → 3 ngày làm việc
  - Nộp trực tiếp › Lệ phí › Mức thu: 0 đ → 50.000 đ
  - Nộp trực tiếp › Lệ phí › Mô tả: «Miễn lệ phí đăng ký khai sinh đúng hạn» → «50.000 đồng/hồ sơ»
  - Thành phần hồ sơ «Giấy tờ phải nộp» › Giấy tờ: thêm «Bản sao giấy tờ tùy thân của người đi đăng ký»

### Danh mục TTHC tiếp nhận không phụ thuộc địa giới hành chính

- Đề xuất thêm **1.000100 Cấp bản sao văn bản công chứng** — cấp tỉnh (danh mục `2025-danh-muc`)

### Dữ liệu dùng chung

- Quyết định công bố `160/QĐ-BTP`:
  - Thủ tục được công bố › Thủ tục mới ban hành: thêm 1.000100 «Cấp bản sao văn bản công chứng»
"""
    )


def test_markdown_lines_of_each_step(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    moved = render_markdown(diff_revisions(repo, c["propose"], c["move"])).splitlines()
    assert "- Sửa đổi: 1 thủ tục (trong đó 1 chuyển tệp)" in moved
    assert moved[-4:] == [
        "- **1.000100 Cấp bản sao văn bản công chứng** — Ủy ban nhân dân tỉnh",
        f"  - Chuyển tệp: `{NEW}` → `{MOVED}`",
        "  - Cơ quan › Cơ quan thực hiện: thêm Ủy ban nhân dân tỉnh",
        "  - Cơ quan › Cơ quan thực hiện: bỏ Sở Tư pháp",
    ]
    approved = render_markdown(diff_revisions(repo, c["move"], c["approve"])).splitlines()
    assert approved[-7:] == [
        "- Phê duyệt **1.000100 Cấp bản sao văn bản công chứng** — cấp tỉnh (danh mục `2025-danh-muc`)",
        "",
        "### Dữ liệu dùng chung",
        "",
        "- Danh mục không phụ thuộc địa giới hành chính `2025-danh-muc` (Danh mục thủ tục hành chính tiếp nhận "
        "không phụ thuộc vào địa giới hành chính):",
        "  - Quyết định phê duyệt › Số, ký hiệu: «1/QĐ-UBND» → «25/QĐ-UBND»",
        "  - Quyết định phê duyệt › Ngày ký: 01/08/2025 → 20/11/2026",
    ]


def test_text_and_json_forms(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["base"], c["fee"])
    text = render_text(diff)
    assert text.splitlines()[:5] == [
        "THAY ĐỔI DANH MỤC THỦ TỤC HÀNH CHÍNH",
        "",
        f"So sánh {short(c['base'])} → {short(c['fee'])}.",
        "",
        "- Sửa đổi: 1 thủ tục",
    ]
    assert "  - Nộp trực tiếp › Lệ phí › Mức thu: 0 đ → 50.000 đ" in text.splitlines()
    assert "**" not in text and "`" not in text and MARKER not in text
    data = json.loads(render_json(diff))
    assert data["base"] == {"rev": c["base"], "commit": c["base"]}
    assert data["summary"]["procedures_changed"] == 1
    amount = data["procedures"][0]["fields"][1]
    assert amount == {
        "path": "channels[in_person]/fees[charge]/amount",
        "pointer": "/channels/1/fees/0/amount",
        "change": "changed",
        "old": 0,
        "new": 50000,
        "text": "Nộp trực tiếp › Lệ phí › Mức thu: 0 đ → 50.000 đ",
    }


def test_no_change(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["approve"], c["approve"])
    assert diff.empty
    assert render_markdown(diff).endswith("Không có thay đổi nào trong danh mục.\n")


# --- the working tree ------------------------------------------------------------------------------------


def test_working_tree_rename_delete_untracked_and_broken_file(work: tuple[Path, dict[str, str]]) -> None:
    repo, _ = work
    git(repo, "mv", XA, "catalog/procedures/ubnd-cap-xa/khai-sinh.yaml")  # a pure rename
    (repo / TP).unlink()  # a deleted file
    write(
        repo,
        "catalog/procedures/ubnd-cap-xa/1.000300.yaml",  # not yet added to git
        'code: "1.000300"\nname: Thủ tục mới chưa commit\nstatus: draft\n',
    )
    write(repo, "catalog/procedures/ubnd-cap-xa/1.000400.yaml", 'code: "1.000400"\nname: [không đóng ngoặc\n')
    diff = diff_revisions(repo, "HEAD")
    assert (diff.head, diff.head_commit) == (None, None)
    assert [(p.code, p.change, p.old_path, p.path) for p in diff.procedures] == [
        ("1.000300", "added", None, "catalog/procedures/ubnd-cap-xa/1.000300.yaml"),
        ("1.013818", "removed", None, TP),
        ("1.001193", "changed", XA, "catalog/procedures/ubnd-cap-xa/khai-sinh.yaml"),
    ]
    assert diff.procedures[2].fields == []
    assert [(d.file, d.line, d.code) for d in diff.problems] == [
        ("catalog/procedures/ubnd-cap-xa/1.000400.yaml", 3, "yaml-syntax")
    ]
    lines = render_markdown(diff).splitlines()
    assert "So sánh `HEAD` (`" in lines[3] and lines[3].endswith("→ bản đang sửa (chưa commit).")
    assert "- Xóa tệp: 1 thủ tục" in lines
    assert "### Thủ tục bị xóa tệp (1)" in lines
    assert "- Tệp không đọc được: 1" in lines


def test_an_unreadable_file_is_not_a_removed_procedure(work: tuple[Path, dict[str, str]]) -> None:
    repo, _ = work
    (repo / XA).write_text('code: "1.001193"\nname: [broken\n', encoding="utf-8")
    diff = diff_revisions(repo, "HEAD")
    assert diff.procedures == []
    assert [d.file for d in diff.problems] == [XA]


# --- the library's contract ------------------------------------------------------------------------------


def test_partial_snapshots_give_the_same_diff_as_full_ones(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    partial = diff_revisions(repo, c["base"], c["approve"])
    full = diff_snapshots(snapshot_at(repo, c["base"]), snapshot_at(repo, c["approve"]))

    def key(diff: CatalogDiff) -> Any:
        return (
            [(p.code, p.change, p.path, p.old_path, p.fields) for p in diff.procedures],
            diff.entries,
            diff.entities,
            diff.problems,
        )

    assert key(partial) == key(full)
    assert render_markdown(partial) == render_markdown(full)


def test_snapshot_reads_blobs_with_one_ls_tree_and_one_cat_file(
    history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, c = history
    calls: list[str] = []
    real = snapshot.git

    def spy(where: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
        calls.append(args[0])
        return real(where, *args, input_bytes=input_bytes)

    monkeypatch.setattr(snapshot, "git", spy)
    read = snapshot_at(repo, c["approve"])
    assert [call for call in calls if call != "rev-parse"] == ["ls-tree", "cat-file"]
    assert len(read.files) == 11 and read.failed == {}
    assert read.files[MOVED]["code"] == "1.000100"


def test_inserted_document_is_one_addition() -> None:
    old = {"dossier": [{"documents": [{"name": "A", "copies": 1}, {"name": "B"}, {"name": "C"}]}]}
    new = {
        "dossier": [{"documents": [{"name": "A", "copies": 1}, {"name": "X"}, {"name": "B"}, {"name": "C"}]}]
    }
    assert diff_values(old, new) == [
        FieldChange(
            ("dossier", ItemKey((None,)), "documents", ItemKey(("X",))),
            "/dossier/0/documents/1",
            "added",
            None,
            {"name": "X"},
        )
    ]
    assert describe(diff_values(old, new)[0], markdown=True) == "Thành phần hồ sơ › Giấy tờ: thêm «X»"


def test_list_items_matched_by_natural_key() -> None:
    law = {"number": "60/2014/QH13", "title": "Luật Hộ tịch"}
    decree = {"number": "123/2015/NĐ-CP", "title": "Nghị định"}
    assert diff_values({"legal_basis": [law, decree]}, {"legal_basis": [decree, law]}) == []  # reordered
    old = {"channels": [{"channel": "in_person", "fees": [{"amount": 0}]}]}
    new = {
        "channels": [
            {"channel": "online", "fees": [{"amount": 0}]},
            {"channel": "in_person", "fees": [{"amount": 10000}]},
        ]
    }
    assert [(f.path_text(), f.change, f.old, f.new) for f in diff_values(old, new)] == [
        ("channels[online]", "added", None, {"channel": "online", "fees": [{"amount": 0}]}),
        ("channels[in_person]/fees[#1]/amount", "changed", 0, 10000),
    ]
    assert [
        (f.change, f.old, f.new) for f in diff_values({"levels": ["tinh", "xa"]}, {"levels": ["xa", "tinh"]})
    ] == []
    steps = diff_values({"steps": [{"items": ["a", "b", "c"]}]}, {"steps": [{"items": ["a", "b2", "c"]}]})
    assert [(f.pointer, f.change, f.old, f.new) for f in steps] == [
        ("/steps/0/items/1", "changed", "b", "b2")
    ]
    assert [f.change for f in diff_values({"copies": 1}, {"copies": True})] == ["changed"]


def test_status_becoming_abolished_counts_as_abolished(tmp_path: Path) -> None:
    old = diffmod.Snapshot(tmp_path, "a", "a", {TP: ""}, {TP: {"code": "1.013818", "status": "active"}})
    new = diffmod.Snapshot(tmp_path, "b", "b", {TP: ""}, {TP: {"code": "1.013818", "status": "abolished"}})
    assert [p.change for p in diff_snapshots(old, new).procedures] == ["abolished"]
    assert [p.change for p in diff_snapshots(new, old).procedures] == ["changed"]  # restored


def test_vietnamese_formatting() -> None:
    assert vi_format.money(50000) == "50.000 đ"
    assert vi_format.money(100000) == "100.000 đ"
    assert vi_format.money(0) == "0 đ"
    assert vi_format.money(3500000) == "3.500.000 đ"
    assert vi_format.number(0.5) == "0,5"
    assert vi_format.date("2026-12-01") == "01/12/2026"
    assert diff_render.duration({"value": 5, "unit": "working_days"}) == "5 ngày làm việc"
    assert diff_render.duration({"value": 1.5, "unit": "days"}) == "1,5 ngày"
    assert diff_render.duration({"text": "Ngay trong ngày"}) == "Ngay trong ngày"


def test_markdown_escapes_and_is_cut_short(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    diff = diff_revisions(repo, c["base"], c["move"])
    diff.procedures[0].name = "Tên có *dấu sao* và <thẻ>"
    assert "**1.000100 Tên có \\*dấu sao\\* và \\<thẻ\\>**" in render_markdown(diff)
    short_text = render_markdown(diff, limit=900)
    assert len(short_text) < 900
    assert "Bản tóm tắt quá dài nên dừng ở đây" in short_text


# --- the command -----------------------------------------------------------------------------------------


def test_command_formats_and_exit_codes(history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo, c = history
    code, out, err = cli(c["base"], c["fee"], "--format", "markdown", cwd=repo)
    assert (code, err) == (0, "") and out.startswith(MARKER)
    code, out, _ = cli(c["base"], c["fee"], "--format", "json", cwd=repo)
    assert json.loads(out)["summary"]["procedures_changed"] == 1
    code, out, _ = cli(c["base"], c["fee"], cwd=repo)
    assert out.startswith("THAY ĐỔI DANH MỤC")
    code, out, err = cli("khong-co-nhanh-nay", cwd=repo)
    assert (code, out) == (2, "")
    assert err == (
        "catalog diff: error: unknown revision 'khong-co-nhanh-nay': not a commit, branch or tag of "
        "this repository (for a pull request's base, fetch it first: git fetch origin main)\n"
    )
    plain = tmp_path / "plain"
    shutil.copytree(repo / "catalog", plain / "catalog")
    code, out, err = cli("main", cwd=plain)
    assert code == 2 and err == f"catalog diff: error: {plain} is not inside a git repository\n"
    with pytest.raises(GitError, match="not a revision"):
        diff_revisions(repo, "--output=x")


def test_reference_data_changes(work: tuple[Path, dict[str, str]]) -> None:
    repo, _ = work
    agencies = repo / "catalog" / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8").replace(
        '    parent: ubnd-tinh\n    team: "@tthc-vinh-long/ubnd-phuong-long-chau"',
        '    parent: ubnd-cap-xa\n    team: "@tthc-vinh-long/ubnd-phuong-long-chau"',
    )
    agencies.write_text(
        text + "  - id: so-y-te\n    name: Sở Y tế\n    level: tinh\n    kind: department\n"
        '    team: "@tthc-vinh-long/so-y-te"\n',
        encoding="utf-8",
    )
    diff = diff_revisions(repo, "HEAD")
    assert [(e.kind, e.key, e.change, e.pointer) for e in diff.entities] == [
        ("agency", "so-y-te", "added", "/agencies/5"),
        ("agency", "ubnd-phuong-long-chau", "changed", "/agencies/3"),
    ]
    assert render_markdown(diff).splitlines()[-3:] == [
        "- Cơ quan `so-y-te` (Sở Y tế): thêm mới",
        "- Cơ quan `ubnd-phuong-long-chau` (Ủy ban nhân dân phường Long Châu):",
        "  - Cơ quan cấp trên: Ủy ban nhân dân tỉnh → Ủy ban nhân dân cấp xã",
    ]


def test_map_keyed_by_level_reads_as_level_and_agency_names(history: tuple[Path, dict[str, str]]) -> None:
    if schemadoc.node("sectors", ("sectors", "*", "responsible")) is None:
        pytest.skip("schemas/sectors.schema.json has no level-keyed `responsible` map")
    repo, c = history
    diff = diff_revisions(repo, c["base"], c["fee"])  # for the names of the fixture catalog
    changes = diff_values(
        {"responsible": {"tinh": "so-tu-phap"}}, {"responsible": {"tinh": "ubnd-tinh", "xa": "ubnd-cap-xa"}}
    )
    assert [describe(f, diff.names, schema="sectors", base=("sectors", "*")) for f in changes] == [
        "Cơ quan phụ trách theo cấp › Cấp tỉnh: Sở Tư pháp → Ủy ban nhân dân tỉnh",
        "Cơ quan phụ trách theo cấp › Cấp xã: thêm Ủy ban nhân dân cấp xã",
    ]


def test_a_mass_import_is_summarised_section_by_section(tmp_path: Path) -> None:
    files = {
        f"catalog/procedures/so-tu-phap/1.{n:06d}.yaml": {"code": f"1.{n:06d}", "name": f"Thủ tục {n}"}
        for n in range(120)
    }
    old = diffmod.Snapshot(tmp_path, "a", "a" * 40, {})
    new = diffmod.Snapshot(tmp_path, "b", "b" * 40, dict.fromkeys(files, ""), dict(files))
    diff = diff_snapshots(old, new)
    lines = render_markdown(diff).splitlines()
    assert "- Thêm mới: 120 thủ tục" in lines and "### Thủ tục thêm mới (120)" in lines
    assert sum(line.startswith("- **1.") for line in lines) == 100
    assert lines[-1] == "- … và 20 thủ tục khác (bản đầy đủ ở trang Summary của lần kiểm tra)"
    assert sum(line.startswith("- **1.") for line in render_markdown(diff, limit=None).splitlines()) == 120
    assert sum(line.startswith("- 1.") for line in render_text(diff).splitlines()) == 120


def test_limit_option(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    code, out, _ = cli(c["base"], c["move"], "--format", "markdown", "--limit", "0", cwd=repo)
    assert code == 0 and "quá dài" not in out
    code, out, _ = cli(c["base"], c["move"], "--format", "markdown", "--limit", "1000", cwd=repo)
    assert code == 0 and "Bản tóm tắt quá dài nên dừng ở đây" in out and len(out) < 1000
    code, _, err = cli(c["base"], "--limit", "-1", cwd=repo)
    assert (code, err) == (
        2,
        "catalog diff: error: --limit must be 0 (no limit) or a number of characters, not -1\n",
    )


def test_life_event_changes(work: tuple[Path, dict[str, str]]) -> None:
    """Life events are reviewed like the other reference lists: added, then changed field by field."""
    repo, _ = work
    events = repo / "catalog" / "life-events.yaml"
    events.write_text(
        "events:\n  - id: sinh-con\n    title: Sinh con\n    description: Đăng ký khai sinh cho con.\n"
        '    procedures:\n      - code: "1.001193"\n',
        encoding="utf-8",
    )
    diff = diff_revisions(repo, "HEAD")
    assert [(e.kind, e.key, e.change, e.pointer) for e in diff.entities] == [
        ("life-event", "sinh-con", "added", "/events/0"),
    ]
    assert render_markdown(diff).splitlines()[-1] == "- Sự kiện trong đời `sinh-con` (Sinh con): thêm mới"
    git(repo, "add", "catalog/life-events.yaml")
    git(repo, "commit", "-qm", "life events")
    events.write_text(
        events.read_text(encoding="utf-8").replace("cho con.", "cho con trong 60 ngày."), encoding="utf-8"
    )
    diff = diff_revisions(repo, "HEAD")
    assert [(e.kind, e.key, e.change) for e in diff.entities] == [("life-event", "sinh-con", "changed")]
    assert fields(diff.entities[0]) == [
        (
            "description",
            "/description",
            "changed",
            "Đăng ký khai sinh cho con.",
            "Đăng ký khai sinh cho con trong 60 ngày.",
        )
    ]
    assert render_markdown(diff).splitlines()[-2:] == [
        "- Sự kiện trong đời `sinh-con` (Sinh con):",
        "  - Mô tả: «Đăng ký khai sinh cho con.» → «Đăng ký khai sinh cho con trong 60 ngày.»",
    ]
