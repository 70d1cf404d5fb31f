"""The procedure search (generator/site/search.py, site_content/assets/search.js): normalisation,
the payload, the query words, the evaluation (tests/search_eval/, its engine run in node) and — in
Chromium against the real catalog's built site — the queries citizens type into the box.

The tests that need the real catalog build the repository's own site once (catalog/ as committed,
~1,200 procedures) and skip only where that catalog is absent.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import chromium as launch_chromium
from browser_support import serve
from conftest import BASE_CATALOG, REPO, load_yaml
from playwright.sync_api import Browser, Page, Route

from generator.site import search
from generator.site.context import build_context
from generator.validation.validate import validate_catalog

sys.path.insert(0, str(Path(__file__).resolve().parent / "search_eval"))
import evaluate  # tests/search_eval/evaluate.py

TOP = 5
# What the search reaches on the evaluation today (node, the real catalog), a little under the
# figures docs/search.md reports: a change that makes it worse fails here. The issue's targets
# (test half: top-5 95 %, top-1 70 %, not found 90 %) are reported with verdicts by
# benchmarks/bench_search.py.
FLOORS = {
    "tuning": {"top1": 0.91, "top5": 0.98, "not_found": 0.86},
    "test": {"top1": 0.87, "top5": 0.95, "not_found": 0.88},
}
# The examples of issue 14, typed into the box: the procedure expected in the first 3 results.
EXAMPLES = [
    ("lam giay khai sinh cho con", ["1.001193"]),
    ("so do", ["1.013978", "1.012753", "1.012786", "1.012783", "1.012787"]),
    ("the can cuoc", ["1.014061"]),
    ("lam ho chieu", ["1.001456"]),
    ("toi muon lam giay phep kinh doanh", ["1.001612"]),
    ("khai snh", ["1.001193"]),
    ("hop tac xa", ["1.005280"]),
]


# ---- normalisation and the index, without a browser ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Thủ tục đăng ký khai sinh", "thu tuc dang ky khai sinh"),
        ("ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"),
        ("Giấy phép lái xe (GPLX)", "giay phep lai xe gplx"),
        ("1.001193", "1001193"),
        ("Mã: 1.001193.", "ma 1001193"),
        ("Cấp thẻ căn cước – người dưới 14 tuổi", "cap the can cuoc nguoi duoi 14 tuoi"),
        ("nhận cha, mẹ, con", "nhan cha me con"),
        ("hoá / hóa, thuỷ / thủy", "hoa hoa thuy thuy"),
        ("  Tờ khai\u00a0đăng ký\n", "to khai dang ky"),
        ("“AB”", "ab"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert search.fold(text) == folded
    assert search.fold(unicodedata.normalize("NFD", text)) == folded  # decomposed input folds the same


def test_synonyms_are_well_formed() -> None:
    synonyms = search.load_synonyms()
    assert len(synonyms) >= 40
    pairs = [(s.phrase, t) for s in synonyms for t in s.typed]
    assert sorted({p for p in pairs if pairs.count(p) > 1}) == [], "typed twice for one phrase (once folded)"
    for synonym in synonyms:
        assert synonym.phrase and synonym.typed and all(synonym.typed), synonym
        assert synonym.phrase not in synonym.typed, synonym
        assert all(len(t.split()) <= search.MAX_PHRASE for t in synonym.typed), synonym
    # search.js reads typed forms of as many words as search.py lets through, no more.
    assert re.search(r"var MAX_PHRASE = (\d+);", evaluate.SEARCH_JS.read_text(encoding="utf-8"))[1] == str(
        search.MAX_PHRASE
    )


def test_synonym_table_is_the_query_side() -> None:
    table = search.synonym_table(
        [
            search.Synonym("giay phep lai xe", ("gplx", "bang lai")),
            search.Synonym("quyen su dung dat", ("so do",)),
            search.Synonym("giay chung nhan quyen su dung dat", ("so do", "so hong")),
        ]
    )
    assert table == [
        [["giay phep lai xe"], ["gplx", "bang lai"]],
        [["quyen su dung dat", "giay chung nhan quyen su dung dat"], ["so do"]],
        [["giay chung nhan quyen su dung dat"], ["so hong"]],
    ]


def test_query_words_are_data() -> None:
    words = search.load_query_words()
    for phrase in ("toi muon", "lam", "cho", "o dau", "can gi", "the nao", "thu tuc", "xin"):
        assert phrase in words.fillers, phrase
    # Words that decide between procedures are no fillers.
    assert not {
        "con",
        "mat",
        "lai",
        "doi",
        "moi",
        "dat",
        "nha",
        "can",
        "co",
        "chi",
        "em",
        "minh",
        "hoi",
        "thi",
        "dinh",
        "tai",
        "de",
        "di",
        "mot",
        "la",
        "ma",
        "chu",
        "anh",
        "hong",  # "hỏng" (broken): not the "hông" of "không"
    } & set(words.fillers)
    assert {"cap lai", "cap doi", "trinh bao mat", "gia han"} <= set(words.variants)
    assert all(len(f.split()) <= search.MAX_PHRASE for f in words.fillers)


def test_question_words_keep_clear_of_the_names() -> None:
    words = set(search.load_query_words().fillers)
    # How citizens open and close a question, in the regions' and chat's forms, are fillers.
    for phrase in ("cho em hoi", "cho minh hoi", "muon hoi ve", "nop o dau", "het bao nhieu tien"):
        assert phrase in words, phrase
    for phrase in ("mat may ngay", "can chuan bi", "gom nhung gi", "duoc hong", "man", "zay", "khum"):
        assert phrase in words, phrase
    # Not those that fold like a word of the names or swallow one of a typed form beside them:
    # "muốn hỏi" (muốn hồi hương), "cho em" (cho em bé), "cách" (cách mạng), "… đang" (đăng ký),
    # "phí bao nhiêu" (án phí), "có thể" (có thẻ), "cần làm"/"cách làm" (làm lại), "hở" (hộ),
    # "mô" (mở, mộ), "dạ" (đã, da cam), "nhờ" (nhỏ), "giúp" (trợ giúp), "chào" (chào đời),
    # "nghe" (nghề), "tính" (tỉnh), "tớ" (tổ, tờ), "trường hợp" (in 70 names).
    assert (
        not {
            "muon hoi",
            "em muon hoi",
            "cho em",
            "cach",
            "toi dang",
            "em dang",
            "phi bao nhieu",
            "co the",
            "can lam",
            "cach lam",
            "ho",
            "mo",
            "da",
            "nho",
            "giup",
            "chao",
            "nghe",
            "tinh",
            "to",
            "truong hop",
        }
        & words
    )


def test_variants_are_derived_from_the_names() -> None:
    names = [
        "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên",
        "Cấp lại thẻ căn cước",
        "Cấp đổi thẻ căn cước (thực hiện tại cấp tỉnh)",
        "Trình báo mất hộ chiếu phổ thông",
        "Cấp hộ chiếu phổ thông ở trong nước",
        "Gia hạn tạm trú",
        "Thủ tục cấp lại giấy phép lái xe",
        "Khai báo thông tin; cấp lại thẻ căn cước cho người khai báo",
        "Cấp giấy phép khai thác cát",
    ]
    variants = ("cap lai", "cap doi", "trinh bao mat", "gia han")
    assert search.variant_marks(names, variants) == [[], [0], [1], [2], [], [], [], [], []]
    # "Gia hạn tạm trú" and "cấp lại giấy phép lái xe" have no base in this list ("giấy phép" alone,
    # in "cấp giấy phép khai thác cát", is too common to make one): no variants. Nor has a name whose
    # "cấp lại" comes later: the start of a name says what it does.


def test_a_closing_names_its_object_after_a_neutral_word() -> None:
    # "Chấm dứt hoạt động hộ kinh doanh": the words after "chấm dứt" are "hoạt động hộ", in no
    # other name, so the variant phrases of search_fillers.yaml name "chấm dứt hoạt động" too; else
    # "hộ kinh doanh" alone listed the closing first.
    names = [
        "Đăng ký thành lập hộ kinh doanh",
        "Chấm dứt hoạt động hộ kinh doanh",
        "Đăng ký thuế lần đầu để cấp mã số thuế cá nhân",
        "Chấm dứt hiệu lực mã số thuế",
        "Tạm ngừng hoạt động hộ kinh doanh",
    ]
    variants = search.load_query_words().variants
    marks = search.variant_marks(names, variants)
    assert [[variants[i] for i in m] for m in marks] == [
        [],
        ["cham dut hoat dong"],
        [],
        ["cham dut hieu luc"],
        ["tam ngung hoat dong"],
    ]


def test_special_cases_are_derived_from_the_names() -> None:
    names = [
        "Thủ tục đăng ký khai sinh",
        "Thủ tục đăng ký khai sinh lưu động",
        "Thủ tục đăng ký khai sinh có yếu tố nước ngoài (thực hiện tại cấp tỉnh)",
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        "Đăng ký khai sinh (thực hiện tại cấp xã)",
    ]
    # The most core words that are another name's whole core name, never all of them: the same
    # core name in another bracket is no special case.
    assert search.tail_starts(names) == [0, 4, 4, 12, 4, 0]


def test_a_special_case_ranks_after_its_base(tmp_path: Path) -> None:
    """ "… lưu động", "… có yếu tố nước ngoài" rank after "Đăng ký khai sinh" unless the query names
    their own words; "có" (a word of the least weight) names nothing."""
    names = ["Đăng ký khai sinh có yếu tố nước ngoài", "Đăng ký khai sinh lưu động", "Đăng ký khai sinh"]
    # "có" is in most names, as in the real catalog, so that it weighs the least.
    names += [f"Cấp giấy phép loại {i} có thời hạn" for i in range(97)]
    path = tmp_path / "procedures.json"
    payload = small_payload(names, [])
    assert [d.get("t") for d in payload["docs"][:3]] == [4, 4, None]
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    queries = ["lam khai sinh co", "khai sinh luu dong", "khai sinh nuoc ngoai"]
    answers = engine(path, queries)
    assert [answers[q]["codes"][:3] for q in queries] == [
        ["1.000003", "1.000001", "1.000002"],
        ["1.000002", "1.000003", "1.000001"],
        ["1.000001", "1.000003", "1.000002"],
    ]


def test_core_names() -> None:
    assert search.core_name("Thủ tục Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)") == "cap lai the can cuoc"
    assert search.core_name("Thủ tục đăng ký khai sinh") == "dang ky khai sinh"


def test_extra_words_leave_out_the_name() -> None:
    assert (
        search.extra_words("thu tuc dang ky khai sinh", ["Giấy khai sinh", "Bản sao Giấy khai sinh"])
        == "giay ban sao"
    )


def fixture_payload() -> dict[str, Any]:
    result = validate_catalog(BASE_CATALOG / "catalog")
    context = build_context(result.model, preview=False, as_of="2026-11-01")
    return search.search_payload(context, pages=[("Dữ liệu mở", "du-lieu-mo/")])


def test_the_payload_is_sent_in_two_files_that_join_again(tmp_path: Path) -> None:
    """split_payload: the first file has none of what the first results do without, and join_payload
    (join() in search.js) gives the whole payload back; the engine answers the same on both."""
    payload = fixture_payload()
    first, rest = search.split_payload(payload)
    assert sorted(first) == ["docs", "format", "levels", "links", "online", "sectors", "words"]
    assert not any("k" in doc for doc in first["docs"]) and any("k" in doc for doc in payload["docs"])
    assert sorted(first["words"]) == ["fillers", "homographs", "synonyms", "variants"]
    assert sorted(rest) == ["agencies", "elsewhere", "everyday", "format", "k", "pages"]
    assert len(rest["k"]) == len(payload["docs"]) and rest["format"] == search.FORMAT
    assert search.join_payload(first, rest) == payload
    whole = tmp_path / "whole" / "procedures.json"
    split = tmp_path / "site" / search.SEARCH_PATH
    for path, data in ((whole, payload), (split, first), (tmp_path / "site" / search.REST_PATH, rest)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    queries = ["khai sinh", "dang ky khai sinh cho con", "cong chung", "so tu phap", "giay phep ban le ruou"]
    assert Path(search.REST_PATH).name == evaluate.REST  # what node_answers passes beside the payload
    assert engine(split, queries) == engine(whole, queries)
    assert engine(whole, queries)["khai sinh"]["codes"][0] == "1.001193"


def test_payload_of_the_fixture_catalog() -> None:
    payload = fixture_payload()
    assert payload["format"] == search.FORMAT
    codes = [doc["c"] for doc in payload["docs"]]
    assert codes == sorted(codes) and "1.001193" in codes
    birth_doc = payload["docs"][codes.index("1.001193")]
    assert payload["sectors"][birth_doc["s"]] == "Hộ tịch"
    assert [payload["levels"][lv] for lv in birth_doc["l"]] == ["Cấp xã"]
    assert payload["online"][birth_doc["o"]] == "Trực tuyến toàn trình"
    assert [payload["agencies"][a] for a in birth_doc["a"]] == ["Ủy ban nhân dân cấp xã"]
    assert birth_doc["k"].split()[:1] == [
        "giay"
    ]  # from the result "Giấy khai sinh"; "khai sinh" is in the name
    assert birth_doc.get("i") == 1  # in the approved location-independent list
    assert ["Dữ liệu mở", "du-lieu-mo/"] in payload["pages"]
    assert ["Lĩnh vực Hộ tịch", "linh-vuc/ho-tich/"] in payload["pages"]
    words = payload["words"]
    assert "toi muon" in words["fillers"] and "cap lai" in words["variants"]
    assert any("gplx" in typed and "giay phep lai xe" in phrases for phrases, typed in words["synonyms"])
    assert words["everyday"] == search.load_everyday()
    assert payload["links"] == {"events": "", "national": search.NATIONAL_SEARCH}
    with_events = search.search_payload(
        build_context(validate_catalog(BASE_CATALOG / "catalog").model, preview=False, as_of="2026-11-01"),
        life_events=True,
    )
    assert with_events["links"]["events"] == "su-kien/"


def node() -> str:
    found = shutil.which("node")
    if not found:
        pytest.fail("node is needed to run search.js's engine: on Debian run 'apt-get install nodejs'")
    return found


def engine(payload: Path, queries: list[str]) -> dict[str, dict[str, Any]]:
    node()
    return evaluate.node_answers(payload, queries)


def test_engine_on_the_fixture_catalog(tmp_path: Path) -> None:
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(fixture_payload(), ensure_ascii=False), encoding="utf-8")
    birth = (
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "khai snh",
        "dangw kys khai sinh",
        "toi muon lam giay khai sinh",
        "1001193",
        "1.001193",
        "dang ki khai sinh",
    )
    answers = engine(path, [*birth, "thu tuc", "giay phep ban le ruou"])
    # The other procedure of the fixture ("Đăng ký tham dự kiểm tra kết quả tập sự hành nghề công
    # chứng") shares "đăng ký" and may follow, far behind.
    for query in birth:
        assert answers[query]["found"] and answers[query]["codes"][0] == "1.001193", (query, answers[query])
    assert answers["khai snh"]["codes"] == answers["1001193"]["codes"] == ["1.001193"]
    assert answers["thu tuc"]["found"] and answers["thu tuc"]["codes"]  # only fillers: they count
    assert answers["giay phep ban le ruou"] == {"codes": [], "found": False}


def small_payload(
    names: list[str], synonyms: list[search.Synonym], everyday: list[list[int | str]] | None = None
) -> dict[str, Any]:
    """A payload of procedures with these names only (codes 1.000001 …), with the real query words
    (but no everyday words unless given)."""
    words = search.load_query_words()
    marks = search.variant_marks(names, words.variants)
    docs: list[dict[str, Any]] = [
        {
            "c": f"1.{i + 1:06d}",
            "n": name,
            "s": 0,
            "l": [0],
            "o": 0,
            "a": [0],
            **({"v": v} if v else {}),
            **({"t": t} if t else {}),
        }
        for i, (name, v, t) in enumerate(zip(names, marks, search.tail_starts(names), strict=True))
    ]
    return {
        "format": search.FORMAT,
        "sectors": ["Lĩnh vực"],
        "agencies": ["Cơ quan"],
        "levels": ["Cấp xã"],
        "online": ["Chưa có dịch vụ trực tuyến"],
        "docs": docs,
        "pages": [],
        "words": {
            "fillers": list(words.fillers),
            "variants": list(words.variants),
            "homographs": search.homograph_pairs(names, words.spelled),
            "synonyms": search.synonym_table(synonyms),
            "elsewhere": ["giay phep xay dung"],
            "everyday": everyday or [],
        },
        "links": {"events": "", "national": search.NATIONAL_SEARCH},
    }


def write_small(tmp_path: Path, *args: Any, name: str = "procedures") -> Path:
    """``small_payload(*args)`` written to ``tmp_path / (name + ".json")``."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(small_payload(*args), ensure_ascii=False), encoding="utf-8")
    return path


def test_everyday_words_are_data() -> None:
    """search_everyday.yaml: folded words of everyday Vietnamese by Zipf class (× 10), commonest
    first, each word once, with its source and licence in its header."""
    header = search.EVERYDAY.read_text(encoding="utf-8").split("\nzipf:", 1)[0]
    assert "wordfreq 3.1.1" in header and "CC BY-SA 4.0" in header and "tools/everyday_words.py" in header
    classes = search.load_everyday()
    zipfs = [row[0] for row in classes]
    assert zipfs == sorted(zipfs, reverse=True) and all(isinstance(z, int) and 40 <= z <= 80 for z in zipfs)
    words = [w for row in classes for w in str(row[1]).split(" ")]
    assert len(words) == len(set(words)) and 1000 < len(words) < 3000
    assert all(w == search.fold(w) and (w.isalpha() or (w.isdigit() and len(w) == 1)) for w in words)
    by_word = {w: row[0] for row in classes for w in str(row[1]).split(" ")}
    # "là" is among the commonest words; "ông" and "vợ" are everyday words; "gplx" is none.
    assert by_word["la"] >= 70 and by_word["ong"] >= 60 and "vo" in by_word and "gplx" not in by_word


def test_everyday_words_reproduce_from_wordfreq() -> None:
    """tools/everyday_words.py writes exactly the committed file (where wordfreq, the optional extra
    "everyday", is installed)."""
    pytest.importorskip("wordfreq")
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "everyday_words.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_everyday_words_weigh_less_in_the_ranking(tmp_path: Path) -> None:
    names = [
        "Đăng ký khai tử",
        "Đăng ký khai tử lưu động",
        "Đăng ký khai tử có yếu tố nước ngoài",
        "Chứng nhận ông bà tổ tiên",
        # Other names, so that "ngoại" is in fewer than a quarter of them (and may name a special case).
        "Cấp hộ chiếu phổ thông",
        "Đăng ký tạm trú",
        "Đăng ký kết hôn",
        "Cấp giấy phép xây dựng",
    ]
    queries = ["khai tu cho ong ngoai", "ong ba to tien"]
    answers = {}
    for name, everyday in (("with", [[80, "ngoai nuoc ong"]]), ("without", [])):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(small_payload(names, [], everyday), ensure_ascii=False), encoding="utf-8")
        answers[name] = engine(path, queries)
    # "ông", "ngoại" beside no neighbour as in a name: everyday words, and the name that has only
    # "ông" is no longer a result.
    assert "1.000004" in answers["without"]["khai tu cho ong ngoai"]["codes"]
    assert answers["with"]["khai tu cho ong ngoai"]["codes"] == ["1.000003", "1.000001", "1.000002"]
    # Beside each other as in a name, everyday words keep their weight.
    assert answers["with"]["ong ba to tien"]["codes"] == ["1.000004"]


def test_homograph_pairs_are_derived_from_the_names() -> None:
    spelled = search.load_query_words().spelled
    assert "đang" in spelled and "đâu" in spelled and "làm" in spelled
    pairs = search.homograph_pairs(
        ["Đăng ký đầu tư", "Khai thác lâm sản", "Hồ sơ đang xử lý", "Cấp phép cho người dân"], spelled
    )
    # "đang", "cho" as written are fillers: no pair; "đăng", "đầu", "lâm" only fold like one.
    assert pairs == ["dang ky", "dau tu", "ky dau", "lam san", "thac lam"]


def test_elsewhere_leaves_out_what_the_catalog_has() -> None:
    groups = search.load_elsewhere()
    assert {"Giáo dục và Đào tạo", "Xây dựng"} <= {g.sector for g in groups}
    assert all(g.typed and all(g.typed) for g in groups)
    phrases = search.elsewhere_phrases(
        [
            search.Elsewhere("Xây dựng", ("giay phep xay dung", "xay nha")),
            search.Elsewhere("Y tế", ("benh vien", "nha thuoc")),
            search.Elsewhere("Sở hữu trí tuệ", ("nhan hieu", "quang cao")),
        ],
        ["Y tế", "Thú y"],  # the catalog has the health sector: none of its phrases
        ["Cấp giấy xác nhận nội dung quảng cáo thuốc thú y", "Đăng ký xây nhà tạm"],
    )
    assert phrases == ["giay phep xay dung", "nhan hieu"]


def test_no_one_word_elsewhere_phrase_is_a_common_word_once_folded() -> None:
    """A one-word phrase for what other bodies handle weighs a query's word as nothing: `chùa` folds
    like `chưa`, a word of every other question ("nhà chưa có sổ"), and was one until 2 December."""
    everyday = {
        word: zipf
        for zipf, words in load_yaml(search.EVERYDAY.read_text(encoding="utf-8"))["zipf"].items()
        for word in str(words).split(" ")
    }
    common = [
        typed
        for group in search.load_elsewhere()
        for typed in group.typed
        if len(typed.split(" ")) == 1 and everyday.get(typed, 0) >= 60
    ]
    assert common == []


def test_engine_rules_on_a_small_catalog(tmp_path: Path) -> None:
    names = [
        "Đăng ký đầu tư dự án",
        "Đăng ký tư vấn",
        "Cấp hộ chiếu phổ thông",
        "Trình báo mất hộ chiếu phổ thông",
        "Cấp lại giấy phép lái xe",
        "Cấp đổi giấy chứng nhận đăng ký hộ kinh doanh",
        "Chịu thuế tiêu thụ đặc biệt",
        "Cấp đổi thẻ bảo hiểm y tế",
        "Yêu cầu thi hành án dân sự",
    ]
    synonyms = [
        search.Synonym("giay phep lai xe", ("bang lai",)),
        search.Synonym("cap lai", ("mat", "bi mat")),
        search.Synonym("cap doi", ("het han",)),
        search.Synonym("thi hanh an dan su", ("toa xu",)),
    ]
    path = write_small(tmp_path, names, synonyms)
    answers = engine(
        path,
        [
            "dang ky dau tu",
            "lam ho chiu",
            "ho chieu",
            "bang lai het han",
            "mat ho chieu",
            "xin giay phep xay dung",
            "giay phep lai xe",
            "toa xu roi ma nguoi ta khong tra tien",
            "muon thi hanh an dan su ve khoan no tien hang nam ngoai",
            "hochieu",
            "dangky dautu",
        ],
    )
    # "đâu" is a filler, but "dau tu" is "đầu tư": the word counts.
    assert answers["dang ky dau tu"]["codes"][0] == "1.000001"
    # "chiu" is a word of the catalog, but "ho chiu" stands in no name and "ho chieu" does.
    assert answers["lam ho chiu"]["codes"][0] == "1.000003"
    assert answers["ho chieu"]["codes"][:2] == ["1.000003", "1.000004"]  # the base first
    assert answers["mat ho chieu"]["codes"][0] == "1.000004"  # "mất" names the variant
    # "hết hạn" → "cấp đổi" names a variant, not the procedure: the licence first, not a "cấp đổi".
    assert answers["bang lai het han"]["codes"][0] == "1.000005"
    # What other bodies handle: not found, though "giấy phép" is in the names.
    assert answers["xin giay phep xay dung"] == {"codes": [], "found": False}
    assert answers["giay phep lai xe"]["found"]
    # Most of its words are in no name, but the query has a synonym whose phrase stands in a name:
    # the query was understood, and the answer is found.
    assert answers["toa xu roi ma nguoi ta khong tra tien"]["codes"] == ["1.000009"]
    # Four words of the query as they stand in a name: found, however many other words it has.
    assert answers["muon thi hanh an dan su ve khoan no tien hang nam ngoai"]["codes"][0] == "1.000009"
    # Words typed without their space, split where the halves stand side by side in a name.
    assert answers["hochieu"]["codes"][:2] == ["1.000003", "1.000004"]
    assert answers["dangky dautu"]["codes"][0] == "1.000001"


def test_a_filler_names_no_variant(tmp_path: Path) -> None:
    """ "bao" of the fillers "bao lâu", "bao nhiêu" folds like "báo" of "trình báo mất": it does not
    name that variant, so the base procedure comes first."""
    names = ["Cấp hộ chiếu phổ thông ở trong nước", "Trình báo mất hộ chiếu phổ thông"]
    path = write_small(tmp_path, names, [])
    queries = ["ho chieu bao lau", "lam ho chieu bao nhieu tien", "trinh bao mat ho chieu"]
    answers = engine(path, queries)
    assert [answers[q]["codes"] for q in queries] == [
        ["1.000001", "1.000002"],
        ["1.000001", "1.000002"],
        ["1.000002"],
    ]


def test_a_reading_keeps_the_words_of_typed_forms_and_fillers(tmp_path: Path) -> None:
    """A tie between a filler and a typed form goes to the typed form ("em" + "chào đời", not the
    filler "em chào" + "đời"); a word of a filler or typed form that the names lack is not split
    in two ("tuần" of "mấy tuần" is no "tự an" of "trật tự, an toàn")."""
    names = ["Đăng ký khai sinh", "Đăng ký khai tử", "Kiểm tra kiến thức về trật tự, an toàn giao thông"]
    synonyms = [search.Synonym("khai sinh", ("chao doi",))]
    path = write_small(tmp_path, names, synonyms)
    queries = ["con em chao doi", "khai tu may tuan"]
    answers = engine(path, queries)
    # (until 2 December both were "không tìm thấy": "em chào" + "đời", and "tự an" weighed as much as
    # "khai tử")
    assert [answers[q]["codes"] for q in queries] == [["1.000001"], ["1.000002", "1.000001", "1.000003"]]


def test_short_typos_and_the_weight_of_typed_forms(tmp_path: Path) -> None:
    names = [
        "Thủ tục đăng ký kết hôn",
        "Đăng ký nuôi trồng thủy sản",
        "Cấp phép bến thủy nội địa",
        "Thủ tục đăng ký khai sinh",
        "Giải quyết hưởng chế độ thai sản",
    ]
    synonyms = [
        search.Synonym("khai sinh", ("sinh em be",)),
        search.Synonym("huong che do thai san", ("thai san",)),
    ]
    path = write_small(tmp_path, names, synonyms)
    answers = engine(path, ["ket hom", "dang ky nuoi yen", "vo sinh em be huong thai san", "khasi sinh"])
    # A word of 3 letters with one letter changed is the word of the catalog beside its neighbour…
    assert answers["ket hom"]["codes"][0] == "1.000001"
    # … and no other: "yen" is not "bến" (no name has "nuôi bến").
    assert "1.000003" not in answers["dang ky nuoi yen"]["codes"]
    # "em bé" is in no name, but "sinh em bé" weighs as "khai sinh", not as two unknown words.
    assert answers["vo sinh em be huong thai san"]["codes"][0] == "1.000005"
    # A telex tone typed inside the word ("khasi" for "khái") is a telex leftover, not a typo.
    assert answers["khasi sinh"]["codes"][0] == "1.000004"


def test_a_name_that_begins_with_the_query_first(tmp_path: Path) -> None:
    names = ["Giao dịch bảo đảm chứng thực hợp đồng", "Chứng thực hợp đồng giao dịch bảo đảm khác"]
    path = write_small(tmp_path, names, [])
    # Both have the words side by side; the shorter name would win, but the other begins with them.
    assert engine(path, ["chung thuc hop dong"])["chung thuc hop dong"]["codes"] == ["1.000002", "1.000001"]


def test_one_word_for_one_word_is_no_phrase(tmp_path: Path) -> None:
    names = [
        "Đăng ký khai tử lưu động cho người chết ở khu vực biên giới có yếu tố nước ngoài",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "Đăng ký khai sinh",
    ]
    path = tmp_path / "procedures.json"
    payload = small_payload(names, [search.Synonym("cha", ("bo",))])
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    answers = engine(path, ["dang ky khai tu cho bo", "nhan bo", "bo xuat ngoai lau nam"])
    # "bố" is "cha" written otherwise: it matches the word, without a phrase's bonus, and a query
    # that has nothing else the names have is not understood by it.
    assert answers["dang ky khai tu cho bo"]["codes"][0] == "1.000001"
    assert answers["nhan bo"]["codes"][0] == "1.000002"
    assert answers["bo xuat ngoai lau nam"] == {"codes": [], "found": False}


def test_readings_of_a_query(tmp_path: Path) -> None:
    names = [
        "Cấp hộ chiếu phổ thông",
        "Trình báo mất hộ chiếu phổ thông",
        "Cấp lại tem hộ chiếu",
        "Giải quyết hưởng chế độ TNLĐ lần đầu",
        "Trợ cấp tai nạn khi làm nhiệm vụ cho lực lượng xung kích",
        "Đăng ký tạm trú",
        "Cấp bản sao có chứng thực từ bản chính giao dịch đã được chứng thực",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam;"
        " cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận",
        "Thu hồi chứng nhận đăng ký xe",
    ]
    synonyms = [
        search.Synonym("cap lai", ("mat", "bi mat")),
        search.Synonym("trinh bao mat ho chieu", ("mat ho chieu",)),
        search.Synonym("tnld", ("tai nan khi lam viec",)),
        search.Synonym("tam tru", ("thue tro",)),
        search.Synonym("thu hoi chung nhan dang ky xe", ("xe bi mat trom",)),
    ]
    payload = small_payload(names, synonyms)
    payload["words"]["elsewhere"] += ["sinh vien", "xay nha", "bi mat trom"]
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    queries = [
        "bi mat ho chieu khi di du lich",
        "tai nan khi dang lam viec",
        "sinh vien thue tro",
        "sinh vien xay nha",
        "xay nha tam tru",
        "chung thuc ban sao",
        "xe bi mat trom",
        "nha bi mat trom",
    ]
    answers = engine(path, queries)
    # The reading with the longest units: "bị" + "mất hộ chiếu", not "bị mất" + "hộ" + "chiếu".
    assert answers[queries[0]]["codes"][0] == "1.000002"
    # A one-word filler typed inside a typed form ("đang").
    assert answers[queries[1]]["codes"][0] == "1.000004"
    # Words for what other bodies handle weigh nothing; the rest still names a procedure by a
    # synonym's phrase ("thuê trọ" → "tạm trú"), or nothing, or too little beside them.
    assert answers[queries[2]]["codes"][0] == "1.000006"
    assert answers[queries[3]] == {"codes": [], "found": False}
    assert answers[queries[4]] == {"codes": [], "found": False}
    # A long name's first ten words count fully: "Chứng thực bản sao …" is what was asked.
    assert answers[queries[5]]["codes"][0] == "1.000008"
    # A typed form that holds other bodies' words and more is the more specific reading: the
    # vehicle's procedure; those words alone (a theft to report) are not found.
    assert answers[queries[6]]["codes"][0] == "1.000009"
    assert answers[queries[7]] == {"codes": [], "found": False}


# Names of a small catalog for the tests of the decision "found", after the name a test is about.
SMALL_NAMES = [
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Cấp hộ chiếu phổ thông",
    "Đăng ký tạm trú",
    "Công nhận hộ nghèo",
    "Cấp giấy phép kinh doanh karaoke",
    "Đăng ký mã số thuế",
]


def test_a_question_told_as_a_story_is_found(tmp_path: Path) -> None:
    """A long question has many words no name has; it is found when the procedure ranked first has
    the share of a question of 8 words and two of its words side by side, not otherwise."""
    names = ["Xét hưởng trợ cấp đối với thương binh", *SMALL_NAMES]
    path = write_small(tmp_path, names, [])
    story = "ba toi bi thuong trong chien tranh gio muon xin tro cap thuong binh o cho nao vay"
    farm = "nha toi nuoi ga vit heo bo muon ban ra cho thi can tro cap gi"
    answers = engine(path, [story, farm])
    assert answers[story]["found"] and answers[story]["codes"][0] == "1.000001"
    # "trợ cấp" alone among a story's words is too little: not found.
    assert answers[farm] == {"codes": [], "found": False}


def with_and_without_everyday(
    tmp_path: Path, names: list[str], everyday: list[list[Any]], query: str
) -> dict[str, dict[str, Any]]:
    """What the engine answers to ``query`` on a small catalog of ``names``, with the everyday
    word table ``everyday`` and without one."""
    answers = {}
    for name, table in (("with", everyday), ("without", [])):
        answers[name] = engine(write_small(tmp_path, names, [], table, name=name), [query])[query]
    return answers


def test_a_story_weighs_its_everyday_words_less(tmp_path: Path) -> None:
    """In the decision "found" for a story, its words weigh as for the ranking: everyday words
    ("tháng", "chưa", "rồi") no longer outweigh the names' words it has ("khai sinh")."""
    names = ["Xét hưởng trợ cấp đối với thương binh", *SMALL_NAMES]
    story = "be nha toi sinh duoc hai thang roi ma chua khai sinh nen lo qua"
    answers = with_and_without_everyday(tmp_path, names, [[80, "thang chua nho roi hai"]], story)
    assert answers["with"] == {"codes": ["1.000002"], "found": True}
    # Without the everyday words, its many other words are too much: not found.
    assert answers["without"] == {"codes": [], "found": False}


def test_a_short_question_weighs_its_everyday_words_less(tmp_path: Path) -> None:
    """A question of up to 8 content words is found when the procedure ranked first has 70 % of it
    with its words weighed as for the ranking and 45 % by rarity alone: "lớn tuổi" (rare in the
    names, common in speech) no longer outweighs "khai sinh"."""
    names = [
        "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
        *SMALL_NAMES,
        "Đăng ký nuôi con nuôi trong nước",
        "Xét tặng danh hiệu người cao tuổi",
    ]
    question = "khai sinh cho nguoi da lon tuoi"
    answers = with_and_without_everyday(tmp_path, names, [[70, "lon tuoi que xa"]], question)
    assert answers["with"] == {"codes": ["1.000001", "1.000002", "1.000010"], "found": True}
    assert answers["without"] == {"codes": [], "found": False}


def test_a_short_question_is_not_found_by_its_names_words_alone(real_site: Path) -> None:
    """On the real catalog: the rule above finds the birth registration of an adult, but a question
    whose everyday words are most of it by rarity ("đăng ký nuôi yến": "yến" folds like "yên") stays
    "không tìm thấy"."""
    payload = real_site / search.SEARCH_PATH
    answers = engine(payload, ["làm khai sinh cho người đã lớn tuổi", "dang ky nuoi yen"])
    assert answers["làm khai sinh cho người đã lớn tuổi"]["codes"][0] == "1.004772"
    assert answers["dang ky nuoi yen"] == {"codes": [], "found": False}


def test_a_typed_form_is_found_with_a_word_inside_it(tmp_path: Path) -> None:
    """A typed form of 3 words or more is found with any one word of the query inside it ("ba [em]
    mới mất"); the word inside stays a word of the query ("ba em mới mất kết hôn" lists the
    marriage too)."""
    names = [
        "Thủ tục đăng ký khai tử",
        "Thủ tục đăng ký khai sinh",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
        "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Đăng ký thường trú",
        "Thủ tục yêu cầu trợ giúp pháp lý",
        "Cấp hộ chiếu phổ thông",
        "Đăng ký kết hôn",
    ]
    synonyms = [
        search.Synonym("dang ky khai tu", ("ba em mat",)),
        search.Synonym("tro giup phap ly", ("tu van luat mien phi",)),
    ]
    path = write_small(tmp_path, names, synonyms)
    queries = ["ba em moi mat", "tu van phap luat mien phi", "ba em moi mat ket hon", "ba moi mat"]
    assert engine(path, queries) == {
        "ba em moi mat": {"codes": ["1.000001"], "found": True},
        "tu van phap luat mien phi": {"codes": ["1.000006"], "found": True},
        "ba em moi mat ket hon": {"codes": ["1.000001", "1.000008"], "found": True},
        # A typed form of 2 words is not found so: "ba [mới] mất" is no "ba em mất".
        "ba moi mat": {"codes": [], "found": False},
    }


def test_a_typed_form_with_a_hole_yields_to_one_without(real_site: Path) -> None:
    """On the real catalog: a typed form with a word inside it counts a word less in the reading, so
    "cấp đổi" + "sổ đỏ" wins over "cấp [đổi] sổ đỏ" (the first land certificate)."""
    story = "ba em mới mất hôm qua thì làm giấy tờ gì ở xã"
    answers = engine(real_site / search.SEARCH_PATH, ["cap doi so do", story])
    assert answers["cap doi so do"]["codes"][0] == "1.012783"
    assert answers[story]["codes"][0] == "1.000656"


def test_a_word_of_many_names_names_no_special_case(tmp_path: Path) -> None:
    """ "có" folds like "cơ" of "cơ sở", "cơ quan": a word in a quarter of the names or more names no
    special case, and the special case's words the query does not name earn no pair bonus."""
    names = [
        "Thủ tục đăng ký khai sinh",
        "Thủ tục đăng ký khai sinh có yếu tố nước ngoài",
        "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "Thông báo thay đổi cơ quan quản lý",
        "Đăng ký kết hôn",
        "Cấp hộ chiếu phổ thông",
        "Đăng ký tạm trú",
        "Đăng ký thường trú",
    ]
    path = write_small(tmp_path, names, [])
    queries = ["lam khai sinh co bi phat khong", "khai sinh co yeu to nuoc ngoai"]
    assert engine(path, queries) == {
        "lam khai sinh co bi phat khong": {"codes": ["1.000001", "1.000002", "1.000003"], "found": True},
        "khai sinh co yeu to nuoc ngoai": {"codes": ["1.000002"], "found": True},
    }


def test_a_light_synonym_does_not_outweigh_what_others_handle(tmp_path: Path) -> None:
    """A query with words for what other bodies handle is found by a synonym's phrase only when the
    rest of it weighs at least one rarest word per such phrase: "dk" ("đăng ký", in most names) beside
    "giữ tiền cọc" is "không tìm thấy"; "lltp" (a rare phrase) beside "xuất khẩu lao động" is found."""
    names = [
        "Đăng ký tạm trú",
        "Đăng ký thường trú",
        "Đăng ký khai sinh",
        "Cấp hộ chiếu phổ thông",
        "Đăng ký kết hôn",
        "Cấp phiếu lý lịch tư pháp",
    ]
    synonyms = [search.Synonym("dang ky", ("dk",)), search.Synonym("ly lich tu phap", ("lltp",))]
    payload = small_payload(names, synonyms)
    payload["words"]["elsewhere"] += ["giu tien coc", "xuat khau lao dong"]
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    answers = engine(path, ["dk giu tien coc", "lltp di xuat khau lao dong"])
    assert answers == {
        "dk giu tien coc": {"codes": [], "found": False},
        "lltp di xuat khau lao dong": {"codes": ["1.000006"], "found": True},
    }


def test_a_letter_typed_twice_in_a_word_of_three(tmp_path: Path) -> None:
    """ "thai sảnn": a word of 4 letters with a letter typed twice is the word of 3 without it (one
    edit reaches words of 4 letters or more only)."""
    names = ["Giải quyết hưởng chế độ thai sản", "Cấp giấy phép xử lý chất thải", "Đăng ký kết hôn"]
    path = write_small(tmp_path, names, [])
    assert engine(path, ["thai sann"])["thai sann"]["codes"][0] == "1.000001"


def test_hand_written_pages(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Dữ liệu mở\n\nText.\n", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.md").write_text("Intro\n\n# Trang B\n", encoding="utf-8")
    (tmp_path / "skip.md").write_text("# Bỏ qua\n", encoding="utf-8")
    (tmp_path / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    assert search.hand_written_pages(tmp_path, skip=["skip.md"]) == [("Dữ liệu mở", "a/"), ("Trang B", "b/")]


# ---- the real catalog's site in Chromium ------------------------------------------------------------


def real_catalog() -> Path:
    catalog = REPO / "catalog"
    if not any((catalog / "procedures").glob("*/*.yaml")):
        pytest.skip(f"the real catalog is absent: no procedures in {catalog / 'procedures'}")
    return catalog


@pytest.fixture(scope="session")
def site_url(real_site: Path) -> Iterator[str]:
    with serve(real_site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def type_query(page: Page, query: str) -> None:
    """Type into the header search box and wait until the results panel shows this query."""
    page.locator("#tthc-search-q").fill(query)
    page.wait_for_function(
        "(q) => document.getElementById('tthc-search-panel').dataset.query === q", arg=query
    )


def result_codes(page: Page) -> list[str]:
    hrefs = page.locator(".tthc-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def procedures() -> dict[str, dict[str, Any]]:
    found = {}
    for path in (REPO / "catalog" / "procedures").glob("*/*.yaml"):
        data = load_yaml(path.read_text(encoding="utf-8"))
        found[data["code"]] = data
    return found


def built_payload(site: Path) -> dict[str, Any]:
    """A built site's whole payload: its two files joined."""
    first, rest = (
        json.loads((site / path).read_text(encoding="utf-8"))
        for path in (search.SEARCH_PATH, search.REST_PATH)
    )
    return search.join_payload(first, rest)


def eval_items(half: str) -> list[dict[str, Any]]:
    return evaluate.queries(half)


def test_evaluation_is_real_and_large_enough() -> None:
    real_catalog()
    known = procedures()
    halves = {half: eval_items(half) for half in evaluate.HALVES}
    texts = [item["q"] for items in halves.values() for item in items]
    assert len(texts) == len(set(texts)), "a query is in the evaluation twice"
    written = [i for items in halves.values() for i in items if i["kind"] not in evaluate.FROM_NAMES]
    assert len(written) >= 300
    assert sum(not i["codes"] for i in written) >= 30, "too few queries for procedures the catalog lacks"
    assert {i["kind"] for i in halves["tuning"]} >= set(evaluate.FROM_NAMES)
    assert {i["kind"] for i in halves["test"]}.isdisjoint(evaluate.FROM_NAMES)
    assert (
        abs(len([i for i in halves["tuning"] if i["kind"] not in evaluate.FROM_NAMES]) - len(halves["test"]))
        <= 1
    )
    for item in halves["tuning"] + halves["test"]:
        missing = [c for c in item["codes"] if c not in known]
        assert not missing, f"{item['q']!r} expects {missing}, which the catalog does not have"
        assert item["q"] == item["q"].strip(), item


@pytest.mark.parametrize(
    "q", ["dang ky khai sinh", "Bố tôi mất thì xin trợ cấp ở đâu?", "hỏi: làm sao, ở đâu", "#1 cccd", "yes"]
)
def test_split_writes_each_query_as_it_was_written(q: str) -> None:
    """split.py appends a batch line by line; a line YAML would read otherwise (a `?` or `,` ends a
    plain scalar in a flow mapping) is quoted, so that the half still loads with the query as written."""
    from split import _line  # tests/search_eval/split.py

    item = {"q": q, "codes": ["1.001193"], "kind": "sentence"}
    assert load_yaml(_line(item)) == [item]


def test_elsewhere_does_not_take_a_typed_form_the_catalog_has(real_site: Path) -> None:
    """A phrase for what other bodies handle that folds like a synonym's typed form ("tu sĩ", a
    monk, is "tử sĩ", a fallen soldier) would answer that synonym's query "không tìm thấy"."""
    payload = built_payload(real_site)
    names = " | ".join(f" {search.fold(d['n'])} " for d in payload["docs"] if d.get("x") != 2)
    elsewhere = set(payload["words"]["elsewhere"])
    taken = [
        (typed, phrase)
        for phrases, forms in payload["words"]["synonyms"]
        for typed in forms
        if typed in elsewhere
        for phrase in phrases
        if f" {phrase} " in names
    ]
    assert taken == []


@pytest.mark.parametrize("half", evaluate.HALVES)
def test_evaluation_figures(real_site: Path, half: str) -> None:
    """The engine of search.js (in node, on the real site's payload) keeps its figures on each half."""
    items = eval_items(half)
    figures = evaluate.figures(items, engine(real_site / search.SEARCH_PATH, [i["q"] for i in items]))
    print(f"\n{half}: {figures.line()}")
    floors = FLOORS[half]
    reached = {"top1": figures.top1, "top5": figures.top5, "not_found": figures.not_found}
    assert all(reached[k] >= floors[k] for k in floors), (figures.line(), floors)


def test_the_issue_examples_in_the_box(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "/")
    misses = []
    box = phone.locator("#tthc-search-q")
    for query, wanted in EXAMPLES:
        box.fill("")
        box.press_sequentially(query)  # key by key, as a citizen types
        phone.wait_for_function(
            "(q) => document.getElementById('tthc-search-panel').dataset.query === q", arg=query
        )
        top = result_codes(phone)[:3]
        if not set(wanted) & set(top):
            misses.append(f"{query!r}: wanted one of {wanted} in the top 3, got {top}")
    assert misses == []


def test_not_found_says_so_and_offers_ways_on(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "/")
    type_query(phone, "giay phep ban le ruou")
    assert result_codes(phone) == []
    status = phone.locator(".tthc-searchbar__status")
    assert status.inner_text().startswith("Không tìm thấy thủ tục nào phù hợp với “giay phep ban le ruou”.")
    hrefs = status.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # The real catalog has life events (catalog/life-events.yaml), so their index is offered.
    assert hrefs == [
        site_url + "/linh-vuc/",
        site_url + "/co-quan/",
        site_url + "/su-kien/",
        search.NATIONAL_SEARCH,
    ]


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("đăng ký khai sinh", "dang ky khai sinh"),
        ("Đăng Ký Kết Hôn", "dang ky ket hon"),
        ("cấp lại giấy phép lái xe", "cap lai giay phep lai xe"),
        ("thẻ căn cước", "the can cuoc"),
        ("lý lịch tư pháp", "ly lich tu phap"),
    ],
)
def test_diacritics_do_not_change_the_results(phone: Page, site_url: str, accented: str, plain: str) -> None:
    phone.goto(site_url + "/")
    type_query(phone, accented)
    shown = result_codes(phone)
    type_query(phone, plain)
    assert shown and result_codes(phone) == shown
    every = "(q) => window.tthcSearch.search(q).then(r => r.map(d => d.c))"
    assert phone.evaluate(every, accented) == phone.evaluate(every, plain)


def test_javascript_folds_and_tokenises_as_python_does(phone: Page, site_url: str) -> None:
    known = procedures()
    texts = [p["name"] for p in known.values()] + [
        "ĐĂNG KÝ",
        "1.001193",
        "Thuỷ lợi – “AB”",
        unicodedata.normalize("NFD", "Hộ tịch"),
        "a\u00a0b\tc",
        "dòng một\ndòng hai",
        "1..2 a.1.2.3 x1.2y .5 5.",
        "",
        "  ",
        "e\u0301\u1dc0x",
        "ǅ Ω ß ﬁ",
    ]
    phone.goto(site_url + "/")
    folded = phone.evaluate("(texts) => texts.map(window.tthcSearch.fold)", texts)
    assert folded == [search.fold(t) for t in texts]
    assert phone.evaluate("(texts) => window.tthcSearch.foldMany(texts)", texts) == folded  # the index's way
    tokens = phone.evaluate("(texts) => texts.map(window.tthcSearch.tokens)", texts)
    assert tokens == [search.fold(t).split() for t in texts]


@pytest.mark.parametrize("typed", ["1.001193", "1001193"])
def test_a_code_goes_straight_to_its_procedure(phone: Page, site_url: str, typed: str) -> None:
    phone.goto(site_url + "/linh-vuc/")
    phone.locator("#tthc-search-q").fill(typed)
    with phone.expect_navigation():
        phone.locator("#tthc-search-q").press("Enter")
    assert phone.url == site_url + "/thu-tuc/1.001193/"


def test_a_shared_search_address_with_a_code_redirects(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "/tim-kiem/?q=1001193")
    phone.wait_for_url(site_url + "/thu-tuc/1.001193/")


def test_search_page_shows_the_results_of_its_address(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "/tim-kiem/?q=ket+hon")
    phone.wait_for_function("document.getElementById('tthc-search-panel').dataset.query === 'ket hon'")
    assert phone.locator("#tthc-search-q").input_value() == "ket hon"
    assert "1.000894" in result_codes(phone)[:TOP]


def test_without_javascript_the_box_opens_the_browse_pages(chromium: Browser, site_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site_url + "/thu-tuc/1.001193/")
    page.locator("#tthc-search-q").fill("khai sinh")
    with page.expect_navigation():
        page.locator("#tthc-search-q").press("Enter")
    assert page.url == site_url + "/tim-kiem/?q=khai+sinh"
    article = page.locator("article")
    for address in ("linh-vuc/", "co-quan/", "khong-phu-thuoc-dia-gioi/", "diem-tiep-nhan/"):
        assert article.locator(f"a[href$='{address}']").count() == 1, address
    context.close()


def test_filters_narrow_the_results(phone: Page, site_url: str) -> None:
    known = procedures()
    phone.goto(site_url + "/")
    type_query(phone, "dang ky")
    everything = phone.evaluate("(q) => window.tthcSearch.search(q).then(r => r.length)", "dang ky")
    summary = phone.locator(".tthc-filterbox summary")
    summary.click()  # folded on a phone
    status = phone.locator(".tthc-searchbar__status")
    assert status.inner_text() == f"Tìm thấy {everything} thủ tục."

    phone.locator("select[data-filter=s]").select_option(label=_option(phone, "s", "Hộ tịch"))
    codes = result_codes(phone)
    assert codes and all(known[c]["sector"] == "ho-tich" for c in codes)
    sector_count = _count(status.inner_text())
    assert 0 < sector_count < everything

    phone.locator("select[data-filter=l]").select_option(label=_option(phone, "l", "Cấp xã"))
    assert all("xa" in known[c]["levels"] for c in result_codes(phone))
    # The real records seldom say "một phần" or "toàn trình": most online services are "unknown".
    phone.locator("select[data-filter=o]").select_option(
        label=_option(phone, "o", "Có nộp trực tuyến, chưa rõ mức độ")
    )
    assert all(known[c]["online_level"] == "unknown" for c in result_codes(phone))
    phone.locator("input[data-filter=i]").check()
    narrowed = _count(status.inner_text())
    assert narrowed <= sector_count
    assert all(c in _independent() for c in result_codes(phone))

    phone.locator("select[data-filter=s]").select_option(value="")
    phone.locator("select[data-filter=l]").select_option(value="")
    phone.locator("select[data-filter=o]").select_option(value="")
    phone.locator("input[data-filter=i]").uncheck()
    assert status.inner_text() == f"Tìm thấy {everything} thủ tục."


def _option(page: Page, name: str, label: str) -> str:
    """The full label of a filter option ('Hộ tịch (12)')."""
    options: list[str] = page.locator(f"select[data-filter={name}] option").all_inner_texts()
    return next(o for o in options if o.startswith(label + " ("))


def _count(status: str) -> int:
    return int(status.split()[2])


def _independent() -> set[str]:
    codes = set()
    for path in (REPO / "catalog" / "location-independent").glob("*.yaml"):
        data = load_yaml(path.read_text(encoding="utf-8"))
        if data.get("status") == "approved":
            codes |= {e["code"] for e in data["entries"] if e.get("status", "approved") == "approved"}
    return codes


def test_other_pages_are_offered(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "/")
    type_query(phone, "ho tich")
    pages = phone.locator(".tthc-pages a")
    assert "Lĩnh vực Hộ tịch" in pages.all_inner_texts()
    with phone.expect_navigation():
        pages.filter(has_text="Lĩnh vực Hộ tịch").click()
    assert phone.url == site_url + "/linh-vuc/ho-tich/"


def test_keyboard_reaches_and_opens_a_result(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "/")
    phone.locator("#tthc-search-q").focus()
    phone.keyboard.type("ket hon")
    phone.wait_for_function("document.getElementById('tthc-search-panel').dataset.query === 'ket hon'")
    phone.keyboard.press("ArrowDown")
    first = phone.locator(".tthc-results a").first
    assert first.evaluate("a => a === document.activeElement")
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowUp")
    assert first.evaluate("a => a === document.activeElement")
    href = first.get_attribute("href")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.url == href


@pytest.mark.parametrize("address", ["/", "/thu-tuc/1.001193/", "/linh-vuc/ho-tich/"])
def test_results_are_accessible_and_fit_a_phone(phone: Page, site_url: str, address: str) -> None:
    phone.goto(site_url + address)
    type_query(phone, "dang ky khai sinh")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    results = Axe().run(phone)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_the_site_carries_its_own_search_only(real_site: Path) -> None:
    assert not (real_site / "search" / "search_index.json").exists(), "Material's search is still built"
    assert not (real_site / "assets" / "lunr.js").exists()
    payload = json.loads((real_site / search.SEARCH_PATH).read_text(encoding="utf-8"))
    assert len(payload["docs"]) == sum(p["status"] != "draft" for p in procedures().values())
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert 'action="tim-kiem/"' in home and 'id="tthc-search-q"' in home and "assets/search.js" in home


def test_first_results_cost_little_to_fetch(phone: Page, site_url: str, real_site: Path) -> None:
    """What a phone downloads before its first results, gzip-compressed: under the 150 KB budget
    (benchmarks/bench_search.py measures it for 2,000 procedures). The first results need
    search.js and search/procedures.json only: they show while search/rest.json is held back, and
    the query is answered again on the whole index once it comes."""
    fetched: list[str] = []
    held: list[Route] = []
    phone.on("request", lambda request: fetched.append(request.url[len(site_url) + 1 :]))
    phone.route(f"{site_url}/{search.REST_PATH}", lambda route: held.append(route))
    phone.goto(site_url + "/")
    assert not any("search/" in url for url in fetched), "loaded before it was needed"
    phone.locator("#tthc-search-q").fill("khai sinh")
    phone.wait_for_function(
        "() => document.getElementById('tthc-search-panel').dataset.shown === 'khai sinh'"
    )
    first = sorted(url for url in fetched if "search" in url and url != search.REST_PATH)
    assert first == ["assets/search.js", search.SEARCH_PATH]
    assert result_codes(phone)[0] == "1.001193"
    assert phone.locator("#tthc-search-panel").get_attribute("data-query") is None  # on the names alone
    size = sum(len(gzip.compress((real_site / path).read_bytes(), 9)) for path in first)
    assert size < 150_000
    for _ in range(50):
        if held:
            break
        phone.wait_for_timeout(100)
    assert len(held) == 1
    held[0].continue_()
    type_query(phone, "khai sinh")  # data-query: answered on the whole index
    assert result_codes(phone)[0] == "1.001193"


def test_without_the_rest_of_the_index_the_names_still_answer(phone: Page, site_url: str) -> None:
    """When search/rest.json cannot be fetched, the answer on the names and codes stays, with no
    error shown, and the next query asks for the rest again."""
    asked: list[str] = []

    def refuse(route: Route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=503, body="")

    phone.route(f"{site_url}/{search.REST_PATH}", refuse)
    phone.goto(site_url + "/")
    phone.locator("#tthc-search-q").fill("khai sinh")
    phone.wait_for_function(
        "() => document.getElementById('tthc-search-panel').dataset.shown === 'khai sinh'"
    )
    assert result_codes(phone)[0] == "1.001193"
    status = phone.locator(".tthc-searchbar__status")
    assert status.inner_text().startswith("Tìm thấy ")
    phone.locator("#tthc-search-q").fill("ho chieu")
    phone.wait_for_function("() => document.getElementById('tthc-search-panel').dataset.shown === 'ho chieu'")
    assert status.inner_text().startswith("Tìm thấy ")
    for _ in range(50):
        if len(asked) >= 2:
            break
        phone.wait_for_timeout(100)
    assert len(asked) == 2
    assert phone.locator("#tthc-search-panel").get_attribute("data-query") is None


def test_a_mistyped_word_that_completes_a_typed_form_is_read_so(tmp_path: Path) -> None:
    """A word the catalog does not have, typed with Telex leftovers ("soor", "bangf") or one edit
    away ("bamg") from a word of the typed forms, is read as that word when it then makes a typed
    form with its neighbours: "lam soor do" is "sổ đỏ", "mat bamg lai" is "mất bằng lái"."""
    names = [
        "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Cấp lại giấy phép lái xe",
        "Hỗ trợ cơ sở sản xuất bị thiệt hại do dịch bệnh",
        "Cấp lại giấy phép hoạt động của cơ sở",
        *SMALL_NAMES,
    ]
    synonyms = [
        search.Synonym("giay chung nhan quyen su dung dat", ("so do",)),
        search.Synonym("cap lai giay phep lai xe", ("mat bang lai",)),
    ]
    path = write_small(tmp_path, names, synonyms)
    answers = engine(path, ["lam soor do", "mat bangf lai", "mat bamg lai", "mat bnag lai"])
    assert answers["lam soor do"]["codes"][0] == "1.000001"
    for query in ("mat bangf lai", "mat bamg lai", "mat bnag lai"):
        assert answers[query]["codes"][0] == "1.000002", (query, answers[query])


def test_a_purpose_clause_that_names_another_procedure_weighs_less(tmp_path: Path) -> None:
    """ "… để làm sổ đỏ" says what the paper is for: the procedure asked for is the one before it,
    and the one the clause names (by a typed form) still follows it."""
    names = [
        "Xác nhận tình trạng hôn nhân",
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Đăng ký biến động đất đai khi chuyển nhượng quyền sử dụng đất",
        *SMALL_NAMES,
    ]
    synonyms = [
        search.Synonym("giay chung nhan quyen su dung dat", ("so do",)),
        search.Synonym("chuyen nhuong quyen su dung dat", ("mua dat",)),
    ]
    path = write_small(tmp_path, names, synonyms)
    answers = engine(
        path, ["xac nhan tinh trang hon nhan de lam so do", "xác nhận tình trạng hôn nhân để mua đất"]
    )
    assert answers["xac nhan tinh trang hon nhan de lam so do"]["codes"][:2] == ["1.000001", "1.000002"]
    assert answers["xác nhận tình trạng hôn nhân để mua đất"]["codes"][:2] == ["1.000001", "1.000003"]


def test_a_topic_before_thi_weighs_less_when_the_comment_names_a_procedure(tmp_path: Path) -> None:
    """ "mua nhà xong rồi thì … chuyển hộ khẩu": the topic before "thì" sets the scene, the comment
    after it asks the question, whichever procedure each names."""
    names = [
        "Đăng ký thường trú",
        "Đăng ký biến động đất đai khi chuyển nhượng quyền sử dụng đất, quyền sở hữu nhà ở",
        *SMALL_NAMES,
    ]
    synonyms = [
        search.Synonym("chuyen nhuong quyen su dung dat", ("mua nha",)),
        search.Synonym("dang ky thuong tru", ("chuyen ho khau",)),
    ]
    path = write_small(tmp_path, names, synonyms)
    answers = engine(
        path,
        ["mua nhà xong rồi thì làm thủ tục chuyển hộ khẩu cho cả nhà", "chuyen ho khau xong roi thi mua nha"],
    )
    assert answers["mua nhà xong rồi thì làm thủ tục chuyển hộ khẩu cho cả nhà"]["codes"][:2] == [
        "1.000001",
        "1.000002",
    ]
    assert answers["chuyen ho khau xong roi thi mua nha"]["codes"][0] == "1.000002"


def test_a_question_that_begins_with_what_other_bodies_handle_is_not_found(tmp_path: Path) -> None:
    """ "học bổng cho con nhà nghèo" asks for a scholarship (a school's), whatever the rest names;
    other bodies' words later in a question, or in a topic before "thì", or before "rồi", "xong" (what
    came first), or beside two words of the first result's name side by side, leave it to the rest."""
    synonyms = [search.Synonym("cong nhan ho ngheo", ("con nha ngheo", "lam ho ngheo"))]
    payload = small_payload(SMALL_NAMES, synonyms)
    payload["words"]["elsewhere"] += ["hoc bong"]
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    queries = [
        "hoc bong cho con nha ngheo",
        "con nha ngheo xin hoc bong",
        "xin học bổng không được thì làm hộ nghèo thế nào",
        "xin học bổng không được rồi, giờ làm hộ nghèo sao",
        "hoc bong nam nay can dang ky tam tru",
    ]
    answers = engine(path, queries)
    assert answers[queries[0]] == {"codes": [], "found": False}
    assert answers[queries[1]] == {"codes": ["1.000005"], "found": True}
    assert answers[queries[2]] == {"codes": ["1.000005"], "found": True}
    assert answers[queries[3]] == {"codes": ["1.000005"], "found": True}
    # … or when the rest names the procedure ranked first by two of its words side by side.
    assert answers[queries[4]]["found"] and answers[queries[4]]["codes"][0] == "1.000004"


def test_the_provinces_own_keywords_find_a_procedure(tmp_path: Path) -> None:
    """``local.keywords`` (the province's search words, kept on re-import) reach the payload as the
    national ``keywords`` do, and the engine finds the procedure by them."""
    shutil.copytree(BASE_CATALOG / "catalog", tmp_path / "catalog")
    path = tmp_path / "catalog" / "procedures" / "ubnd-cap-xa" / "1.001193.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\nlocal:\n") == 1
    path.write_text(
        text.replace("\nlocal:\n", "\nlocal:\n  keywords:\n    - giấy chào đời\n"), encoding="utf-8"
    )
    result = validate_catalog(tmp_path / "catalog")
    assert not [d for d in result.diagnostics if d.file.endswith("1.001193.yaml")]
    context = build_context(result.model, preview=False, as_of="2026-11-01")
    payload = search.search_payload(context, pages=[])
    doc = next(d for d in payload["docs"] if d["c"] == "1.001193")
    assert {"giay", "chao", "doi"} <= set(doc["k"].split(" "))
    (tmp_path / "procedures.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    assert engine(tmp_path / "procedures.json", ["giay chao doi"])["giay chao doi"]["codes"][0] == "1.001193"
