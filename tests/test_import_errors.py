"""One test per error class of the 30-record audit (issue 12), on the named shared records.

Each test parses the real record with the repository's mapping and states what the page says.
Skipped where ../shared is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.importer.dvcqg_parse import ParsedRecord, parse_record
from generator.importer.mapping import Mapping, load_mapping

REPO = Path(__file__).resolve().parents[1]
RECORDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "dvcqg" / "records"


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return load_mapping(REPO / "catalog")


def parse(code: str, mapping: Mapping, verified_on: str | None = "2026-11-25") -> ParsedRecord:
    if not RECORDS.is_dir():
        pytest.skip(f"real data not available: {RECORDS} is absent (../shared beside the repository)")
    path = next(RECORDS.glob(f"*/{code}.json"))
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return parse_record(record, mapping=mapping, verified_on=verified_on, ministry=None)


def kinds(parsed: ParsedRecord) -> list[str]:
    return [note["kind"] for note in parsed.procedure.get("import_notes", [])]


def test_cut_dossier_is_recovered_from_the_page_text(mapping: Mapping) -> None:
    parsed = parse("1.001521", mapping)
    documents = [d for group in parsed.procedure["dossier"] for d in group["documents"]]
    assert [d["name"][:3] for d in documents] == ["8. ", "4. ", "3. ", "6. ", "1. ", "5. ", "2. ", "7. "]
    assert [(d.get("originals"), d.get("copies")) for d in documents] == [(1, None)] * 8
    assert documents[0]["name"].startswith("8. Trường hợp đang hưởng trợ cấp TNLĐ, BNN trước ngày 1/1/2007")
    steps = parsed.procedure["steps"][0]["items"]
    assert [s[:7] for s in steps] == ["Bước 1.", "Bước 2.", "Bước 3."]
    assert steps[0].endswith(
        "mục 5.3 (Thành phần hồ sơ); nộp hồ sơ cho cơ quan BHXH nơi đang chi trả trợ cấp (đối với "
        "trường hợp đang hưởng trợ cấp hàng tháng); trường hợp đã hưởng trợ cấp TNLĐ, BNN một lần "
        "thì nộp hồ sơ cho cơ quan BHXH."
    )
    assert kinds(parsed).count("section-recovered") == 2


def test_cases_of_steps_stay_cases(mapping: Mapping) -> None:
    steps = parse("2.002225", mapping).procedure["steps"]
    assert [s["case"].split(")")[0] + ")" for s in steps] == ["(i)", "(ii)", "(iii)", "(iv)", "(v)", "(vi)"]
    assert [[item[:8] for item in s["items"]] for s in steps] == [["+ Bước 1", "+ Bước 2"]] * 6
    assert steps[0]["case"].startswith("(i) Đăng ký thuế lần đầu đối với người nộp thuế là tổ chức kinh tế")


def test_agency_from_the_steps_is_marked(mapping: Mapping) -> None:
    parsed = parse("1.012692", mapping)
    assert parsed.procedure["agencies"]["implementing"] == ["so-nong-nghiep-moi-truong"]
    assert parsed.procedure["import_notes"][0] == {
        "field": "/agencies/implementing",
        "kind": "implementing-from-steps",
        "note": "the record names no agency of the province; its steps send the dossier to "
        "'so nong nghiep va moi truong': so-nong-nghiep-moi-truong",
    }


def test_agency_from_the_sector_is_marked_in_the_file(mapping: Mapping) -> None:
    parsed = parse("2.000554", mapping)  # Hộ tịch at Cấp xã; neither fields nor steps name an agency
    assert parsed.procedure["agencies"]["implementing"] == ["ubnd-cap-xa"]
    assert parsed.procedure["import_notes"][0] == {
        "field": "/agencies/implementing",
        "kind": "implementing-from-sector",
        "note": "implementing agency taken from the sector's responsible agency: ubnd-cap-xa (xa); the record names "
        "no agency",
    }


def agency_notes(parsed: ParsedRecord) -> list[tuple[str, str]]:
    return [
        (n["kind"], n["note"])
        for n in parsed.procedure.get("import_notes", [])
        if n["field"] == "/agencies/implementing"
    ]


def test_dossier_sent_to_the_commune_committee_goes_there(mapping: Mapping) -> None:
    # "Bước 2: Nộp hồ sơ cho Ủy ban nhân dân cấp xã" (Chính sách): not the commune police the
    # sector's responsible agency once said.
    parsed = parse("1.012537", mapping)
    assert parsed.procedure["agencies"] == {"implementing": ["ubnd-cap-xa"]}
    assert agency_notes(parsed) == [
        (
            "implementing-from-steps",
            "the record names no agency of the province; its steps send the dossier to 'ubnd xa': ubnd-cap-xa",
        )
    ]


def test_steps_naming_only_the_commune_committee(mapping: Mapping) -> None:
    parsed = parse("1.000094", mapping)  # Hộ tịch at Cấp xã, "Không có thông tin" as agency
    assert parsed.procedure["agencies"]["implementing"] == ["ubnd-cap-xa"]
    assert agency_notes(parsed) == [
        (
            "implementing-from-steps",
            "the record names no agency of the province; of the province's agencies its steps name only "
            "'ubnd xa' (a People's Committee aside): ubnd-cap-xa",
        )
    ]


def test_national_body_before_the_provinces_in_the_steps_is_passed_over(mapping: Mapping) -> None:
    # "nộp hồ sơ tại Cục Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ; Phòng Cảnh sát phòng
    # cháy, chữa cháy và cứu nạn, cứu hộ Công an cấp tỉnh"
    parsed = parse("3.000489", mapping)
    assert parsed.procedure["agencies"] == {
        "implementing": ["phong-canh-sat-phong-chay-chua-chay-cuu-nan-cuu-ho"],
        "external": ["Cục cảnh sát phòng cháy, chữa cháy và cứu nạn cứu hộ"],
    }
    assert [kind for kind, _ in agency_notes(parsed)] == ["implementing-from-steps"]


def test_body_designated_by_the_provincial_committee_is_the_ministrys_department(mapping: Mapping) -> None:
    parsed = parse("1.002560", mapping)  # Trồng trọt và Bảo vệ thực vật, Bộ Nông nghiệp và Môi trường
    assert parsed.procedure["agencies"] == {
        "implementing": ["so-nong-nghiep-moi-truong"],
        "external": ["Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ định"],
    }
    assert agency_notes(parsed) == [
        (
            "implementing-designated",
            "the record names 'Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ định', the body the provincial "
            "People's Committee designates; the department of the sector's ministry is used: "
            "so-nong-nghiep-moi-truong",
        )
    ]


def test_body_named_by_its_function_is_that_body_at_each_level(mapping: Mapping) -> None:
    # "gửi đến cơ quan thuế quản lý trực tiếp", at Cấp tỉnh and Cấp xã
    parsed = parse("1.008312", mapping)
    assert parsed.procedure["agencies"]["implementing"] == ["thue-tinh", "thue-co-so"]


def test_what_a_body_sends_on_is_not_where_the_dossier_goes(mapping: Mapping) -> None:
    # 1.001266: "Cơ quan đăng ký kinh doanh cấp xã gửi thông tin … cho Cơ quan thuế"; 3.000439:
    # "Quyết định giao khu vực biển phải được gửi đến cơ quan thuế": neither is the tax office's.
    for code in ("1.001266", "3.000439"):
        parsed = parse(code, mapping)
        assert parsed.procedure["agencies"]["implementing"] == ["ubnd-cap-xa"], code
        assert [kind for kind, _ in agency_notes(parsed)] == ["implementing-from-sector"], code


def test_online_level_full_from_the_name(mapping: Mapping) -> None:
    assert parse("1.013083", mapping).procedure["online_level"] == "full"


def test_online_level_none_without_an_online_channel_and_unknown_without_evidence(mapping: Mapping) -> None:
    parsed = parse("1.001193", mapping)  # online channel, nothing says toàn trình / một phần
    assert parsed.procedure["online_level"] == "unknown"
    assert "online-level-unknown" in kinds(parsed)


def test_free_fee_with_a_price_in_its_note(mapping: Mapping) -> None:
    channels = parse("3.000348", mapping).procedure["channels"]
    assert [(c["channel"], [f["amount"] for f in c["fees"]]) for c in channels] == [
        ("online", [135000]),
        ("in_person", [135000]),
    ]


def test_time_glued_to_fee_is_split_by_the_note(mapping: Mapping) -> None:
    online = parse("1.007857", mapping).procedure["channels"][0]
    assert online["processing_time"] == {"value": 2, "unit": "unknown"}
    assert online["fees"] == [
        {"amount": 20000, "description": "lệ phí hải quan 20.000 đồng/ tờ khai hải quan."}
    ]
    channels = parse("2.002011", mapping).procedure["channels"]
    assert [
        (c.get("processing_time"), [f.get("amount", f.get("text")) for f in c["fees"]]) for c in channels
    ] == [
        ({"value": 1, "unit": "unknown"}, [100000]),
        ({"value": 1, "unit": "unknown"}, [100000]),
        (None, ["125 VNĐ"]),
    ]  # "125 VNĐ" beside "50%": the note does not settle it, kept as text


def test_time_without_unit_has_unit_unknown(mapping: Mapping) -> None:
    channels = parse("1.001193", mapping).procedure["channels"]
    assert [c["processing_time"] for c in channels] == [{"value": 1, "unit": "unknown"}] * 3


def test_issued_on_from_the_title(mapping: Mapping) -> None:
    basis = parse("1.001521", mapping).procedure["legal_basis"]
    dated = [(b["number"], b["issued_on"]) for b in basis if "issued_on" in b]
    assert dated == [("88/2020/NĐ-CP", "2020-07-28")]


def test_malformed_number_is_repaired(mapping: Mapping) -> None:
    basis = parse("1.009627", mapping).procedure["legal_basis"]
    item = next(b for b in basis if b["number"].startswith("55/"))
    assert item == {
        "number": "55/2026/TT-BTC",
        "title": "Thông tư số 55/2026/TT-BTC ngày 15/5/2026",
        "issuer": "Bộ Tài chính",
        "issued_on": "2026-05-15",
    }
    assert not any("2026.55" in b["number"] for b in basis)


def test_a_title_never_keeps_another_documents_number(mapping: Mapping) -> None:
    basis = parse("1.012756", mapping).procedure["legal_basis"]
    pairs = [(b["number"], b["title"][:22]) for b in basis]
    assert ("58/2024/QH15", "Luật số 58/2024/QH15 c") in pairs
    assert ("101/2024/NĐ-CP", "101/2024/NĐ-CP") in pairs
    assert ("118/2025/NĐ-CP", "Thực hiện thủ tục hành") in pairs


def test_sentences_are_not_outside_agencies(mapping: Mapping) -> None:
    assert "external" not in parse("2.000942", mapping).procedure["agencies"]
    agencies = parse("1.011470", mapping).procedure["agencies"]
    assert agencies.get("external") == ["Cơ quan có thẩm quyền phê duyệt nguồn vốn trồng rừng"]
    assert agencies["competent"] == ["so-nong-nghiep-moi-truong"]


def test_form_names_are_not_split_mid_word(mapping: Mapping) -> None:
    documents = [d for g in parse("1.003799", mapping).procedure["dossier"] for d in g["documents"]]
    forms = [d["form"]["name"] for d in documents if "form" in d]
    assert forms and not [f for f in forms if f[0].islower() or f[0] == "("]
    assert "lần.doc" not in forms


def test_no_last_verified_without_a_date(mapping: Mapping) -> None:
    assert "last_verified" not in parse("1.001193", mapping, verified_on=None).procedure
    assert parse("1.001193", mapping).procedure["last_verified"] == "2026-11-25"
