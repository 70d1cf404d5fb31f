"""The built site, read as files: addresses, content against the YAML, metadata, preview, determinism."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from conftest import load_yaml, make_site_repo

from generator.site.build import build_site
from generator.site.pages import relative, url_of


@pytest.fixture
def repo(site_repo: Path) -> Path:
    return site_repo


@pytest.fixture
def site(fixture_site: Path) -> Path:
    return fixture_site


@pytest.fixture
def preview_site(fixture_preview_site: Path) -> Path:
    return fixture_preview_site


def page(site: Path, address: str) -> str:
    return (site / address.strip("/") / "index.html").read_text(encoding="utf-8")


def article(text: str) -> str:
    start = text.index('<article class="md-content__inner md-typeset">')
    return text[start : text.index("</article>", start)]


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def test_urls_of_page_sources() -> None:
    assert url_of("index.md") == ""
    assert url_of("linh-vuc/index.md") == "linh-vuc/"
    assert url_of("thu-tuc/1.001193.md") == "thu-tuc/1.001193/"
    assert relative("linh-vuc/ho-tich.md", "thu-tuc/1.001193.md") == "../../thu-tuc/1.001193/"
    assert relative("index.md", "linh-vuc/index.md") == "linh-vuc/"
    assert relative("linh-vuc/index.md", "linh-vuc/ho-tich.md") == "ho-tich/"
    assert relative("thu-tuc/1.001193.md", "thu-tuc/1.001193.md") == "./"


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/thu-tuc/1.001193/",
        "/thu-tuc/1.013818/",
        "/linh-vuc/",
        "/linh-vuc/ho-tich/",
        "/co-quan/",
        "/co-quan/ubnd-cap-xa/",
        "/co-quan/so-tu-phap/",
        "/khong-phu-thuoc-dia-gioi/",
        "/diem-tiep-nhan/",
        "/ke-hoach/",
        "/cap/xa/",
        "/cap/tinh/",
        "/doi-tuong/cong-dan/",
        "/truc-tuyen/full/",
        "/du-lieu-mo/",
        "/danh-cho-co-quan/",
    ],
)
def test_stable_addresses_exist(site: Path, address: str) -> None:
    assert '<html lang="vi"' in page(site, address)


def test_procedure_page_matches_the_yaml(site: Path, repo: Path) -> None:
    data = load_yaml((repo / "catalog/procedures/so-tu-phap/1.013818.yaml").read_text(encoding="utf-8"))
    body = article(page(site, "/thu-tuc/1.013818/"))
    text = visible_text(body)
    assert data["name"] in text
    assert "Mất bao lâu 15 ngày làm việc" in text
    assert data["channels"][0]["fees"][0]["amount"] == 1750000
    assert "Phí, lệ phí 1.750.000 đ" in text
    assert "Trực tiếp 15 ngày làm việc 1.750.000 đ" in text
    assert '<a href="../../linh-vuc/cong-chung/">Công chứng</a>' in body
    assert '<a href="../../co-quan/so-tu-phap/">Sở Tư pháp</a>' in body
    # The change history is the semantic diff between commits, in Vietnamese, newest first; never the
    # commit's subject.
    assert "10/11/2026 : Nộp trực tiếp › Phí › Mức thu: 3.500.000 đ → 1.750.000 đ" in text
    assert text.index("10/11/2026") < text.index("01/11/2026 : Thủ tục được đưa vào danh mục.")
    assert "Giảm phí thẩm định" not in text and "Khởi tạo danh mục" not in text


def test_dossier_is_a_checklist_with_counts_forms_and_reuse(site: Path) -> None:
    body = article(page(site, "/thu-tuc/1.001193/"))
    items = re.findall(
        r"<li[^>]*><label><input type=\"checkbox\"> <span class=\"tthc-doc\">(.*?)</span>", body
    )
    assert items == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert '<span class="tthc-qty">1 bản chính</span>' in body
    assert (
        '<a href="https://example.org/mau.docx" rel="noopener">Mẫu tờ khai đăng ký khai sinh.docx</a>' in body
    )
    assert "Không cần nộp nếu cơ quan khai thác được dữ liệu từ Cơ sở dữ liệu hộ tịch điện tử." in body


def test_a_sample_location_independent_list_is_not_shown_as_fact(site: Path) -> None:
    # The fixture's list is sample data (sample: true): no badge, no "anywhere" claim, its sample mark.
    body = article(page(site, "/thu-tuc/1.001193/"))
    text = visible_text(body)
    assert "Nộp ở đâu cũng được" not in text
    assert "Bất kỳ Trung tâm Phục vụ hành chính công" not in text
    assert (
        "Nộp hồ sơ ở đâu Dữ liệu mẫu Thủ tục này có trong danh mục tiếp nhận không phụ thuộc địa giới "
        "hành chính , nhưng danh mục đó là dữ liệu minh họa, chưa phải quyết định đã được phê duyệt."
    ) in text
    home = visible_text(article(page(site, "/")))
    assert "(dữ liệu mẫu: danh mục minh họa, chưa phải quyết định đã được phê duyệt)" in home


def test_location_independent_procedure_lists_every_desk_of_its_level(tmp_path: Path) -> None:
    repo = make_site_repo(tmp_path)
    listing = repo / "catalog/location-independent/2025-danh-muc.yaml"
    listing.write_text(listing.read_text(encoding="utf-8").replace("sample: true\n", ""), encoding="utf-8")
    build_site(repo, tmp_path / "out")
    body = article(page(tmp_path / "out", "/thu-tuc/1.001193/"))
    text = visible_text(body)
    assert "Nộp ở đâu cũng được trong tỉnh" in text
    assert "Nộp ở đâu Bất kỳ Trung tâm Phục vụ hành chính công cấp xã nào trong tỉnh" in text
    assert "Quyết định số 1/QĐ-UBND ngày 01/08/2025" in text
    assert "Các điểm tiếp nhận cấp xã (1 điểm)" in text
    assert "Trung tâm Phục vụ hành chính công phường Long Châu" in text
    assert '<li><a href="../../diem-tiep-nhan/#mot-cua-phuong-long-chau">phường Long Châu</a></li>' in body


def test_location_independent_list_page(site: Path) -> None:
    text = visible_text(article(page(site, "/khong-phu-thuoc-dia-gioi/")))
    assert "Quyết định phê duyệt Số 1/QĐ-UBND ngày 01/08/2025" in text
    assert "Người ký Chủ tịch Nguyễn Văn A" in text
    assert "Hộ tịch Tên thủ tục Cấp tiếp nhận Thủ tục đăng ký khai sinh 1.001193 Cấp xã" in text


def test_metadata_jsonld_canonical_description(site: Path) -> None:
    text = page(site, "/thu-tuc/1.001193/")
    assert '<link rel="canonical" href="https://example.org/thu-tuc/1.001193/">' in text
    assert (
        '<meta name="description" content="Thủ tục đăng ký khai sinh (mã 1.001193): thời hạn 1 ngày '
        'làm việc, phí miễn phí.">'
    ) in text
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    assert data["@type"] == "GovernmentService"
    assert data["identifier"] == "1.001193"
    assert data["provider"] == [{"@type": "GovernmentOrganization", "name": "Ủy ban nhân dân cấp xã"}]
    assert data["url"] == "https://example.org/thu-tuc/1.001193/"


def test_sitemap_lists_procedures(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/thu-tuc/1.001193/</loc>" in sitemap


def test_navigation_does_not_list_procedures(site: Path) -> None:
    for address in ("/", "/thu-tuc/1.001193/"):
        text = page(site, address)
        chrome = text.replace(article(text), "")  # everything but the page's own content
        links = re.findall(r'<a [^>]*href="([^"]*)"', chrome)
        assert links and not [link for link in links if "thu-tuc/" in link]
        assert (
            'href="khong-phu-thuoc-dia-gioi/"' in chrome or 'href="../../khong-phu-thuoc-dia-gioi/"' in chrome
        )


def test_plan_says_a_task_past_its_deadline_has_no_report_instead_of_calling_it_overdue(site: Path) -> None:
    """The fixture's one task is past its deadline on the commit date, with status not_reported: it
    may be done, so the page does not call it overdue ("Quá hạn"), it says nobody reported on it."""
    body = article(page(site, "/ke-hoach/"))
    text = visible_text(body)
    assert (
        "Nhiệm vụ quá hạn 0 / 1 (tính đến ngày 10/11/2026); thêm 1 nhiệm vụ đã qua thời hạn nhưng chưa có "
        "báo cáo tình trạng (chưa rõ đã hoàn thành hay chưa)"
    ) in text
    assert 'class="tthc-overdue"' not in body and "Quá hạn" not in text
    assert "Chưa có báo cáo Đã qua thời hạn" in text


def test_service_points_page(site: Path) -> None:
    text = visible_text(article(page(site, "/diem-tiep-nhan/")))
    assert (
        "Trung tâm Phục vụ hành chính công tỉnh Tỉnh Vĩnh Long 0270 3822 222 Thứ Hai – Thứ Sáu: 7:00–11:00, 13:00–17:00"
        in text
    )


def test_pages_are_small(site: Path) -> None:
    for path in (site / "thu-tuc").glob("*/index.html"):
        assert path.stat().st_size < 60_000, path


def test_preview_shows_drafts_and_proposals_with_a_banner(tmp_path: Path) -> None:
    repo = make_site_repo(tmp_path)
    source = repo / "catalog/procedures/so-tu-phap/1.013818.yaml"
    draft = source.read_text(encoding="utf-8").replace('code: "1.013818"', 'code: "1.013819"')
    draft = draft.replace("status: active", "status: draft").replace("name: Đăng ký", "name: Dự thảo đăng ký")
    (source.parent / "1.013819.yaml").write_text(draft, encoding="utf-8")
    (repo / "catalog/location-independent/2026-de-xuat.yaml").write_text(
        "id: 2026-de-xuat\ntitle: Đề xuất bổ sung danh mục năm 2026\nstatus: proposed\nproposed_by: so-tu-phap\n"
        'entries:\n  - code: "1.013818"\n    levels:\n      - tinh\n',
        encoding="utf-8",
    )
    normal, preview = tmp_path / "normal", tmp_path / "preview"
    build_site(repo, normal)
    build_site(repo, preview, preview=True)
    assert not (normal / "thu-tuc/1.013819/index.html").exists()
    assert "Dự thảo đăng ký" not in page(normal, "/linh-vuc/cong-chung/")
    assert "Đề xuất bổ sung" not in page(normal, "/khong-phu-thuoc-dia-gioi/")
    assert "Nộp ở đâu cũng được" not in page(normal, "/thu-tuc/1.013818/")
    for path in normal.rglob("*.html"):
        assert "tthc-preview" not in path.read_text(encoding="utf-8"), path
    drafted = visible_text(article(page(preview, "/thu-tuc/1.013819/")))
    assert "Bản xem trước Thủ tục này đang là dự thảo, chưa được công bố." in drafted
    assert "Dự thảo đăng ký" in page(preview, "/linh-vuc/cong-chung/")
    proposed = visible_text(article(page(preview, "/khong-phu-thuoc-dia-gioi/")))
    assert (
        "Đề xuất bổ sung danh mục năm 2026 Bản xem trước Danh mục này đang được đề xuất bởi Sở Tư pháp"
        in proposed
    )
    assert "tthc-preview" in page(preview, "/thu-tuc/1.013818/")


def test_build_is_deterministic(repo: Path, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(repo, again)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
