"""The citizen's site built from the real catalog (catalog/, 1,210 procedures), checked as a citizen
meets it: properties over every page, and Debian's Chromium at 360 and 1280 px (issue 13).

Skips cleanly where the shared real data (../shared) is absent; CI has it.
"""

from __future__ import annotations

import functools
import html
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import chromium, largest_listing, serve
from conftest import REPO, load_yaml, shared_data
from playwright.sync_api import Browser, Page

UNIT = re.compile(r"\b(?:ngày|giờ|tháng|năm|phút|tuần)\b|chưa có thông tin", re.IGNORECASE)
MARKER = re.compile(r"^\s*[-+*•]")


@pytest.fixture(scope="module")
def site(real_site: Path) -> Path:
    """The real catalog's site (built once per run: conftest.real_site)."""
    shared_data()
    return real_site


@pytest.fixture(scope="module")
def procedures() -> dict[str, dict[str, object]]:
    shared_data()
    found = {}
    for path in (REPO / "catalog" / "procedures").glob("*/*.yaml"):
        data = load_yaml(path.read_text(encoding="utf-8"))
        found[data["code"]] = data
    return found


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def open_page(browser: Browser, url: str, width: int, javascript: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="vi-VN", java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(url)
    return page


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def procedure_html(site: Path, code: str) -> str:
    return (site / "thu-tuc" / code / "index.html").read_text(encoding="utf-8")


@functools.cache  # two tests walk the listings: the 1,500 pages are read for them once
def listing_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if 'class="tthc-list' in p.read_text(encoding="utf-8"))


# Properties over every real page -----------------------------------------------------------------


def test_no_checklist_item_begins_with_a_list_marker(
    site: Path, procedures: dict[str, dict[str, object]]
) -> None:
    items = []
    for code in procedures:
        items += re.findall(r'<span class="tthc-doc">(.*?)</span>', procedure_html(site, code), re.S)
    assert len(items) > 5000  # the real catalog's documents, not an empty page
    assert [item for item in items if MARKER.match(html.unescape(item))] == []


def test_notes_are_not_checkboxes_on_the_birth_registration_page(site: Path) -> None:
    page = procedure_html(site, "1.001193")
    documents = [text_of(d) for d in re.findall(r'<span class="tthc-doc">(.*?)</span>', page, re.S)]
    assert documents[0].startswith("Tờ khai đăng ký khai sinh theo mẫu")  # the form first, not item 32
    assert len(documents) == 8
    assert not [
        d for d in documents if d.startswith(("Cá nhân có quyền", "Người tiếp nhận", "Cơ quan đăng ký"))
    ]
    assert "Lưu ý (19 ghi chú)" in text_of(page)


def test_no_online_button_without_an_online_channel(
    site: Path, procedures: dict[str, dict[str, object]]
) -> None:
    offline = [
        code
        for code, data in procedures.items()
        if not any(c["channel"] == "online" for c in data.get("channels") or [])
    ]  # type: ignore[attr-defined]
    assert len(offline) > 100
    wrong = [code for code in offline if "Nộp hồ sơ trực tuyến</a>" in procedure_html(site, code)]
    assert wrong == []
    linked = [
        code
        for code in offline
        if procedures[code].get("national_portal_url") and procedures[code]["status"] == "active"
    ]
    assert all("Xem trên Cổng Dịch vụ công quốc gia</a>" in procedure_html(site, code) for code in linked)


def test_every_shown_processing_time_has_a_unit_or_says_it_is_unknown(
    site: Path, procedures: dict[str, dict[str, object]]
) -> None:
    bad = []
    for code in procedures:
        page = procedure_html(site, code)
        shown = re.findall(r"<dt>Mất bao lâu</dt><dd>(.*?)</dd>", page, re.S)
        table = re.search(r'<table class="tthc-channels">(.*?)</table>', page, re.S)
        if table:
            shown += [row[1] for row in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", table.group(1), re.S)]
        bad += [(code, text_of(t)) for t in shown if not UNIT.search(text_of(t))]
    assert bad == []
    assert "Mất bao lâu 1 (chưa có thông tin về đơn vị)" in text_of(procedure_html(site, "1.001193"))


def test_no_page_contains_a_commit_subject(site: Path) -> None:
    subjects = subprocess.run(
        ["git", "log", "--format=%s"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    subjects = [s for s in subjects if len(s) >= 20]
    assert subjects
    found = []
    for path in site.rglob("*.html"):
        text = html.unescape(path.read_text(encoding="utf-8"))
        found += [(str(path.relative_to(site)), s) for s in subjects if s in text]
    assert found == []


def test_no_raw_enum_values_or_english_404(site: Path) -> None:
    for address in ("ke-hoach/index.html", "404.html", "index.html", "thu-tuc/1.001193/index.html"):
        text = text_of((site / address).read_text(encoding="utf-8"))
        assert not re.search(
            r"\b(?:not_reported|in_progress|working_days|in_person|detailed_by_law)\b", text
        ), address
    missing = text_of((site / "404.html").read_text(encoding="utf-8"))
    assert "Không tìm thấy trang" in missing and "Not found" not in missing
    assert "Sự kiện trong đời" in missing and "Tra cứu thủ tục theo tên (A–Z)" in missing


def test_listings_are_paged_and_in_vietnamese_order(site: Path) -> None:
    pages = listing_pages(site)
    assert len(pages) > 100
    for path in pages:
        tables = re.findall(
            r'<table class="tthc-list tthc-cards">.*?</table>', path.read_text(encoding="utf-8"), re.S
        )
        assert sum(t.count("<tr") for t in tables) <= 50 + len(tables), path  # 50 rows and the headers
    sectors = text_of((site / "linh-vuc" / "index.html").read_text(encoding="utf-8"))
    assert (
        sectors.index("Công chứng")
        < sectors.index("Đăng ký biện pháp bảo đảm")
        < sectors.index("Đất đai")
        < sectors.index("Giám định tư pháp")
    )
    listed = sum(
        1
        for p in (REPO / "catalog" / "procedures").glob("*/*.yaml")
        if load_yaml(p.read_text(encoding="utf-8"))["status"] in ("active", "suspended")
    )
    assert f"Danh mục có {listed:,} thủ tục".replace(",", ".") in text_of(
        (site / "index.html").read_text(encoding="utf-8")
    )


def test_life_events_link_real_active_procedures(
    site: Path, procedures: dict[str, dict[str, object]]
) -> None:
    events = load_yaml((REPO / "catalog" / "life-events.yaml").read_text(encoding="utf-8"))["events"]
    assert len(events) >= 10
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.index("Bạn cần làm gì?") < home.index("Tìm theo lĩnh vực")
    for event in events:
        assert f'href="su-kien/{event["id"]}/"' in home
        page = (site / "su-kien" / event["id"] / "index.html").read_text(encoding="utf-8")
        for item in event["procedures"]:
            assert procedures[item["code"]]["status"] == "active"
            assert f'href="../../thu-tuc/{item["code"]}/"' in page


# In Chromium --------------------------------------------------------------------------------------


def test_summary_on_the_first_screen_and_checklist_early_at_360_px(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "/thu-tuc/1.001193/", 360)
    box = page.locator(".tthc-summary").bounding_box()
    heading = page.locator("#ho-so-can-chuan-bi").bounding_box()
    assert box is not None and heading is not None
    assert box["y"] + box["height"] <= 900
    assert heading["y"] < 2000
    page.context.close()


LISTING_PROBE = """() => [
  [...document.querySelectorAll('table.tthc-list td')].map(td => td.getBoundingClientRect().width),
  document.documentElement.scrollWidth,
  document.getElementsByTagName('*').length,
]"""


def test_no_listing_cell_narrower_than_64_px_at_360_px(browser: Browser, base_url: str, site: Path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    narrow = []
    for path in listing_pages(site):
        rel = path.parent.relative_to(site).as_posix()
        address = "/" if rel == "." else f"/{rel}/"
        page.goto(base_url + address)
        widths, scroll_width, elements = page.evaluate(LISTING_PROBE)  # one round trip per page
        assert widths, address
        if min(widths) < 64:
            narrow.append((address, min(widths)))
        assert scroll_width <= 360, address
        assert elements <= 1500, address
    context.close()
    assert narrow == []


def test_print_of_the_birth_registration_fits_three_a4_pages(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "/thu-tuc/1.001193/", 1280)
    pdf = page.pdf(format="A4")
    pages = int(re.findall(rb"/Count (\d+)", pdf)[0])
    assert 1 <= pages <= 3
    page.emulate_media(media="print")
    assert page.locator(".tthc-summary").is_visible() and page.locator(".tthc-checklist").first.is_visible()
    assert not page.locator(".tthc-steps-box").is_visible()
    page.context.close()


LARGEST_LISTING = "the listing of the most procedures"  # resolved on the built site
AXE_PAGES = [
    "/",
    "/thu-tuc/1.001193/",
    LARGEST_LISTING,
    "/tim-kiem/?q=khai+sinh",
    "/su-kien/sinh-con/",
]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("address", AXE_PAGES)
def test_axe_finds_nothing_serious(
    browser: Browser, site: Path, base_url: str, address: str, width: int
) -> None:
    if address == LARGEST_LISTING:
        address = largest_listing(site)
    page = open_page(browser, base_url + address, width)
    if "q=" in address:
        page.wait_for_selector(".tthc-result", timeout=10_000)
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    page.context.close()
    assert serious == []


def test_menu_button_is_reachable_with_tab_at_360_px(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "/thu-tuc/1.001193/", 360)
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert "__drawer" in reached
    while page.evaluate("document.activeElement.id") != "__drawer":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert page.evaluate("document.getElementById('__drawer').checked")
    page.wait_for_function(
        "document.querySelector('.md-sidebar--primary').getBoundingClientRect().x >= 0", timeout=3000
    )  # the menu slid in
    page.context.close()


def test_without_javascript_a_typed_code_is_found(browser: Browser, base_url: str) -> None:
    page = open_page(browser, base_url + "/", 360, javascript=False)
    page.fill("#tthc-search-q", "1.001193")
    page.press("#tthc-search-q", "Enter")
    assert "/tim-kiem/?q=1.001193" in page.url
    page.locator("article").get_by_role("link", name="theo tên từ A đến Z hoặc theo mã thủ tục").click()
    page.get_by_role("link", name=re.compile(r"^1\.001\d{3} – 1\.001\d{3}$")).click()
    page.locator("article").get_by_role("link", name="1.001193", exact=True).click()
    assert page.url == base_url + "/thu-tuc/1.001193/"
    assert "Hồ sơ cần chuẩn bị" in page.locator("article").inner_text()
    page.context.close()
