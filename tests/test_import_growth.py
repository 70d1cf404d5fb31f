"""Reference data that grows with the import, honest dates, the quality report, review warnings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from importer_support import mapping_of

from generator.cli import main
from generator.importer.agency_names import agency_key
from generator.importer.dvcqg import import_records
from generator.importer.yamlout import dump_yaml, load_yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURES = HERE / "fixtures" / "dvcqg"
SHARED_RECORDS = REPO.parent / "shared" / "data" / "dvcqg" / "records"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    for name in ("sectors.yaml", "agencies.yaml"):
        shutil.copy(FIXTURES / "catalog" / name, root / name)
    return root


def without_sector(catalog: Path, sector_id: str) -> None:
    text = (catalog / "sectors.yaml").read_text(encoding="utf-8")
    data = load_yaml(text)
    kept = [s for s in data["sectors"] if s["id"] != sector_id]
    assert len(kept) == len(data["sectors"]) - 1
    (catalog / "sectors.yaml").write_text(dump_yaml({"sectors": kept}), encoding="utf-8")


def test_agency_names_are_compared_as_people_read_them() -> None:
    assert agency_key("Bộ phận Một cửa của Sở Tư pháp Thành phố Hà Nội") == "so tu phap"
    assert agency_key("Bộ phận tiếp nhận và trả kết quả UBND cấp xã") == "ubnd xa"
    assert agency_key("Ủy ban nhân dân cấp tỉnh.") == agency_key("UBND tỉnh") == "ubnd tinh"
    assert agency_key("Kho bạc Nhà nước - Bộ tài chính") == "kho bac nha nuoc"
    assert agency_key("Chi cục Kiểm Lâm sở Nông nghiệp và Môi trường") == "chi cuc kiem lam"
    assert agency_key("Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ TP HCM") == (
        "phong canh sat phong chay chua chay va cuu nan cuu ho"
    )


AGENCIES = [
    {"id": "ubnd-tinh", "name": "Ủy ban nhân dân tỉnh", "level": "tinh", "kind": "peoples_committee"},
    {"id": "so-tai-chinh", "name": "Sở Tài chính", "level": "tinh", "kind": "department"},
    {"id": "thue-tinh", "name": "Thuế tỉnh", "level": "tinh", "kind": "central_branch"},
    {"id": "thue-co-so", "name": "Thuế cơ sở", "level": "xa", "kind": "central_branch"},
    {"id": "cong-an-tinh", "name": "Công an tỉnh", "level": "tinh", "kind": "police"},
    {"id": "bhxh-tinh", "name": "Bảo hiểm xã hội tỉnh", "level": "tinh", "kind": "central_branch"},
    {"id": "pa08", "name": "Phòng Quản lý xuất nhập cảnh", "level": "tinh", "kind": "police"},
    {"id": "pa03", "name": "Phòng Quản lý xuất nhập khẩu hàng hóa", "level": "tinh", "kind": "police"},
    {"id": "bql", "name": "Ban Quản lý các khu công nghiệp", "level": "tinh", "kind": "department"},
    {
        "id": "tgpl",
        "name": "Trung tâm Trợ giúp pháp lý nhà nước",
        "level": "tinh",
        "kind": "public_service_unit",
    },
]


def test_only_small_letter_pieces_continue_a_name() -> None:
    mapping = mapping_of([], AGENCIES)
    # A folded place or ministry qualifier cut the rest away: "Sở Tài chính các tỉnh, thành phố,
    # Ủy ban nhân dân cấp tỉnh" once folded to "so tai chinh", losing the committee.
    match = mapping.match_agencies(
        "Sở Tài chính các tỉnh, thành phố, Ủy ban nhân dân cấp tỉnh, Thuế tỉnh, thành phố"
    )
    assert (match.ids, match.unmapped) == (("so-tai-chinh", "ubnd-tinh", "thue-tinh"), ())
    match = mapping.match_agencies("Công an cấp Tỉnh, Bộ Công an, Cục Chính sách, Bảo hiểm xã hội tỉnh")
    assert (match.ids, match.unmapped) == (("cong-an-tinh", "bhxh-tinh"), ("Bộ Công an", "Cục Chính sách"))
    # A renaming (data/reorganisation-2025.yaml: "Ban Quản lý khu …") over a name with commas.
    match = mapping.match_agencies(
        "Ban quản lý khu công nghiệp, khu kinh tế, khu chế xuất, khu công nghệ cao các tỉnh, thành phố, Sở Tài chính"
    )
    assert (match.ids, match.unmapped) == (("bql", "so-tai-chinh"), ())


def test_a_shortened_name_maps_only_to_the_one_agency_it_fits() -> None:
    mapping = mapping_of([], AGENCIES)
    assert mapping.match_agencies("Phòng Xuất nhập cảnh").ids == ("pa08",)
    assert mapping.match_agencies("Giám đốc Trung tâm trợ giúp pháp lý").ids == ("tgpl",)
    assert mapping.match_agencies("Phòng Quản lý xuất nhập").ids == ()  # fits both PA08 and PA03
    assert mapping.match_agencies("Cục quản lý xuất nhập cảnh").unmapped == ("Cục quản lý xuất nhập cảnh",)


def test_a_body_named_by_its_function_is_todays_body_at_the_records_level() -> None:
    mapping = mapping_of([], AGENCIES)
    assert mapping.match_agencies("Cơ quan thuế", "tinh").ids == ("thue-tinh",)
    assert mapping.match_agencies("Cơ quan thuế", "xa").ids == ("thue-co-so",)
    assert mapping.match_agencies("Cơ quan đăng ký đầu tư").ids == ("so-tai-chinh",)
    assert mapping.match_agencies("Cơ quan chủ quản", "xa").ids == ()


def test_unknown_sector_is_created_with_responsible_agency_and_marked(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without_sector(catalog, "ho-tich")
    before = (catalog / "sectors.yaml").read_text(encoding="utf-8")
    code = main(
        [
            "import",
            "dvcqg",
            str(FIXTURES / "records" / "bo-tu-phap"),
            "--into",
            str(catalog),
            "--verified-on",
            "2026-11-25",
            "--format",
            "json",
        ]
    )
    payload = json.loads(capsys.readouterr().out)
    assert code == 0, payload["skipped"]
    assert payload["created_sectors"] == ["ho-tich"]
    after = (catalog / "sectors.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # the existing text is kept byte for byte
    assert after[len(before) :] == (
        "  - id: ho-tich\n    name: Hộ tịch\n    ministry: Bộ Tư pháp\n"
        "    portal_names:\n      - Hộ tịch\n    responsible:\n      xa: ubnd-cap-xa\n"
        "    created_by_import: true\n"
    )
    procedure = load_yaml(
        (catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml").read_text(encoding="utf-8")
    )
    assert procedure["sector"] == "ho-tich"
    assert procedure["import_notes"][0] == {
        "field": "/sector",
        "kind": "sector-created",
        "note": "sector 'ho-tich' was created by an import from the record's name 'Hộ tịch' and awaits review "
        "in sectors.yaml",
    }
    assert payload["warning_counts"]["sector-created"] == 2  # the procedure's note and the sectors.yaml entry


def test_quality_report_counts_structured_and_text_forms(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "import",
            "dvcqg",
            str(FIXTURES / "records"),
            "--into",
            str(catalog),
            "--dry-run",
            "--format",
            "json",
        ]
    )
    payload = json.loads(capsys.readouterr().out)
    assert code == 1  # bo-nong-nghiep-mt/1.005319 names no agency and its sector has none: skipped
    # Counted by hand over the nine imported fixture records: times 1+2+3+3+3+3 with a unit and 3+3+2
    # bare numbers (2.002009, 1.000080, 3.000163); one fee in USD; documents 6+4+5+1+8+22+28+3+3;
    # dated legal bases 1+1+1+1+4+2 of 58; 1.001010 has no online channel.
    assert payload["quality"] == {
        "processing_times": {"with unit": 15, "unknown unit": 8, "text": 0},
        "fees": {"amount": 22, "text": 1},
        "documents": {"with count": 80, "no count": 0},
        "legal_basis": {"with date": 10, "with number": 48, "title only": 0},
        "steps": {"in cases": 0, "one list": 9},
        "online_level": {"full": 0, "partial": 0, "none": 1, "unknown": 8},
        "implementing_agency": {"named": 9, "inferred": 0},
    }
    capsys.readouterr()
    main(["import", "dvcqg", str(FIXTURES / "records"), "--into", str(catalog), "--dry-run"])
    text = capsys.readouterr().out
    assert "  processing times: with unit 15 (65.2%), unknown unit 8 (34.8%), text 0 (0.0%)\n" in text


def test_usage_errors_exit_2(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["import", "dvcqg", str(FIXTURES / "records"), "--into", str(catalog), "--verified-on", "x"])
        == 2
    )
    assert "--verified-on is not a date" in capsys.readouterr().err


def test_validate_warns_about_entries_awaiting_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(HERE / "cases" / "base", tmp_path / "repo")
    sectors = tmp_path / "repo" / "catalog" / "sectors.yaml"
    text = sectors.read_text(encoding="utf-8")
    sectors.write_text(
        text.replace(
            "    ministry: Bộ Tư pháp\n", "    ministry: Bộ Tư pháp\n    created_by_import: true\n", 1
        ),
        encoding="utf-8",
    )
    assert main(["validate", str(tmp_path / "repo")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [
        "1 warnings (not errors):",
        "  warning: catalog/sectors.yaml:5:24: /sectors/0/created_by_import: sector 'ho-tich' was created by an "
        "import and awaits review: check it, then delete created_by_import [created-by-import]",
    ]
    assert main(["validate", str(tmp_path / "repo"), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is True and [w["code"] for w in payload["warnings"]] == ["created-by-import"]


def test_reimport_of_the_landed_catalog_without_a_date_changes_no_file(tmp_path: Path) -> None:
    if not SHARED_RECORDS.is_dir():
        pytest.skip(f"real data not available: {SHARED_RECORDS} is absent (../shared beside the repository)")
    catalog = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", catalog)  # copy2: contents and modification times
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in catalog.rglob("*") if p.is_file()}
    report = import_records([SHARED_RECORDS], catalog)
    assert (len(report.imported), len(report.updated), len(report.unchanged)) == (0, 0, 1212)
    assert report.decisions["new"] == report.decisions["updated"] == []
    assert report.created_sectors == report.created_agencies == []
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in catalog.rglob("*") if p.is_file()}
    assert after == before
