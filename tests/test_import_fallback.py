"""Fallbacks of the importer (fixtures only, no ../shared): a record that names no agency of the
province takes its sector's ``responsible`` agency; a decision number without an issuer code takes
the ministry of the records' folder; dissolved agencies give way to their successors; a record
whose page text is another procedure's is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from importer_support import mapping_of

from generator.importer.dvcqg import decision_document, folder_ministries, import_records
from generator.importer.dvcqg_parse import parse_record
from generator.importer.mapping import Mapping, load_mapping
from generator.importer.yamlout import dump_yaml, load_yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dvcqg"
RECORDS = FIXTURES / "records"
DAY = "2026-11-25"
GENERIC = "Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ định"
# The fixture mapping's sectors given a responsible agency here; Chính sách has none.
RESPONSIBLE = {
    "ho-tich": {"tinh": "so-tu-phap", "xa": "ubnd-cap-xa"},
    "trong-tai-thuong-mai": {"tinh": "so-tu-phap"},
    "thu-y": {"tinh": "so-nong-nghiep-moi-truong"},
    "quan-ly-xuat-nhap-canh": {"tinh": "phong-quan-ly-xuat-nhap-canh", "xa": "ubnd-cap-xa"},
}


def record(name: str, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDS / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    if changes:  # the page text no longer says what the changed fields do: do not read it back
        data["raw_text"] = ""
    return data


NO_AGENCY = record("bo-nong-nghiep-mt/1.005319", cap_thuc_hien="Cấp xã")


def lists(
    extra_agencies: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sectors = load_yaml((FIXTURES / "catalog" / "sectors.yaml").read_text(encoding="utf-8"))["sectors"]
    agencies = load_yaml((FIXTURES / "catalog" / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    for sector in sectors:
        if sector["id"] in RESPONSIBLE:
            sector["responsible"] = RESPONSIBLE[sector["id"]]
    return sectors, agencies + (extra_agencies or [])


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return mapping_of(*lists())


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    sectors, agencies = lists()
    (root / "sectors.yaml").write_text(dump_yaml({"sectors": sectors}), encoding="utf-8")
    (root / "agencies.yaml").write_text(dump_yaml({"agencies": agencies}), encoding="utf-8")
    return root


def codes(parsed: Any) -> list[str]:
    return [n.code for n in parsed.notes]


# --- the sector's responsible agency --------------------------------------------------------


def test_sector_responsible_agencies_are_read_by_level(mapping: Mapping) -> None:
    assert mapping.responsible_for("ho-tich", ["tinh", "xa"]) == {"tinh": "so-tu-phap", "xa": "ubnd-cap-xa"}
    assert mapping.responsible_for("ho-tich", ["xa"]) == {"xa": "ubnd-cap-xa"}
    assert mapping.responsible_for("thu-y", ["xa"]) == {}
    assert mapping.responsible_for("chinh-sach", ["tinh"]) == {}
    assert mapping.conflicts == []


def test_record_naming_no_agency_takes_the_sectors_responsible_agency(mapping: Mapping) -> None:
    data = record(
        "bo-tu-phap/1.000080",
        co_quan_thuc_hien="Không có thông tin",
        co_quan_co_tham_quyen="",
        trinh_tu_thuc_hien="",
    )
    parsed = parse_record(data, mapping=mapping, verified_on=DAY)
    assert parsed.fatal == []
    assert parsed.procedure["levels"] == ["xa"]
    assert parsed.procedure["agencies"] == {"implementing": ["ubnd-cap-xa"]}
    note = next(n for n in parsed.notes if n.code == "implementing-from-sector")
    assert note.pointer == "/agencies/implementing"
    assert note.message.startswith(
        "implementing agency taken from the sector's responsible agency: ubnd-cap-xa (xa)"
    )
    assert "names no agency" in note.message


def test_generic_phrase_takes_the_responsible_agency_and_stays_external(mapping: Mapping) -> None:
    data = record("bo-nong-nghiep-mt/1.011477", co_quan_thuc_hien=GENERIC)
    parsed = parse_record(data, mapping=mapping, verified_on=DAY)
    assert parsed.fatal == []
    assert parsed.procedure["sector"] == "thu-y"
    assert parsed.procedure["agencies"] == {
        "implementing": ["so-nong-nghiep-moi-truong"],
        "external": [GENERIC],
    }
    assert parsed.unmapped_agencies == [GENERIC]
    assert "implementing-from-sector" in codes(parsed)
    assert GENERIC in next(n.message for n in parsed.notes if n.code == "implementing-from-sector")


def test_record_at_both_levels_gets_both_agencies_province_first(mapping: Mapping) -> None:
    data = record(
        "bo-tu-phap/1.000080",
        co_quan_thuc_hien="Không có thông tin",
        co_quan_co_tham_quyen="",
        cap_thuc_hien="Cấp xã, Cấp tỉnh",
        trinh_tu_thuc_hien="",
    )
    parsed = parse_record(data, mapping=mapping, verified_on=DAY)
    assert parsed.procedure["levels"] == ["tinh", "xa"]
    assert parsed.procedure["agencies"]["implementing"] == ["so-tu-phap", "ubnd-cap-xa"]


def test_a_level_without_responsible_agency_is_named_in_the_warning(mapping: Mapping) -> None:
    data = record("bo-nong-nghiep-mt/1.011477", co_quan_thuc_hien=GENERIC, cap_thuc_hien="Cấp tỉnh, Cấp xã")
    parsed = parse_record(data, mapping=mapping, verified_on=DAY)
    assert parsed.fatal == []
    assert parsed.procedure["agencies"]["implementing"] == ["so-nong-nghiep-moi-truong"]
    assert "; none at level xa;" in next(
        n.message for n in parsed.notes if n.code == "implementing-from-sector"
    )


def test_no_responsible_agency_means_the_record_is_skipped(mapping: Mapping) -> None:
    # Thú y, its steps sending the dossier to "Cơ quan được Chủ tịch Ủy ban nhân dân cấp tỉnh giao
    # …", moved to Cấp xã, where the sector has no responsible agency here.
    parsed = parse_record(NO_AGENCY, mapping=mapping, verified_on=DAY)
    assert [n.code for n in parsed.fatal] == ["no-agency-in-record"]
    assert parsed.fatal[0].message.endswith("and sector 'thu-y' has no responsible agency at its levels (xa)")
    data = record("bo-nong-nghiep-mt/1.011477", co_quan_thuc_hien=GENERIC, cap_thuc_hien="Cấp xã")
    parsed = parse_record(data, mapping=mapping, verified_on=DAY)
    assert [n.code for n in parsed.fatal] == ["no-implementing-agency"]
    assert (
        GENERIC in parsed.fatal[0].message and "'thu-y' has no responsible agency" in parsed.fatal[0].message
    )


def test_mapped_agencies_win_over_the_fallback(mapping: Mapping) -> None:
    parsed = parse_record(record("bo-tu-phap/1.000080"), mapping=mapping, verified_on=DAY)
    assert parsed.procedure["agencies"]["implementing"] == ["ubnd-cap-xa"]
    assert "implementing-from-sector" not in codes(parsed)
    data = record("bo-tu-phap/1.001609", co_quan_thuc_hien="Không có thông tin")
    parsed = parse_record(data, mapping=mapping_of(*lists()), verified_on=DAY)
    assert "implementing-from-competent" in codes(parsed) and "implementing-from-sector" not in codes(parsed)


def test_unknown_responsible_agency_is_a_conflict_not_a_fallback() -> None:
    sectors, agencies = lists()
    sectors[0]["responsible"] = {"xa": "ubnd-xa-khong-co"}
    mapping = mapping_of(sectors, agencies)
    assert mapping.responsible_for(sectors[0]["id"], ["xa"]) == {}
    assert mapping.conflicts == [
        f"sector {sectors[0]['id']!r}: responsible agency 'ubnd-xa-khong-co' at level "
        "'xa' is not in agencies.yaml; not used"
    ]


def test_import_writes_fallback_records_and_reports_them(catalog: Path, tmp_path: Path) -> None:
    source = tmp_path / "records" / "bo-tu-phap"
    source.mkdir(parents=True)
    data = record(
        "bo-tu-phap/1.000080", co_quan_thuc_hien=GENERIC, co_quan_co_tham_quyen="", trinh_tu_thuc_hien=""
    )
    (source / "1.000080.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (source / "1.005319.json").write_text(json.dumps(NO_AGENCY, ensure_ascii=False), encoding="utf-8")
    report = import_records([tmp_path / "records"], catalog, verified_on=DAY)
    assert report.imported == ["catalog/procedures/ubnd-cap-xa/1.000080.yaml"]
    written = load_yaml(
        (catalog / "procedures" / "ubnd-cap-xa" / "1.000080.yaml").read_text(encoding="utf-8")
    )
    assert written["agencies"] == {"implementing": ["ubnd-cap-xa"], "external": [GENERIC]}
    warning = next(d for d in report.warnings if d.code == "implementing-from-sector")
    assert warning.file == "catalog/procedures/ubnd-cap-xa/1.000080.yaml"
    assert report.unmapped_agencies[GENERIC] == 1
    assert [(Path(d.file).name, d.code) for d in report.skipped] == [("1.005319.json", "no-agency-in-record")]
    assert "no responsible agency" in report.skipped[0].message


def test_real_fixture_mapping_has_no_responsible_and_still_loads() -> None:
    assert load_mapping(FIXTURES / "catalog").responsible == {}


# --- dissolved agencies and mismatched pages ------------------------------------------------


def test_dissolved_agency_gives_way_to_its_successor() -> None:
    old = {
        "id": "ubnd-cap-huyen",
        "name": "Ủy ban nhân dân cấp huyện",
        "level": "huyen",
        "kind": "collective",
        "portal_names": ["UBND cấp huyện"],
        "until": "2025-06-30",
        "successor": "ubnd-cap-xa",
    }
    mapping = mapping_of(*lists([old]))
    data = record(
        "bo-tu-phap/1.000080", co_quan_thuc_hien="UBND cấp huyện, Ủy ban nhân dân xã, phường, thị trấn"
    )
    parsed = parse_record(data, mapping=mapping, verified_on=DAY)
    assert parsed.procedure["agencies"]["implementing"] == ["ubnd-cap-xa"]
    note = next(n for n in parsed.notes if n.code == "agency-succeeded")
    assert note.message == (
        "the record names ubnd-cap-huyen, which ended on 2025-06-30; its successor ubnd-cap-xa is used"
    )
    parsed = parse_record(data, mapping=mapping, verified_on="2025-06-01")  # still there then
    assert parsed.procedure["agencies"]["implementing"] == ["ubnd-cap-huyen", "ubnd-cap-xa"]


def test_page_text_of_another_procedure_is_refused(mapping: Mapping) -> None:
    data = record("bo-tu-phap/1.000080")
    assert "Mã thủ tục1.000080" in data["raw_text"]
    data["raw_text"] = data["raw_text"].replace("Mã thủ tục1.000080", "Mã thủ tục1.014023")
    parsed = parse_record(data, mapping=mapping, verified_on=DAY)
    assert [n.code for n in parsed.fatal] == ["code-mismatch"]
    assert "that of procedure 1.014023" in parsed.fatal[0].message


# --- decision issuers -----------------------------------------------------------------------


def test_folder_ministries() -> None:
    assert folder_ministries(["bo-tai-chinh", "bo-tai-chinh"]) == ["Bộ Tài chính"]
    assert folder_ministries(["toa-an-nhan-dan", "elsewhere"]) == ["Tòa án nhân dân tối cao"]
    assert folder_ministries(["elsewhere"]) == []
    assert decision_document("1681", ["1.000001"], None, "Bộ Tài chính")["issuer"] == "Bộ Tài chính"
    assert decision_document("163/QĐ-BTP", ["1.000001"], None, "Bộ Công an")["issuer"] == "Bộ Tư pháp"


@pytest.mark.parametrize(
    ("number", "folder", "issuer", "code"),
    [
        ("1681", "bo-tai-chinh", "Bộ Tài chính", "decision-issuer-from-folder"),
        ("01/QĐCB", "toa-an-nhan-dan", "Tòa án nhân dân tối cao", "decision-issuer-from-folder"),
        (
            "1763/QĐ-BNNNMT",
            "bo-nong-nghiep-mt",
            "Bộ Nông nghiệp và Môi trường",
            "decision-issuer-from-folder",
        ),
        ("163/QĐ-BTP", "bo-cong-an", "Bộ Tư pháp", None),  # the number says it: the folder is not asked
        (
            "226/QĐ-UBND",
            "bo-cong-an",
            None,
            "decision-issuer-unknown",
        ),  # a People's Committee's, not a ministry's
        ("1681", "downloads", None, "decision-issuer-unknown"),
    ],
)
def test_decision_issuer_falls_back_to_the_records_folder(
    catalog: Path, tmp_path: Path, number: str, folder: str, issuer: str | None, code: str | None
) -> None:
    source = tmp_path / "records" / folder
    source.mkdir(parents=True)
    data = record("bo-tu-phap/1.000080", so_quyet_dinh=number)
    (source / "1.000080.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = import_records([tmp_path / "records"], catalog, verified_on=DAY)
    assert len(report.imported) == 1
    path = catalog / "decisions" / (report.decisions["new"][0].rsplit("/", 1)[1])
    written = load_yaml(path.read_text(encoding="utf-8"))
    assert written.get("issuer") == issuer
    issuer_warnings = [d for d in report.warnings if d.code.startswith("decision-issuer")]
    assert [d.code for d in issuer_warnings] == ([code] if code else [])
    if code == "decision-issuer-from-folder":
        assert f"folder of its records ({folder})" in issuer_warnings[0].message
        again = import_records([tmp_path / "records"], catalog, verified_on=DAY)  # the file now says it
        assert again.decisions["unchanged"] and not [
            d for d in again.warnings if d.code.startswith("decision-issuer")
        ]


def test_records_of_two_ministries_give_no_issuer(catalog: Path, tmp_path: Path) -> None:
    for folder, name in (("bo-tai-chinh", "bo-tu-phap/1.000080"), ("bo-cong-an", "bo-cong-an/1.001010")):
        source = tmp_path / "records" / folder
        source.mkdir(parents=True)
        data = record(name, so_quyet_dinh="9303")
        (source / f"{data['ma_thu_tuc']}.json").write_text(
            json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )
    report = import_records([tmp_path / "records"], catalog, verified_on=DAY)
    assert len(report.imported) == 2
    warning = next(d for d in report.warnings if d.code.startswith("decision-issuer"))
    assert warning.code == "decision-issuer-unknown"
    assert warning.message.endswith("its records come from Bộ Công an, Bộ Tài chính")
