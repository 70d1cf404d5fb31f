"""Parsing of National Public Service Portal records (runs without ../shared: fixtures only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from generator.importer.dvcqg_channels import parse_channels
from generator.importer.dvcqg_dossier import parse_dossier
from generator.importer.dvcqg_legal import issuer_of, parse_legal_basis
from generator.importer.dvcqg_parse import (
    PROCEDURE_KEYS,
    parse_applicants,
    parse_record,
    parse_results,
    parse_steps,
    record_levels,
)
from generator.importer.mapping import Mapping, load_mapping

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dvcqg"
RECORDS = FIXTURES / "records"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
H_CHANNELS = "Hình thức nộpThời gianPhí, lệ phíMô tả"
H_DOSSIER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
H_LEGAL = "Tên văn bản pháp lýMã văn bản"


def record(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDS / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return load_mapping(FIXTURES / "catalog")


def procedure_validator() -> Draft202012Validator:
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.schema.json")]
    registry: Registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in schemas])
    main = next(s for s in schemas if s["$id"].endswith("/procedure.schema.json"))
    return Draft202012Validator(main, registry=registry, format_checker=FormatChecker(["date"]))


# --- channels -------------------------------------------------------------------------------


def test_channel_rows_time_units_and_fees() -> None:
    text = (
        H_CHANNELS + "Trực tuyến3 Ngày làm việc3,500,000 Việt Nam Đồng(/hồ sơ)(Giảm 50%)Nộp trên Cổng"
        "Trực tiếp30 NgàyMiễn phíDịch vụ bưu chính24 GiờKhông có thông tinTrực tiếp4 Tháng20,000 VNĐ"
    )
    channels, notes = parse_channels(text)
    assert [c["channel"] for c in channels] == ["online", "in_person", "postal", "in_person"]
    assert [c["processing_time"] for c in channels] == [
        {"value": 3, "unit": "working_days"},
        {"value": 30, "unit": "days"},
        {"value": 24, "unit": "hours"},
        {"value": 4, "unit": "months"},
    ]
    assert channels[0]["fees"] == [{"amount": 3500000, "description": "/hồ sơ; Giảm 50%"}]
    assert channels[0]["description"] == "Nộp trên Cổng"
    assert channels[1]["fees"] == [{"amount": 0, "description": "Miễn phí"}]
    assert "fees" not in channels[2]
    assert channels[3]["fees"] == [{"amount": 20000}]
    assert notes == []


def test_free_fee_keeps_its_note_and_several_fees_follow() -> None:
    channels, _ = parse_channels(
        H_CHANNELS + "Trực tuyến5 Ngày làm việcMiễn phí((Miễn lệ phí))"
        "50,000 Việt Nam Đồng(Phí cấp bản sao)Ghi chú"
    )
    assert channels[0]["fees"] == [
        {"amount": 0, "description": "Miễn phí (Miễn lệ phí)"},
        {"amount": 50000, "description": "Phí cấp bản sao"},
    ]
    assert channels[0]["description"] == "Ghi chú"


def test_channel_words_inside_descriptions_do_not_start_rows() -> None:
    text = (
        H_CHANNELS
        + "Trực tiếp5 Ngày làm việcMiễn phí- Trực tiếp: nộp tại Bộ phận Một cửa; Trực tuyến qua Cổng"
    )
    channels, _ = parse_channels(text)
    assert len(channels) == 1
    assert channels[0]["description"] == "- Trực tiếp: nộp tại Bộ phận Một cửa; Trực tuyến qua Cổng"


def test_unparseable_times_and_fees_are_kept_as_text_with_warnings() -> None:
    text = (
        H_CHANNELS + "Trực tuyến7Miễn phíTrực tiếp1100 VNĐ(100.000 đồng/lần)Dịch vụ bưu chính3 Ngày làm việc"
        "40 Việt Nam Đồng(40.000đ/giấy)Trực tiếp6 Tháng100 USD(100 USD/thẻ.)"
        "Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phí"
    )
    channels, notes = parse_channels(text)
    assert channels[0]["processing_time"] == {
        "value": 7,
        "unit": "unknown",
    }  # a number, no unit: never guessed
    # "1100 VNĐ" beside "100.000 đồng/lần": time 1 (no unit) glued to the fee the note states.
    assert channels[1]["processing_time"] == {"value": 1, "unit": "unknown"}
    assert channels[1]["fees"] == [{"amount": 100000, "description": "100.000 đồng/lần"}]
    # "40 Việt Nam Đồng" beside "40.000đ/giấy": the column is in thousands, its note says the amount
    assert channels[2]["fees"] == [{"amount": 40000, "description": "40.000đ/giấy"}]
    assert channels[3]["fees"] == [{"text": "100 USD", "description": "100 USD/thẻ."}]
    assert channels[4]["processing_time"] == {"text": "Không phải trả kết quả cho người nộp thuế"}
    assert [n.code for n in notes] == [
        "channel-time-no-unit",
        "channel-time-fee-split",
        "channel-fee-from-note",
        "channel-fee-foreign-currency",
        "channel-time-text",
    ]


# --- dossier --------------------------------------------------------------------------------


def test_dossier_cases_forms_and_quantities() -> None:
    text = (
        "a) Đối với cấp mới" + H_DOSSIER + "- Đơn đề nghị theo Mẫu số 01 ban hành kèm theo Thông tư số "
        "17/2026/TT-BNNMTMẫu số 01.docx1 bản chính- Bản sao hợp đồng;0 bản chính,1 bản sao"
        "b) Đối với cấp lại" + H_DOSSIER + "Tờ khai (nộp 01 bản chính) theo Mẫu số 181 bản chính"
    )
    groups, notes = parse_dossier(text)
    assert notes == []
    assert [g.get("case") for g in groups] == ["a) Đối với cấp mới", "b) Đối với cấp lại"]
    first, second = groups[0]["documents"]
    assert first == {
        "name": "- Đơn đề nghị theo Mẫu số 01 ban hành kèm theo Thông tư số 17/2026/TT-BNNMT",
        "form": {"name": "Mẫu số 01.docx"},
        "originals": 1,
    }
    assert second == {"name": "- Bản sao hợp đồng;", "originals": 0, "copies": 1}
    # "(nộp 01 bản chính)" is part of the name; "Mẫu số 18" + "1 bản chính" are glued digits.
    assert groups[1]["documents"] == [{"name": "Tờ khai (nộp 01 bản chính) theo Mẫu số 18", "originals": 1}]


def test_dossier_without_table_is_kept_as_one_document() -> None:
    groups, notes = parse_dossier("); nộp hồ sơ cho cơ quan BHXH.\nBước 2. Cơ quan BHXH tiếp nhận hồ sơ.")
    assert groups == [
        {"documents": [{"name": "); nộp hồ sơ cho cơ quan BHXH.\nBước 2. Cơ quan BHXH tiếp nhận hồ sơ."}]}
    ]
    assert [n.code for n in notes] == ["dossier-no-table"]
    assert parse_dossier("--") == ([], [])


# --- legal basis ----------------------------------------------------------------------------


def test_legal_basis_pairs_with_glued_numbers() -> None:
    text = (
        H_LEGAL + "Luật Đất đai ngày 18/01/2024;31/2024/QH15Nghị định 42/2020/NĐ-CP42/2020/NĐ-CP"
        "Luật Bảo vệ môi trường số 72/2020/QH14 ngày 17 tháng 11 năm 202072/2020/QH14"
        "Luật 60/2014/QH1360/2014/QH13Quy định mức thu, chế độ thu phí hỗ trợThông tư 218/2016/TT-BTC"
        "47/2019/TT-BTCThông tư 47/2019/TT-BTCCơ quan thực hiệnTòa án nhân dân tối cao"
    )
    items, notes = parse_legal_basis(text)
    assert notes == []
    assert [i["number"] for i in items] == [
        "31/2024/QH15",
        "42/2020/NĐ-CP",
        "72/2020/QH14",
        "60/2014/QH13",
        "218/2016/TT-BTC",
        "47/2019/TT-BTC",
    ]
    assert [i["title"] for i in items] == [
        "Luật Đất đai ngày 18/01/2024",
        "Nghị định 42/2020/NĐ-CP",
        "Luật Bảo vệ môi trường số 72/2020/QH14 ngày 17 tháng 11 năm 2020",
        "Luật 60/2014/QH13",
        "Quy định mức thu, chế độ thu phí hỗ trợ",
        "Thông tư 47/2019/TT-BTC",
    ]
    assert [i.get("issuer") for i in items] == [
        "Quốc hội",
        "Chính phủ",
        "Quốc hội",
        "Quốc hội",
        "Bộ Tài chính",
        "Bộ Tài chính",
    ]


def test_legal_basis_without_number_is_kept_as_title() -> None:
    items, notes = parse_legal_basis(H_LEGAL + "Nghị định 40/2016/NĐ-CP40/2016/NĐ-CPLuật Thú y 2015")
    assert items[-1] == {"title": "Luật Thú y 2015"}
    assert [n.code for n in notes] == ["legal-basis-no-number"]
    assert parse_legal_basis("Không có thông tin") == ([], [])


@pytest.mark.parametrize(
    ("number", "issuer"),
    [
        ("163/QĐ-BTP", "Bộ Tư pháp"),
        ("QĐ/0001-BCA", "Bộ Công an"),
        ("885/QĐ-BCA-C06", "Bộ Công an"),
        ("1707/QD-BTC", "Bộ Tài chính"),
        ("279/QĐ-BNNMT", "Bộ Nông nghiệp và Môi trường"),
        ("22/QĐ-TANDTC", "Tòa án nhân dân tối cao"),
        ("19/2018/QĐ-TTg", "Thủ tướng Chính phủ"),
        ("1687/NQ-UBTVQH15", "Ủy ban Thường vụ Quốc hội"),
        ("226/QĐ-UBND", None),
        ("9303", None),
        ("11/2016/TTLT-BTP-TANDTC-VKSNDTC", None),
    ],
)
def test_issuer_from_number(number: str, issuer: str | None) -> None:
    assert issuer_of(number) == issuer


# --- results, steps, applicants -------------------------------------------------------------


def test_results_keywords_description() -> None:
    text = (
        "Văn bản từ chốiMã: KQ.G12.001040Giấy chứng nhậnMã: KQ.G12.001052Từ khóaCấp lại thẻ căn cước"
        "Mô tảThời hạn 10 năm.Chọn cơ quan thực hiệnTỉnh/ Thành phố"
    )
    results, keywords, description, notes = parse_results(text)
    assert results == [
        {"name": "Văn bản từ chối", "code": "KQ.G12.001040"},
        {"name": "Giấy chứng nhận", "code": "KQ.G12.001052"},
    ]
    assert keywords == ["Cấp lại thẻ căn cước"]
    assert description == "Thời hạn 10 năm."
    assert notes == []
    results, keywords, description, notes = parse_results(
        "Văn bản tố tụngMã: VBTTTừ khóaKhông có thông tinMô tảKhông có thông tin"
    )
    assert results == [{"name": "Văn bản tố tụng (Mã: VBTT)"}]
    assert (keywords, description) == ([], "")
    assert [n.code for n in notes] == ["result-code-nonstandard"]
    # A placeholder typed on the portal is split off its result (it swallowed the next one) and left out
    results, _, _, notes = parse_results(
        "Quyết định đăng ký tập sự hoặc văn bản từ chối.Mã: hgvg6Quyết định xóa đăng ký tập sựMã: vgvj"
        "Từ khóaKhông có thông tinMô tảKhông có thông tin"
    )
    assert results == [
        {"name": "Quyết định đăng ký tập sự hoặc văn bản từ chối."},
        {"name": "Quyết định xóa đăng ký tập sự"},
    ]
    assert [(n.pointer, n.code, n.message) for n in notes] == [
        (
            "/results/0/name",
            "result-code-placeholder",
            "result code 'hgvg6' on the national portal is not a code (lower-case letters): left out",
        ),
        (
            "/results/1/name",
            "result-code-placeholder",
            "result code 'vgvj' on the national portal is not a code (lower-case letters): left out",
        ),
    ]


def test_steps_split_on_step_markers_and_restart() -> None:
    text = "Trường hợp 1:\n- Bước 1: Nộp hồ sơ.\n- Bước 2: Nhận kết quả.\nTrường hợp 2:\nBước 1. Nộp.\nBước 2. Nhận."
    assert parse_steps(text) == [  # the line heading each restart of the numbering names its case
        {"case": "Trường hợp 1:", "items": ["- Bước 1: Nộp hồ sơ.", "- Bước 2: Nhận kết quả."]},
        {"case": "Trường hợp 2:", "items": ["Bước 1. Nộp.", "Bước 2. Nhận."]},
    ]
    assert parse_steps("Bước 1: Nộp.\nBước 2: Nhận.\nBước 1: Nộp lại.") == [  # no heading: plain lists
        {"items": ["Bước 1: Nộp.", "Bước 2: Nhận."]},
        {"items": ["Bước 1: Nộp lại."]},
    ]
    assert parse_steps("Nộp hồ sơ.\n\nNhận kết quả.") == [{"items": ["Nộp hồ sơ.", "Nhận kết quả."]}]
    assert parse_steps("- Nộp hồ sơ;\n+ chi tiết\n- Nhận kết quả.") == [
        {"items": ["- Nộp hồ sơ;\n+ chi tiết", "- Nhận kết quả."]}
    ]
    assert parse_steps("Không có thông tin") == []


def test_applicant_types_with_commas_inside_names() -> None:
    types, unknown = parse_applicants(
        "Tổ chức (không bao gồm doanh nghiệp, HTX), Cán bộ, công chức, viên chức, "
        "Doanh nghiệp có vốn đầu tư nước ngoài, Doanh nghiệp, Người ngoài hành tinh"
    )
    assert types == ["business", "foreign_invested_business", "organization", "public_servant"]
    assert unknown == ["Người ngoài hành tinh"]


# --- whole records --------------------------------------------------------------------------


def test_commune_record_maps_and_validates(mapping: Mapping) -> None:
    parsed = parse_record(record("bo-tu-phap/1.000080"), mapping=mapping, verified_on="2026-11-25")
    p = parsed.procedure
    assert parsed.fatal == []
    assert list(p) == [k for k in PROCEDURE_KEYS if k in p]
    assert (p["code"], p["status"], p["levels"], p["procedure_type"], p["sector"]) == (
        "1.000080",
        "active",
        ["xa"],
        "detailed_by_law",
        "ho-tich",
    )
    assert p["applicant_types"] == ["citizen", "foreigner"]
    # "Ủy ban Nhân dân\xa0xã,\xa0phường,\xa0thị trấn." is one agency whose name has commas.
    assert p["agencies"] == {"implementing": ["ubnd-cap-xa"], "competent": ["ubnd-cap-xa"]}
    assert [c["channel"] for c in p["channels"]] == ["online", "postal", "in_person"]
    # An online channel, but nothing says toàn trình or một phần: unknown, never a default.
    assert (p["online_level"], p["postal"], p["decision"], p["last_verified"]) == (
        "unknown",
        {"receive": True},
        "163/QĐ-BTP",
        "2026-11-25",
    )
    assert p["national_portal_url"].startswith("https://dichvucong.gov.vn/")
    assert p["results"] == [{"name": "Trích lục đăng ký nhận cha, mẹ, con", "code": "KQ.G15.000033"}]
    assert [g.get("case") for g in p["dossier"]][:3] == [
        "* Giấy tờ phải nộp:",
        "* Giấy tờ phải xuất trình:",
        "* Lưu ý:",
    ]
    assert list(procedure_validator().iter_errors(p)) == []


def test_unmapped_agencies_go_to_external(mapping: Mapping) -> None:
    parsed = parse_record(record("toa-an-nhan-dan/3.000163"), mapping=mapping, verified_on="2026-11-25")
    assert parsed.procedure["agencies"] == {
        "implementing": ["toa-an-nhan-dan-tinh", "toa-an-nhan-dan-khu-vuc"],
        "external": ["Tòa án nhân dân tối cao"],
    }
    assert parsed.unmapped_agencies == ["Tòa án nhân dân tối cao"]
    parsed = parse_record(record("bo-cong-an/1.001010"), mapping=mapping, verified_on="2026-11-25")
    assert parsed.procedure["agencies"] == {
        "implementing": ["phong-quan-ly-xuat-nhap-canh"],
        "external": ["Cục quản lý xuất nhập cảnh"],
    }


def test_spilled_result_block_and_empty_conditions(mapping: Mapping) -> None:
    parsed = parse_record(record("bo-nong-nghiep-mt/2.001241"), mapping=mapping, verified_on="2026-11-25")
    p = parsed.procedure
    assert "conditions" not in p and "keywords" not in p and "description" not in p
    assert p["sector"] == "chat-luong-nong-lam-thuy-san"
    assert p["dossier"] == [{"documents": [{"name": "không quy định", "originals": 0}]}]


def test_record_without_agency_or_province_level_is_fatal(mapping: Mapping) -> None:
    parsed = parse_record(record("bo-nong-nghiep-mt/1.005319"), mapping=mapping, verified_on="2026-11-25")
    assert [n.code for n in parsed.fatal] == ["no-agency-in-record"]
    ministry = record("bo-tu-phap/1.002911")
    assert record_levels(ministry) == []
    parsed = parse_record(ministry, mapping=mapping, verified_on="2026-11-25")
    assert {n.code for n in parsed.fatal} >= {"no-province-level"}


def test_competent_agency_stands_in_for_implementing(mapping: Mapping) -> None:
    data = record("bo-tu-phap/1.001609")
    data["co_quan_thuc_hien"] = "Không có thông tin"
    data["raw_text"] = ""  # the page would give the real field back
    parsed = parse_record(data, mapping=mapping, verified_on="2026-11-25")
    assert parsed.procedure["agencies"]["implementing"] == ["ubnd-tinh"]
    assert "implementing-from-competent" in [n.code for n in parsed.notes]


def test_every_fixture_in_scope_validates(mapping: Mapping) -> None:
    validator = procedure_validator()
    for path in sorted(RECORDS.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        parsed = parse_record(data, mapping=mapping, verified_on="2026-11-25")
        if parsed.fatal:
            continue
        errors = [e.message for e in validator.iter_errors(parsed.procedure)]
        assert errors == [], path.name
