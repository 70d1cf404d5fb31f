"""Every link inside the built site resolves: to a file of the site (a folder address to its
index.html) and, when it has a #fragment, to an element with that id. External links are not
fetched; the site's own address in <link> (canonical) and in the sitemap counts as internal. All broken links
are reported at once.
"""

from __future__ import annotations

import html.parser
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import load_yaml, make_site_repo

from generator.site.build import build_site

LINK_ATTRIBUTES = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("form", "action"),
    ("object", "data"),
}
PAGE_BASE = "http://site.invalid/"  # a stand-in origin for resolving relative links


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag, address)


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.page.ids.add(value)
            if (tag, name) in LINK_ATTRIBUTES:
                self.page.links.append((tag, value))
            if name == "srcset":
                self.page.links += [(tag, part.split()[0]) for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class Site:
    root: Path
    url: str  # the site's own address, from province.yaml
    pages: dict[str, Page]  # by path relative to the root, e.g. thu-tuc/1.001193/index.html


def parse(path: Path) -> Page:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.page


@pytest.fixture(scope="module", params=["published", "preview", "without-plans"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture catalog's site, as published, as the preview a pull request gets, and for a
    catalog that has no plan yet (as the real catalog at first)."""
    if request.param == "without-plans":
        repo = make_site_repo(tmp_path_factory.mktemp("links"))
        shutil.rmtree(repo / "catalog/plans")
        out = repo / "site"
        build_site(repo, out)
    else:  # the session's builds (conftest), shared with the other site tests
        repo = request.getfixturevalue("site_repo")
        out = request.getfixturevalue(
            "fixture_preview_site" if request.param == "preview" else "fixture_site"
        )
    province = load_yaml((repo / "catalog/province.yaml").read_text(encoding="utf-8"))
    pages = {p.relative_to(out).as_posix(): parse(p) for p in sorted(out.rglob("*.html"))}
    return Site(out, str(province["site"]["url"]), pages)


def internal_path(site: Site, page: str, address: str, tag: str = "a") -> tuple[str, str] | None:
    """The site-relative path and fragment a link points to, or None when it leaves the site. The
    site's own address counts as the site in <link> (canonical), not in catalog content (a form on
    the province's server is not a page of this site)."""
    if tag == "link" and address.startswith(site.url):
        address = "/" + address[len(site.url) :]
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        return None  # https://…, mailto:, tel:, //cdn…: not ours
    resolved = urlsplit(urljoin(PAGE_BASE + posixpath.dirname(page) + "/", address))
    return unquote(resolved.path).lstrip("/"), unquote(resolved.fragment)


def target_file(site: Site, path: str) -> Path | None:
    candidate = site.root / path
    if path == "" or path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(site: Site) -> list[str]:
    broken = []
    for page, content in site.pages.items():
        for tag, address in content.links:
            target = internal_path(site, page, address, tag)
            if target is None:
                continue
            path, fragment = target
            found = target_file(site, path)
            where = f"{page}: <{tag}> {address!r}"
            if found is None:
                broken.append(f"{where}: no such file {path or '/'}")
                continue
            if fragment:
                key = found.relative_to(site.root).as_posix()
                ids = site.pages[key].ids if key in site.pages else set()
                if fragment not in ids:
                    broken.append(f"{where}: no element with id {fragment!r} in {key}")
    return broken


def test_the_site_has_pages_and_links(site: Site) -> None:
    assert len(site.pages) >= 20
    assert sum(len(p.links) for p in site.pages.values()) > 500
    assert "thu-tuc/1.001193/index.html" in site.pages


def test_every_internal_link_resolves(site: Site) -> None:
    broken = broken_links(site)
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(broken)


def test_every_sitemap_address_is_a_page(site: Site) -> None:
    sitemap = (site.root / "sitemap.xml").read_text(encoding="utf-8")
    addresses = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(addresses) >= 10
    missing = [
        a
        for a in addresses
        if not a.startswith(site.url) or target_file(site, unquote(a[len(site.url) :])) is None
    ]
    assert missing == []


def test_every_procedure_has_a_page_linked_from_a_list(site: Site) -> None:
    """No orphan procedure page: each is linked from at least one other page."""
    linked: set[str] = set()
    for page, content in site.pages.items():
        for _, address in content.links:
            target = internal_path(site, page, address)
            if target is not None and target[0].startswith("thu-tuc/") and not page.startswith(target[0]):
                linked.add(target[0].rstrip("/"))
    pages = {
        p.removesuffix("/index.html") for p in site.pages if re.fullmatch(r"thu-tuc/[^/]+/index\.html", p)
    }
    assert pages and pages <= linked, sorted(pages - linked)


def test_the_checker_finds_broken_links(site: Site) -> None:
    """The check itself works: a missing page, a missing file and a missing fragment are reported."""
    page = Page(
        links=[
            ("a", "../khong-co/"),
            ("img", "../../assets/khong-co.png"),
            ("a", "#khong-co"),
            ("a", "../../#khong-co"),
            ("link", site.url + "khong-co/"),
            ("a", "https://example.com/x"),
            ("a", "mailto:a@b.vn"),
            ("a", "../../"),
            ("a", "/linh-vuc/ho-tich/"),
        ]
    )
    probe = Site(site.root, site.url, {**site.pages, "thu-tuc/1.001193/index.html": page})
    broken = [b for b in broken_links(probe) if b.startswith("thu-tuc/1.001193/index.html:")]
    assert len(broken) == 5, broken
