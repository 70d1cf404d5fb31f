"""The importer on the real National Public Service Portal records in ../shared (skipped when absent).

Twenty provincial or commune records, four or five per ministry, were read by hand; each test
below states what the record says (channel order, times and units, fee amounts, the originals and
copies of each document, legal document numbers, result codes) and checks the parser agrees.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.importer.dvcqg import import_records
from generator.importer.dvcqg_channels import parse_channels
from generator.importer.dvcqg_dossier import parse_dossier
from generator.importer.dvcqg_legal import parse_legal_basis
from generator.importer.dvcqg_parse import parse_results, record_levels
from generator.importer.mapping import load_mapping
from generator.validation.validate import validate_catalog

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
RECORDS = SHARED / "data" / "dvcqg" / "records"
WD, D, H, M, U = "working_days", "days", "hours", "months", "unknown"
MINIMUM_IMPORTED = 0.97


def records_dir() -> Path:
    if not RECORDS.is_dir():
        pytest.skip(
            f"real data not available: {RECORDS} is absent (it sits beside the repository in "
            "the development setup, at ../shared)"
        )
    return RECORDS


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((records_dir() / f"{name}.json").read_text(encoding="utf-8"))
    return data


def channels_of(data: dict[str, Any]) -> list[tuple[str, Any, list[Any]]]:
    """(channel, time as (value, unit) or its text or None, fee amounts or fee texts)."""
    channels, _ = parse_channels(data["cach_thuc_thuc_hien"])
    out = []
    for c in channels:
        time = c.get("processing_time")
        shown = None if time is None else (time["value"], time["unit"]) if "value" in time else time["text"]
        out.append((c["channel"], shown, [f.get("amount", f.get("text")) for f in c.get("fees", [])]))
    return out


def dossier_of(data: dict[str, Any]) -> list[tuple[str | None, list[tuple[int | None, int | None]]]]:
    groups, _ = parse_dossier(data["thanh_phan_ho_so"])
    return [(g.get("case"), [(d.get("originals"), d.get("copies")) for d in g["documents"]]) for g in groups]


def numbers_of(data: dict[str, Any]) -> list[str | None]:
    items, _ = parse_legal_basis(data["can_cu_phap_ly"])
    return [i.get("number") for i in items]


def result_codes(data: dict[str, Any]) -> list[str | None]:
    results, _, _, _ = parse_results(data["ket_qua_xu_ly"])
    return [r.get("code") for r in results]


FREE = [0]
ALL_THREE = ("online", "postal", "in_person")


# --- Tòa án nhân dân -----------------------------------------------------------------------


def test_toa_an_3_000163() -> None:
    r = load("toa-an-nhan-dan/3.000163")
    assert channels_of(r) == [
        ("online", (1, U), FREE),
        ("in_person", (1, U), FREE),
    ]  # "Trực tuyến1Miễn phí": no unit
    assert dossier_of(r) == [("Giấy tờ phải nộp", [(1, None), (0, 1)]), (None, [(1, 1)])]
    assert numbers_of(r) == [
        "02/2014/TTLT-TANDTC-VKSNDTC-BTP-BTC",
        "110/2015/QH13",
        "21/2014/L-CTN",
        "56/2010/QH12",
    ]
    results, _, _, _ = parse_results(r["ket_qua_xu_ly"])
    assert results == [{"name": "Văn bản tố tụng của Tòa án theo tiến trình giải quyết (Mã: VBTT)"}]


def test_toa_an_3_000165() -> None:
    r = load("toa-an-nhan-dan/3.000165")
    assert channels_of(r) == [("online", (1, U), FREE), ("in_person", (1, U), FREE)]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    assert groups == [
        {
            "documents": [
                {"name": "Đơn đăng ký cấp sao tài liệu", "originals": 1},
                {"name": "Chứng minh nhân dân/Căn cước công dân", "originals": 0, "copies": 1},
            ]
        }
    ]
    assert numbers_of(r) == []  # "Không có thông tin" followed by the page's next block
    assert result_codes(r) == [None]


# --- Bộ Tư pháp -----------------------------------------------------------------------------


def test_tu_phap_1_000080() -> None:
    r = load("bo-tu-phap/1.000080")
    assert channels_of(r) == [("online", (7, U), FREE), ("postal", (7, U), FREE), ("in_person", (7, U), FREE)]
    dossier = dossier_of(r)
    assert dossier[0] == ("* Giấy tờ phải nộp:", [(1, None), (0, None), (1, None)])
    assert dossier[1] == (
        "* Giấy tờ phải xuất trình:",
        [(0, None), (0, None), (1, None), (0, None), (1, None), (1, None), (0, None)],
    )
    assert dossier[2][0] == "* Lưu ý:"
    assert numbers_of(r) == [
        "85/2019/TT-BTC",
        "104/2022/NĐ-CP",
        "123/2015/NĐ-CP",
        "08/2025/TT-BTP",
        "87/2020/NĐ-CP",
        "18/2026/NĐ-CP",
        "04/2024/TT-BTP",
        "106/2021/TT-BTC",
        "04/2020/TT-BTP",
        "07/2025/NĐ-CP",
        "120/2025/NĐ-CP",
        "66.7/2025/NQ-CP",
        "01/2022/TT-BTP",
        "03/2023/TT-BTP",
        "42/2020/NĐ-CP",
        "60/2014/QH13",
    ]
    assert result_codes(r) == ["KQ.G15.000033"]


def test_tu_phap_1_001609() -> None:
    r = load("bo-tu-phap/1.001609")
    assert channels_of(r) == [
        ("online", (10, WD), [4000000]),
        ("in_person", (10, WD), [4000000]),
        ("postal", (10, WD), [4000000]),
    ]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    docs = groups[0]["documents"]
    assert [(d.get("form", {}).get("name"), d["originals"]) for d in docs] == [
        ("Mẫu số 06-PLIII-TTTM.docx", 1),
        (None, 1),
        (None, 1),
    ]
    assert docs[0]["name"] == (
        "Văn bản đề nghị thay đổi nội dung Giấy phép thành lập, Giấy đăng ký hoạt động "
        "của Chi nhánh Tổ chức trọng tài nước ngoài tại Việt Nam"
    )
    assert numbers_of(r) == [
        "121/2025/NĐ-CP",
        "64/2025/TT-BTC",
        "08/2025/TT-BTP",
        "63/2011/NĐ-CP",
        "222/2016/TT-BTC",
        "54/2010/QH12",
    ]
    assert result_codes(r) == ["KQ.G15.000149", "KQ.G15.000150"]


def test_tu_phap_1_002032() -> None:
    r = load("bo-tu-phap/1.002032")
    # "1 Việt Nam Đồng" (online registration is free of the charge) is no real amount: kept as text.
    assert channels_of(r) == [
        ("online", (10, WD), ["1 Việt Nam Đồng"]),
        ("postal", (10, WD), [50000]),
        ("in_person", (10, WD), [50000]),
    ]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    assert groups == [
        {
            "documents": [
                {
                    "name": "Giấy đề nghị thay đổi nội dung đăng ký hoạt động của tổ chức hành nghề luật sư.",
                    "form": {"name": "6. TP-LS-06. De nghi thay doi DKHD TCHNLS.doc"},
                    "originals": 1,
                }
            ]
        }
    ]
    assert numbers_of(r) == [
        "64/2025/TT-BTC",
        "65/2006/QH11",
        "03/2024/TT-BTP",
        "47/2019/TT-BTC",
        "05/2021/TT-BTP",
    ]
    assert result_codes(r) == ["KQ.G15.000168", "KQ.G15.000329"]


def test_tu_phap_1_000688() -> None:
    r = load("bo-tu-phap/1.000688")
    assert channels_of(r) == [(c, (15, WD), [800000]) for c in ALL_THREE]
    assert dossier_of(r) == [(None, [(1, None), (0, 1), (1, None), (0, 1), (1, None)])]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    assert groups[0]["documents"][-1]["form"] == {"name": "Mẫu số 01-PLIII-LS.docx"}
    assert numbers_of(r) == [
        "18/2026/NĐ-CP",
        "08/2025/TT-BTP",
        "121/2025/NĐ-CP",
        "220/2016/TT-BTC",
        "64/2025/TT-BTC",
        "05/2021/TT-BTP",
        "137/2018/NĐ-CP",
        "20/2012/QH13",
        "65/2006/QH11",
    ]
    assert result_codes(r) == ["KQ.G15.000102"]


# --- Bộ Công an -----------------------------------------------------------------------------


def test_cong_an_1_001200() -> None:
    r = load("bo-cong-an/1.001200")
    # "40 Việt Nam Đồng(40.000đ/giấy thông hành…)": the column is in thousands; the note gives the amount.
    assert channels_of(r) == [("online", (3, WD), [40000]), ("in_person", (3, WD), [50000])]
    assert dossier_of(r) == [(None, [(2, None), (1, None), (1, None), (1, None)])]  # "…Tờ khai2 bản chính"
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    assert groups[0]["documents"][3]["form"] == {"name": "Mẫu M01a-ND67-2024.docx"}
    assert numbers_of(r) == [
        "49/2019/QH14",
        "76/2020/NĐ-CP",
        "23/2023/QH15",
        "25/2021/TT-BTC",
        "67/2024/NĐ-CP",
        "43/2024/TT-BTC",
    ]
    results, keywords, _, _ = parse_results(r["ket_qua_xu_ly"])
    assert [x["code"] for x in results] == ["KQ.G01.000094"]
    assert keywords == [
        "Cấp giấy thông hành biên giới cho cán bộ, công chức, viên chức, công nhân sang Campuchia "
        "tại Công an cấp tỉnh biên giới tiếp giáp với Campuchia"
    ]


def test_cong_an_1_013432() -> None:
    r = load("bo-cong-an/1.013432")
    assert channels_of(r) == [(c, (3, WD), [10000]) for c in ALL_THREE]
    channels, _ = parse_channels(r["cach_thuc_thuc_hien"])
    assert channels[0]["fees"][0]["description"] == "10.000 đồng/khẩu-chiếc."
    assert dossier_of(r) == [
        (
            "Theo quy định tại Điều 53 Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ "
            "(Luật số 42/2024/QH15 ngày 29/6/2024), cụ thể:",
            [(1, None), (0, None)],
        )
    ]
    assert numbers_of(r) == ["77/2024/TT-BCA", "75/2024/TT-BCA", "42/2024/QH15", "23/2019/TT-BTC"]
    assert result_codes(r) == ["KQ.G01.000040"]


def test_cong_an_2_001159() -> None:
    r = load("bo-cong-an/2.001159")
    assert channels_of(r) == [("online", (1, H), []), ("in_person", (1, H), [])]
    assert dossier_of(r) == [(None, [(1, None)])]
    assert numbers_of(r) == [
        "53/2025/TT-BCA",
        "66/2023/TT-BCA",
        "68/2020/QH14",
        "57/2021/TT-BCA",
        "62/2021/NĐ-CP",
        "54/2025/TT-BCA",
        "55/2021/TT-BCA",
    ]
    assert result_codes(r) == ["KQ.G01.000066"]


def test_cong_an_1_001010() -> None:
    r = load("bo-cong-an/1.001010")
    assert channels_of(r) == [("in_person", (6, M), ["100 USD"])]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    docs = groups[0]["documents"]
    assert [(d.get("originals"), d.get("copies")) for d in docs] == [
        (1, None),
        (0, 1),
        (1, None),
        (1, None),
        (1, None),
        (1, None),
    ]
    assert docs[2]["name"] == "Đơn xin thường trú;"
    assert docs[2]["form"] == {"name": "Mẫu-NA12,-Đơn-xin-thường-trú-cho-người-nước-ngoài.-doc.doc"}
    assert docs[3]["form"] == {"name": "NA11.doc"}
    assert numbers_of(r) == [
        "25/2021/TT-BTC",
        "31/2015/TT-BCA",
        "22/2023/TT-BCA",
        "47/2014/QH13",
        "23/2023/QH15",
        "51/2019/QH14",
        "04/2015/TT-BCA",
    ]
    assert result_codes(r) == ["KQ.G01.000088"]


# --- Bộ Tài chính ---------------------------------------------------------------------------


def test_tai_chinh_1_000005() -> None:
    r = load("bo-tai-chinh/1.000005")
    # "Trực tuyến120,000 VNĐ": a time without unit glued to the fee; the split is unknowable.
    assert channels_of(r) == [("online", None, ["120,000 VNĐ"])]
    dossier = dossier_of(r)
    assert [case for case, _ in dossier] == [
        "1. Chứng từ phải nộp",
        "2. Hồ sơ hải quan đối với xuất khẩu xăng dầu, hóa chất, khí:",
        "3. Hồ sơ hải quan đối với tái xuất xăng dầu, hóa chất, khí:",
    ]
    assert dossier[0][1] == [(1, None), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (1, None)]
    assert dossier[1][1] == [(0, 1), (0, 1), (1, None), (0, 1), (0, 1), (0, 1), (1, None), (0, 1)]
    assert dossier[2][1] == [(0, 1), (0, 1), (0, 1)]
    assert numbers_of(r) == ["54/2014/QH13", "92/2015/TT-BTC", "78/2006/QH11"]
    assert result_codes(r) == ["KQ.G12.000327"]


def test_tai_chinh_2_001199() -> None:
    r = load("bo-tai-chinh/2.001199")
    assert channels_of(r) == [
        ("online", (3, WD), [100000]),
        ("postal", (3, WD), [100000]),
        ("in_person", (3, WD), [50000]),
    ]
    dossier = dossier_of(r)
    assert len(dossier) == 10
    assert dossier[0] == (
        "Trường hợp đăng ký doanh nghiệp xã hội:",
        [(1, None), (1, None), (1, None), (0, 1), (1, None)],
    )
    assert dossier[-1] == (None, [(0, None)])
    assert numbers_of(r) == [
        "59/2020/QH14",
        "76/2025/QH15",
        "68/2025/TT-BTC",
        "168/2025/NĐ-CP",
        "64/2025/TT-BTC",
        "66.7/2025/NQ-CP",
        "47/2019/TT-BTC",
    ]
    assert result_codes(r) == ["KQ.G12.001040", "KQ.G12.001051", "KQ.G12.001052"]


def test_tai_chinh_1_009824() -> None:
    r = load("bo-tai-chinh/1.009824")
    auto = "Hệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động thông qua phương thức điện tử"
    assert channels_of(r) == [("in_person", auto + ".", []), ("online", auto + ".", []), ("postal", auto, [])]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    assert [(d["form"]["name"], d["originals"]) for d in groups[0]["documents"]] == [
        ("Mẫu số 01 TB ĐĐKD.docx", 1)
    ]
    assert numbers_of(r) == [
        "46/2024/TT-BTC",
        "118/2025/NĐ-CP",
        "38/2019/QH14",
        "19/2021/TT-BTC",
        "68/2026/NĐ-CP",
        "18/2026/TT-BTC",
    ]
    assert result_codes(r) == ["KQ.G12.002129"]


def test_tai_chinh_1_001521() -> None:
    r = load("bo-tai-chinh/1.001521")
    assert channels_of(r) == [(c, (6, WD), FREE) for c in ALL_THREE]
    groups, notes = parse_dossier(r["thanh_phan_ho_so"])  # the field holds the steps' text, no table
    assert len(groups) == 1 and len(groups[0]["documents"]) == 1
    assert [n.code for n in notes] == ["dossier-no-table"]
    assert numbers_of(r) == [
        "56/2017/TT-BYT",
        "143/2018/NĐ-CP",
        "15/2016/TT-BYT",
        "58/2020/NĐ-CP",
        "88/2020/NĐ-CP",
        "166/2016/NĐ-CP",
        "58/2014/QH13",
        "84/2015/QH13",
    ]
    assert result_codes(r) == [
        "KQ.G24.000059",
        "KQ.G24.000053",
        "KQ.G24.000057",
        "KQ.G24.000060",
        "KQ.G24.000061",
    ]


def test_tai_chinh_2_002009() -> None:
    r = load("bo-tai-chinh/2.002009")
    # "1100 VNĐ(Phí công bố …: 100.000 đồng/lần…)": time 1 (no unit) glued to the fee the note states
    assert channels_of(r) == [(c, (1, U), [100000]) for c in ALL_THREE]
    dossier = dossier_of(r)
    assert len(dossier) == 10
    assert dossier[0][1] == [(1, None)]
    assert dossier[1] == (
        "- Trường hợp ủy quyền cho tổ chức thực hiện thủ tục đăng ký doanh nghiệp, kèm theo hồ sơ "
        "đăng ký doanh nghiệp phải có:",
        [(0, 1), (1, None)],
    )
    assert numbers_of(r) == [
        "64/2025/TT-BTC",
        "59/2020/QH14",
        "68/2025/TT-BTC",
        "168/2025/NĐ-CP",
        "47/2019/TT-BTC",
        "76/2015/QH13",
    ]
    assert result_codes(r) == ["KQ.G12.001040", "KQ.G12.001056", "KQ.G12.001051"]


# --- Bộ Nông nghiệp và Môi trường -----------------------------------------------------------


def test_nong_nghiep_1_014132() -> None:
    r = load("bo-nong-nghiep-mt/1.014132")
    assert channels_of(r) == [(c, (30, D), FREE) for c in ALL_THREE]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    docs = groups[0]["documents"]
    assert [(d["form"]["name"], d.get("originals"), d.get("copies")) for d in docs] == [
        ("Phụ lục 12.6.docx", 0, 1),
        ("~$ụ lục 12.10.docx", 1, None),
    ]
    assert numbers_of(r) == ["72/2020/QH14", "83/2026/NĐ-CP", "17/2026/NQ-CP"]
    assert result_codes(r) == ["KQ.G10.000981"]


def test_nong_nghiep_2_001241() -> None:
    r = load("bo-nong-nghiep-mt/2.001241")
    assert channels_of(r) == [(c, (1, WD), FREE) for c in ALL_THREE]
    assert dossier_of(r) == [(None, [(0, None)])]
    assert numbers_of(r) == ["33/2015/TT-BNNPTNT"]
    assert result_codes(r) == []


def test_nong_nghiep_1_011477() -> None:
    r = load("bo-nong-nghiep-mt/1.011477")
    assert channels_of(r) == [(c, (28, H), [300000]) for c in ALL_THREE]
    dossier = dossier_of(r)
    assert [len(docs) for _, docs in dossier] == [1, 2, 2]
    assert all(q == (1, None) for _, docs in dossier for q in docs)
    assert [(case or "")[:4] for case, _ in dossier] == ["I. Đ", "II. ", "III."]
    numbers = numbers_of(r)
    assert numbers == ["79/2015/QH13", "24/2022/TT-BNNPTNT", "101/2020/TT-BTC", "146/2025/QH15"]
    assert result_codes(r) == ["KQ.G10.000787"]


def test_nong_nghiep_1_008126() -> None:
    r = load("bo-nong-nghiep-mt/1.008126")
    assert channels_of(r) == [(c, None, [1600000]) for c in ("online", "postal", "in_person")]
    groups, _ = parse_dossier(r["thanh_phan_ho_so"])
    assert [(d.get("form", {}).get("name"), d["originals"]) for d in groups[0]["documents"]] == [
        (None, 1),
        ("Mau so 02.TACN.docx", 1),
        ("Mau so 01.TACN.docx", 1),
        ("Mau so 03.TACN.docx", 1),
    ]
    assert numbers_of(r) == [
        "24/2021/TT-BTC",
        "46/2022/NĐ-CP",
        "13/2020/NĐ-CP",
        "32/2018/QH14",
        "146/2025/QH15",
        "32/2026/NĐ-CP",
    ]
    assert result_codes(r) == ["KQ.G10.001444"]


def test_nong_nghiep_1_000969() -> None:
    r = load("bo-nong-nghiep-mt/1.000969")
    assert channels_of(r) == [("in_person", (35, D), [12500000])]
    assert dossier_of(r) == [(None, [(1, None), (1, None), (0, 1), (1, None), (1, None)])]
    assert numbers_of(r) == [
        "44/2026/NĐ-CP",
        "66.19/2026/NQ-CP",
        "40/2016/NĐ-CP",
        "08/2024/TT-BTC",
        "65/2025/NĐ-CP",
        "11/2021/NĐ-CP",
    ]
    assert result_codes(r) == ["KQ.G10.001202"]


# --- the whole set ----------------------------------------------------------------------------

# Why an in-scope record may be left out: the scraper saved another procedure's page under its code
# (17 records), or neither the record nor its sector's `responsible` names an agency of the province
# (securities: the State Securities Commission; national reserves: the regional reserve departments).
ACCEPTED_SKIPS = {"code-mismatch", "no-implementing-agency", "no-agency-in-record"}


def test_import_all_provincial_and_commune_records(tmp_path: Path) -> None:
    """The project's acceptance: ≥ 97% of the records at provincial or commune level import with no
    error, every file written passes `catalog validate` together with the repository's reference
    files, and every record left out is listed with its reason."""
    records = records_dir()
    catalog_src = REPO / "catalog"
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for path in sorted(catalog_src.glob("*.yaml")):  # province, sectors, agencies, service points
        shutil.copy(path, catalog / path.name)
    in_scope = [
        p for p in sorted(records.rglob("*.json")) if record_levels(json.loads(p.read_text(encoding="utf-8")))
    ]
    report = import_records([records], catalog, verified_on="2026-11-25", mapping=load_mapping(catalog))

    assert len(in_scope) == 1230
    assert report.records == 1856
    assert len(report.out_of_scope) == 1856 - 1230
    assert len(report.imported) + len(report.skipped) == len(in_scope)
    assert len(report.imported) / len(in_scope) >= MINIMUM_IMPORTED, Counter(d.code for d in report.skipped)

    skipped = {Path(d.file).relative_to(records).as_posix(): (d.code, d.message) for d in report.skipped}
    assert len(skipped) == len(report.skipped)
    assert {code for code, _ in skipped.values()} <= ACCEPTED_SKIPS
    assert all(message for _, message in skipped.values())
    assert skipped["bo-tai-chinh/1.009505.json"][0] == "no-implementing-agency"  # Ủy ban Chứng khoán Nhà nước
    assert "that of procedure 1.014023" in skipped["bo-cong-an/3.000224.json"][1]
    assert report.warnings and all(d.code != "mapping-conflict" for d in report.warnings)

    written = sorted((catalog / "procedures").rglob("*.yaml"))
    assert len(written) == len(report.imported)
    assert len(list((catalog / "decisions").glob("*.yaml"))) == len(report.decisions["new"])
    result = validate_catalog(catalog, today=date(2026, 11, 25))
    assert result.files_checked == len(written) + len(report.decisions["new"]) + len(
        list(catalog.glob("*.yaml"))
    )
    assert [d.text() for d in result.diagnostics] == []


def test_decisions_without_issuer_code_take_the_folders_ministry(tmp_path: Path) -> None:
    records = records_dir()
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for name in ("sectors.yaml", "agencies.yaml"):
        shutil.copy(REPO / "catalog" / name, catalog / name)
    report = import_records([records], catalog, verified_on="2026-11-25", dry_run=True)
    taken = {
        d.file: d.message.rsplit(": ", 1)[1]
        for d in report.warnings
        if d.code == "decision-issuer-from-folder"
    }
    assert taken == {
        "catalog/decisions/01-qdcb.yaml": "Tòa án nhân dân tối cao",
        "catalog/decisions/1681.yaml": "Bộ Tài chính",
        "catalog/decisions/9303.yaml": "Bộ Công an",
        "catalog/decisions/1763-qd-bnnnmt.yaml": "Bộ Nông nghiệp và Môi trường",
    }
    assert not [d for d in report.warnings if d.code == "decision-issuer-unknown"]
