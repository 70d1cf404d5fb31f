"""The site in a real browser (Debian's Chromium driven by Playwright), as a citizen on a phone uses it.

Needs /usr/bin/chromium (or $CHROMIUM): `make test` installs Debian's package when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import chromium, serve
from conftest import load_yaml
from playwright.sync_api import Browser, Page


@pytest.fixture
def repo(site_repo: Path) -> Path:
    return site_repo


@pytest.fixture(scope="module")
def base_url(fixture_site: Path) -> Iterator[str]:
    with serve(fixture_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def test_citizen_follows_a_sector_to_a_procedure(phone: Page, base_url: str, repo: Path) -> None:
    data = load_yaml((repo / "catalog/procedures/ubnd-cap-xa/1.001193.yaml").read_text(encoding="utf-8"))
    phone.goto(base_url + "/")
    phone.get_by_role("link", name="Hộ tịch").first.click()
    assert phone.url == base_url + "/linh-vuc/ho-tich/"
    phone.get_by_role("link", name=data["name"]).click()
    assert phone.url == base_url + "/thu-tuc/1.001193/"
    assert phone.locator("h1").inner_text() == data["name"]
    summary = phone.locator(".tthc-summary")
    assert (
        summary.locator(".tthc-summary__row", has_text="Mất bao lâu").locator("dd").inner_text()
        == "1 ngày làm việc"
    )
    assert (
        summary.locator(".tthc-summary__row", has_text="Phí, lệ phí").locator("dd").inner_text() == "Miễn phí"
    )
    assert summary.get_by_role("link", name="Nộp hồ sơ trực tuyến").is_visible()  # it has an online channel
    documents = [d["name"] for group in data["dossier"] for d in group["documents"]]
    assert phone.locator(".tthc-checklist .tthc-doc").all_inner_texts() == documents
    first = phone.locator(".tthc-checklist input[type=checkbox]").first
    first.check()
    assert first.is_checked()
    rows = phone.locator("table.tthc-channels tbody tr").all_inner_texts()
    assert [" ".join(r.split()) for r in rows] == [
        "Trực tuyến 1 ngày làm việc Miễn phí",
        "Trực tiếp 1 ngày làm việc Miễn phí Miễn lệ phí đăng ký khai sinh đúng hạn",
    ]


def test_location_independent_list_links_to_its_procedures(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "/")
    phone.get_by_role("link", name="Xem danh mục").click()
    assert phone.url == base_url + "/khong-phu-thuoc-dia-gioi/"
    assert "1/QĐ-UBND" in phone.locator("article").inner_text()
    phone.locator("article").get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    assert phone.url == base_url + "/thu-tuc/1.001193/"


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/thu-tuc/1.001193/",
        "/khong-phu-thuoc-dia-gioi/",
        "/linh-vuc/ho-tich/",
        "/diem-tiep-nhan/",
        "/ke-hoach/",
    ],
)
def test_no_horizontal_scroll_at_360_px(phone: Page, base_url: str, address: str) -> None:
    phone.goto(base_url + address)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


@pytest.mark.parametrize("address", ["/", "/thu-tuc/1.001193/", "/khong-phu-thuoc-dia-gioi/"])
def test_no_serious_accessibility_violations(phone: Page, base_url: str, address: str) -> None:
    phone.goto(base_url + address)
    results = Axe().run(phone)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_content_is_readable_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(base_url + "/thu-tuc/1.001193/")
    text = page.locator("article").inner_text()
    assert "Hồ sơ cần chuẩn bị" in text and "Tờ khai đăng ký khai sinh" in text
    context.close()


def test_print_hides_navigation_and_search(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "/thu-tuc/1.001193/")
    phone.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-tabs"):
        hidden = phone.evaluate(f"getComputedStyle(document.querySelector('{selector}')).display")
        assert hidden == "none", selector
    assert phone.locator(".tthc-checklist").is_visible()
