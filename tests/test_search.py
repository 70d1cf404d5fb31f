"""The procedure search (generator/site/search.py, site_content/assets/search.js): normalisation,
the index, and — in Chromium against the real catalog's built site — the queries citizens type.

The browser tests build the repository's own site once (catalog/ as committed, ~1,200 procedures)
and skip only where that catalog is absent.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import chromium as launch_chromium
from browser_support import serve
from conftest import BASE_CATALOG, REPO, load_yaml
from lunr.index import Index
from playwright.sync_api import Browser, Page

from generator.model import Procedure
from generator.model.records import from_mapping
from generator.site import search
from generator.site.build import build_site
from generator.site.context import build_context
from generator.validation.validate import validate_catalog

QUERIES = Path(__file__).resolve().parent / "search_queries.yaml"
TOP = 5
TARGET = 0.95


# ---- normalisation and the index, without a browser ------------------------------------------------

@pytest.mark.parametrize(("text", "folded"), [
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
])
def test_fold(text: str, folded: str) -> None:
    assert search.fold(text) == folded
    assert search.fold(unicodedata.normalize("NFD", text)) == folded  # decomposed input folds the same


def test_synonyms_are_well_formed() -> None:
    synonyms = search.load_synonyms()
    assert len(synonyms) >= 40
    phrases = [s.phrase for s in synonyms]
    assert len(phrases) == len(set(phrases)), "a phrase is listed twice"
    for synonym in synonyms:
        assert synonym.phrase and synonym.typed and all(synonym.typed), synonym
        assert synonym.phrase not in synonym.typed, synonym


def test_expansions_match_whole_words() -> None:
    synonyms = search.load_synonyms()
    assert "gplx" in search.expansions("cap lai giay phep lai xe", synonyms)
    assert "gplx" not in search.expansions("cap lai giay phep lai xem", synonyms)
    assert "bao tu" in search.expansions("thu tuc dang ky khai tu", synonyms)
    assert "bao tu" not in search.expansions("dang ky khai tuong", synonyms)


def birth() -> Procedure:
    data: dict[str, Any] = load_yaml(
        (BASE_CATALOG / "catalog/procedures/ubnd-cap-xa/1.001193.yaml").read_text(encoding="utf-8"))
    return from_mapping(Procedure, data)


def test_procedure_document() -> None:
    document = search.procedure_document("0", birth(), "Hộ tịch", ["Ủy ban nhân dân cấp xã"],
                                         search.load_synonyms())
    assert document["r"] == "0"
    assert document["n"] == "thu tuc dang ky khai sinh"
    assert document["c"] == "1001193"
    keywords = document["k"].split()
    assert "dk" in keywords and "giaykhaisinh" in keywords  # a synonym, and a typed phrase joined
    assert "khai" not in keywords  # already in the name
    body = document["b"].split()
    assert {"ho", "tich", "uy", "ban", "xa"} <= set(body)  # sector, agency; the result "Giấy khai sinh" is in k
    for field in ("n", "k", "b"):  # every term frequency is 1
        words = document[field].split()
        assert len(words) == len(set(words)), field


def fixture_payload() -> dict[str, Any]:
    result = validate_catalog(BASE_CATALOG / "catalog")
    context = build_context(result.model, preview=False, as_of="2026-11-01")
    return search.search_payload(context, pages=[("Dữ liệu mở", "du-lieu-mo/")])


def test_payload_of_the_fixture_catalog() -> None:
    payload = fixture_payload()
    assert payload["format"] == search.FORMAT
    codes = [doc["c"] for doc in payload["docs"]]
    assert codes == sorted(codes) and "1.001193" in codes
    birth_doc = payload["docs"][codes.index("1.001193")]
    assert payload["sectors"][birth_doc["s"]] == "Hộ tịch"
    assert [payload["levels"][lv] for lv in birth_doc["l"]] == ["Cấp xã"]
    assert payload["online"][birth_doc["o"]] == "Trực tuyến toàn trình"
    assert birth_doc.get("i") == 1  # in the approved location-independent list
    index = payload["index"]
    assert index["fieldVectors"] == [] and index["pipeline"] == []
    assert index["fields"] == [name for name, _, _ in search.FIELDS]
    refs = {ref for _, posting in index["invertedIndex"] for f in index["fields"] for ref in posting[f]}
    assert refs == {str(codes.index("1.001193")), str(codes.index("1.013818"))}
    assert ["Dữ liệu mở", "du-lieu-mo/"] in payload["pages"]
    assert ["Lĩnh vực Hộ tịch", "linh-vuc/ho-tich/"] in payload["pages"]


def test_rebuilt_vectors_are_lunrs_own() -> None:
    """With one b for every field, field_vectors() (what search.js computes) gives exactly the vectors
    lunr's own Builder serialises."""
    result = validate_catalog(BASE_CATALOG / "catalog")
    context = build_context(result.model, preview=False, as_of="2026-11-01")
    synonyms = search.load_synonyms()

    catalog = context.catalog
    documents = [search.procedure_document(str(i), p, catalog.sector_name(p.sector),
                                           [catalog.agency_name(a) for a in p.agencies.implementing],
                                           synonyms) for i, p in enumerate(context.listed)]
    full = search.build_index(documents)
    ours = search.field_vectors(full, search.rebuild_spec(len(documents), b=search.B))
    theirs = dict(full["fieldVectors"])
    assert ours.keys() == {k for k, v in theirs.items() if v}
    for key, elements in ours.items():
        assert elements[0::2] == theirs[key][0::2], key
        assert elements[1::2] == pytest.approx(theirs[key][1::2], abs=0.0011), key


def test_index_loads_and_answers_in_lunr_py() -> None:
    payload = fixture_payload()
    wire = payload["index"]
    vectors = search.field_vectors(wire, wire["rebuild"])
    index = Index.load({**wire, "fieldVectors": list(vectors.items())})
    codes = [doc["c"] for doc in payload["docs"]]
    hits = index.query(callback=lambda q: [q.term(t, use_pipeline=False)
                                           for t in search.fold("dang ky khai sinh").split()])
    assert codes[int(hits[0]["ref"])] == "1.001193"
    hits = index.query(callback=lambda q: q.term("1001193", use_pipeline=False))
    assert [codes[int(h["ref"])] for h in hits] == ["1.001193"]


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
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    real_catalog()
    out = tmp_path_factory.mktemp("search") / "site"
    build_site(REPO, out)
    return out


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
    page.wait_for_function("(q) => document.getElementById('tthc-search-panel').dataset.query === q", arg=query)


def result_codes(page: Page) -> list[str]:
    hrefs = page.locator(".tthc-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def procedures() -> dict[str, dict[str, Any]]:
    found = {}
    for path in (REPO / "catalog" / "procedures").glob("*/*.yaml"):
        data = load_yaml(path.read_text(encoding="utf-8"))
        found[data["code"]] = data
    return found


def test_query_set_is_real_and_large_enough() -> None:
    real_catalog()
    queries = load_yaml(QUERIES.read_text(encoding="utf-8"))["queries"]
    assert len(queries) >= 60
    known = procedures()
    for item in queries:
        codes = item["code"] if isinstance(item["code"], list) else [item["code"]]
        missing = [c for c in codes if c not in known]
        assert not missing, f"{item['q']!r} expects {missing}, which the catalog does not have"
        assert item["q"] == item["q"].strip() and item["q"].isascii(), "type the query as citizens do"


def test_citizens_queries_find_their_procedure(phone: Page, site_url: str) -> None:
    queries = load_yaml(QUERIES.read_text(encoding="utf-8"))["queries"]
    phone.goto(site_url + "/")
    misses = []
    for item in queries:
        wanted = item["code"] if isinstance(item["code"], list) else [item["code"]]
        type_query(phone, item["q"])
        top = result_codes(phone)[:TOP]
        if not set(wanted) & set(top):
            misses.append(f"{item['q']!r}: wanted {wanted}, top {TOP} {top}")
    rate = 1 - len(misses) / len(queries)
    print(f"\nsearch hit rate: {rate:.1%} of {len(queries)} queries in the top {TOP}", *misses, sep="\n  ")
    assert rate >= TARGET, "\n".join(misses)


@pytest.mark.parametrize(("accented", "plain"), [
    ("đăng ký khai sinh", "dang ky khai sinh"),
    ("Đăng Ký Kết Hôn", "dang ky ket hon"),
    ("cấp lại giấy phép lái xe", "cap lai giay phep lai xe"),
    ("thẻ căn cước", "the can cuoc"),
    ("lý lịch tư pháp", "ly lich tu phap"),
])
def test_diacritics_do_not_change_the_results(phone: Page, site_url: str, accented: str, plain: str) -> None:
    phone.goto(site_url + "/")
    type_query(phone, accented)
    shown = result_codes(phone)
    type_query(phone, plain)
    assert shown and result_codes(phone) == shown
    every = "(q) => window.tthcSearch.search(q).then(r => r.map(d => d.c))"
    assert phone.evaluate(every, accented) == phone.evaluate(every, plain)


def test_javascript_folds_as_python_does(phone: Page, site_url: str) -> None:
    known = procedures()
    texts = [p["name"] for p in known.values()] + [
        "ĐĂNG KÝ", "1.001193", "Thuỷ lợi – “AB”", unicodedata.normalize("NFD", "Hộ tịch"), "a\u00a0b\tc"]
    phone.goto(site_url + "/")
    folded = phone.evaluate("(texts) => texts.map(window.tthcSearch.fold)", texts)
    assert folded == [search.fold(t) for t in texts]


def test_javascript_rebuilds_the_vectors_as_python(phone: Page, site_url: str, real_site: Path) -> None:
    payload = json.loads((real_site / search.SEARCH_PATH).read_text(encoding="utf-8"))
    expected = search.field_vectors(payload["index"], payload["index"]["rebuild"])
    phone.goto(site_url + "/")
    phone.evaluate("window.tthcSearch.ready()")
    rebuilt = phone.evaluate("""() => { const v = window.tthcSearch.index().fieldVectors; const out = {};
        for (const key in v) out[key] = v[key].elements; return out; }""")
    assert rebuilt.keys() == expected.keys()
    for key, elements in expected.items():
        assert rebuilt[key][0::2] == elements[0::2], key
        assert rebuilt[key][1::2] == pytest.approx(elements[1::2], abs=0.0011), key


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
    phone.locator("select[data-filter=o]").select_option(label=_option(phone, "o", "Trực tuyến một phần"))
    assert all(known[c]["online_level"] == "partial" for c in result_codes(phone))
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
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_site_carries_its_own_search_only(real_site: Path) -> None:
    assert not (real_site / "search" / "search_index.json").exists(), "Material's search is still built"
    lunr_js = (real_site / search.LUNR_PATH).read_text(encoding="utf-8")
    assert "lunr - http://lunrjs.com" in lunr_js and "@license MIT" in lunr_js and 'lunr.version = "2.3.9"' in lunr_js
    payload = json.loads((real_site / search.SEARCH_PATH).read_text(encoding="utf-8"))
    assert len(payload["docs"]) == sum(p["status"] != "draft" for p in procedures().values())
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert 'action="tim-kiem/"' in home and 'id="tthc-search-q"' in home and "assets/search.js" in home


def test_first_results_cost_little_to_fetch(phone: Page, site_url: str, real_site: Path) -> None:
    """What a phone downloads before its first results, gzip-compressed: well under the 300 KB
    budget (benchmarks/bench_search.py measures it for 2,000 procedures)."""
    fetched: list[str] = []
    phone.on("request", lambda request: fetched.append(request.url))
    phone.goto(site_url + "/")
    assert not any("search/" in url or "lunr" in url for url in fetched), "loaded before it was needed"
    type_query(phone, "khai sinh")
    searched = [url[len(site_url) + 1:] for url in fetched if "search" in url or "lunr" in url]
    assert sorted(searched) == ["assets/lunr.js", "assets/search.js", search.SEARCH_PATH]
    size = sum(len(gzip.compress((real_site / path).read_bytes(), 9)) for path in searched)
    assert size < 300_000
