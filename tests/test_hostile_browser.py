"""The second line of defence, in a real browser: hostile text that the validator refuses is let
through (``build_site(..., permissive=True)``, a test-only switch) into every rendered text field of
the fixture catalog, and no script it carries runs.

Every string value of every catalog file gets a payload appended (script tags, a JSON-LD breakout,
event-handler attributes, javascript:/data: links, links split by a line break, Markdown attribute
lists and images, <base>, <meta refresh>, <iframe srcdoc>); values whose payload would break a
schema rule instead (ids, codes, dates, enums, links) are put back, so that only the text rules'
problems remain, which is what permissive mode lets through. Two payloads the validator accepts
(quotes in the site's title and description, which Material prints without escaping) are added on
top. Then every page of the built site is opened in Chromium and the search is used, while the test
listens for dialogs, console messages, page errors and requests leaving the site.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_support import chromium, serve
from conftest import load_yaml, make_site_repo
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, Route
from playwright.sync_api import Error as PlaywrightError

from generator.site import build
from generator.site.build import build_site
from generator.validation import textrules
from generator.validation.validate import validate_catalog
from generator.validation.yamlload import escape, load_bytes

MARK = "PWN"
# {n} numbers the payload, so that a dialog or a request says which one got through. Attribute-list
# values cannot hold '=' or quotes: those payloads call alert().
PAYLOADS = [
    '<script>window.__pwned={n};alert("PWN{n}")</script>',
    '</script><script>window.__pwned={n};alert("PWN{n}")</script>',
    "<img src=x onerror=window.__pwned={n}>PWN{n}",
    "<svg onload=window.__pwned={n}>PWN{n}</svg>",
    "<details open ontoggle=window.__pwned={n}>PWN{n}</details>",
    "<input autofocus onfocus=window.__pwned={n}>PWN{n}",
    '<iframe srcdoc="<script>parent.__pwned={n}</script>">PWN{n}</iframe>',
    '<a href="javascript:window.__pwned={n}">PWN{n}</a>',
    "[PWN{n}](javascript:window.__pwned={n})",
    "[PWN{n}](JaVaScRiPt:window.__pwned={n})",
    "PWN{n} {{ tabindex=0 autofocus onfocus=alert({n}) }}",
    "PWN{n}\n\n[PWN{n}](java\nscript:window.__pwned={n})",
    "![PWN{n}](https://x.invalid/{n}.png){{: onerror=alert({n}) }}",
    '<base href="https://x.invalid/{n}/">PWN{n}',
    '<meta http-equiv="refresh" content="0;url=https://x.invalid/{n}">PWN{n}',
    "[PWN{n}](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<object data="javascript:window.__pwned={n}">PWN{n}</object>',
    "PWN{n} \u202e<script>window.__pwned={n}</script>",
    # A line of its own that starts with '#': the page's Markdown would read it as a heading (with
    # an attribute list). Written plainly for fields shown as they are, escaped for Markdown fields.
    "PWN{n}\n# PWN{n} {{: tabindex=0 autofocus onfocus=alert({n}) }}\nPWN{n}",
    "*PWN{n}*\n\\# PWN{n} {{: tabindex=0 autofocus onfocus=alert({n}) }}\nPWN{n}",
]
# Valid data: only quotes, which the text rules allow; Material prints the site's title and
# description into attributes itself.
VALID_PAYLOADS = {
    ("catalog/province.yaml", "/site/title"): 'Thủ tục hành chính" onfocus="window.__pwned=901" autofocus="',
    ("catalog/province.yaml", "/site/description"): '0;url=https://x.invalid/902" http-equiv="refresh',
}
# Identities other files point to: changing them breaks references elsewhere, not a rule at themselves.
KEEP = {("decision", "/number")}
# Fields of a procedure page whose text the page shows as it is (HTML payloads must appear verbatim).
SHOWN = re.compile(
    r"^/(name|description|conditions|receiving_address|steps/\d+/(case|items/\d+)|dossier/\d+/case"
    r"|dossier/\d+/documents/\d+/(name|note)|results/\d+/name|legal_basis/\d+/title|local/notes)$"
)


@dataclass
class Hostile:
    repo: Path
    site: Path
    planted: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, pointer) → payload


def _strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, f"{pointer}/{escape(key)}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _strings(child, f"{pointer}/{i}")
    elif isinstance(value, str):
        yield pointer, value


def _set(data: Any, pointer: str, value: str) -> None:
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    for part in parents:
        data = data[int(part)] if isinstance(data, list) else data[part]
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


def _kind(display: str) -> str:
    """catalog/procedures/a/b.yaml → procedure, catalog/sectors.yaml → sectors."""
    parts = display.split("/")
    if len(parts) == 2:
        return parts[1].removesuffix(".yaml")
    return {"procedures": "procedure", "decisions": "decision", "plans": "plan"}.get(parts[1], parts[1])


def _template(payload: str) -> re.Pattern[str]:
    """What a payload template becomes once numbered."""
    parts = [re.escape(part.replace("{{", "{").replace("}}", "}")) for part in payload.split("{n}")]
    return re.compile(r"\d+".join(parts), re.DOTALL)


def _load(path: Path, repo: Path) -> Any:
    loaded, problems = load_bytes(path.read_bytes(), path.relative_to(repo).as_posix())
    assert loaded is not None, problems
    return loaded.data


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def enrich(repo: Path) -> None:
    """Give the fixture a value in every text field a procedure page shows, then one copy of that
    procedure per payload, each in a sector and an agency of its own (so that every payload reaches
    a procedure page's heading, a sector page's and an agency page's)."""
    catalog = repo / "catalog"
    path = catalog / "procedures/ubnd-cap-xa/1.001193.yaml"
    procedure = _load(path, repo)
    procedure["description"] = "Giới thiệu thủ tục."
    procedure["conditions"] = "Điều kiện thực hiện."
    procedure["receiving_address"] = "Bộ phận Một cửa."
    procedure["steps"][0]["case"] = "Trường hợp chung"
    procedure["dossier"][0]["documents"][0]["note"] = "Ghi chú về giấy tờ."
    procedure["dossier"][0]["documents"][1]["quantity_text"] = "Xuất trình bản chính"
    procedure["channels"].append(
        {
            "channel": "postal",
            "case": "Gửi qua bưu chính",
            "processing_time": {"text": "Theo thỏa thuận"},
            "fees": [{"text": "Theo giá cước", "description": "Cước bưu chính"}],
            "description": "Gửi hồ sơ qua bưu điện.",
        }
    )
    procedure["local"]["fees"] = [
        {"kind": "fee", "text": "Theo nghị quyết", "description": "Phí do tỉnh quy định"}
    ]
    _dump(path, procedure)
    sectors = _load(catalog / "sectors.yaml", repo)
    agencies = _load(catalog / "agencies.yaml", repo)
    template = next(a for a in agencies["agencies"] if a["id"] == "ubnd-phuong-long-chau")
    for k in range(1, len(PAYLOADS) + 1):
        ident = f"hostile-{k}"
        sectors["sectors"].append({"id": ident, "name": f"Lĩnh vực thử {k}", "ministry": "Bộ Tư pháp"})
        agency = {key: value for key, value in template.items() if key not in ("unit_code", "portal_names")}
        agencies["agencies"].append(
            {**agency, "id": ident, "name": f"Cơ quan thử {k}", "team": f"@tthc-vinh-long/{ident}"}
        )
        copy = {
            **procedure,
            "code": f"1.9{k:05d}",
            "name": f"Thủ tục thử {k}",
            "sector": ident,
            "agencies": {**procedure["agencies"], "implementing": [ident]},
        }
        copy.pop("related", None)
        copy["local"] = {key: value for key, value in procedure["local"].items() if key != "service_points"}
        _dump(catalog / f"procedures/{ident}/{copy['code']}.yaml", copy)
    _dump(catalog / "sectors.yaml", sectors)
    _dump(catalog / "agencies.yaml", agencies)
    assert validate_catalog(catalog).diagnostics == []


def _owner(display: str, pointer: str, data: Any) -> int | None:
    """The payload a value gets when it belongs to copy k (its file, sector or agency)."""
    match = re.search(r"/hostile-(\d+)/", display)
    if match:
        return int(match.group(1))
    item = re.match(r"^/(sectors|agencies)/(\d+)/", pointer)
    if item and display in ("catalog/sectors.yaml", "catalog/agencies.yaml"):
        ident = str(data[item.group(1)][int(item.group(2))]["id"])
        return int(ident.removeprefix("hostile-")) if ident.startswith("hostile-") else None
    return None


def plant(repo: Path) -> dict[tuple[str, str], str]:
    """Append a payload to every string value of the catalog; put back those that break a schema
    rule; return what stayed, by file and pointer."""
    enrich(repo)
    files: dict[str, Any] = {}
    originals: dict[tuple[str, str], str] = {}
    planted: dict[tuple[str, str], str] = {}
    for path in sorted((repo / "catalog").rglob("*.yaml")):
        display = path.relative_to(repo).as_posix()
        data = files[display] = _load(path, repo)
        values = list(_strings(data))
        owners = {pointer: _owner(display, pointer, data) for pointer, _ in values}
        for pointer, text in values:
            if (_kind(display), pointer) in KEEP:
                continue
            owner = owners[pointer]
            template = PAYLOADS[owner - 1] if owner else PAYLOADS[len(planted) % len(PAYLOADS)]
            payload = template.format(n=len(planted) + 1)
            originals[(display, pointer)] = text
            planted[(display, pointer)] = payload
            _set(data, pointer, f"{text} {payload}")

    def write() -> None:
        for display, data in files.items():
            _dump(repo / display, data)

    for _ in range(10):
        write()
        others = [d for d in validate_catalog(repo / "catalog").diagnostics if d.code not in textrules.CODES]
        if not others:
            break
        # A problem about a whole file (an agency folder that no longer matches a changed id) or away
        # from any payload is a consequence: it goes once the payloads that caused it are put back.
        undone = {
            key
            for key in planted
            for d in others
            if d.pointer and key[0] == d.file and (key[1] == d.pointer or key[1].startswith(d.pointer + "/"))
        }
        assert undone, "payloads break rules away from themselves:\n" + "\n".join(d.text() for d in others)
        for key in undone:
            _set(files[key[0]], key[1], originals[key])
            del planted[key]
    else:
        pytest.fail("payloads still break schema rules after ten rounds")
    for (display, pointer), payload in VALID_PAYLOADS.items():
        _set(files[display], pointer, payload)
        planted[(display, pointer)] = payload
    write()
    return planted


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    repo = make_site_repo(tmp_path_factory.mktemp("hostile-browser"))
    planted = plant(repo)
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "commit",
            "-qam",
            "Nội dung độc hại <script>window.__pwned=903</script> [x](javascript:alert(903))",
        ],
        cwd=repo,
        check=True,
    )
    site = repo / "site"
    # The open-data exports validate the catalog again, without the permissive switch, and refuse
    # it (see the report): they are JSON, not pages, so this build leaves them out.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "_write_exports", lambda repo, staging, preview: None)
        build_site(repo, site, permissive=True)
    return Hostile(repo, site, planted)


@pytest.fixture(scope="module")
def base_url(hostile: Hostile) -> Iterator[str]:
    with serve(hostile.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@dataclass
class Watch:
    """Everything a page did that injected code could cause."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@contextmanager
def watching(browser: Browser, base_url: str) -> Iterator[tuple[Page, Watch]]:
    """A page at 1280 px that records what injected code could cause: dialogs (dismissed), console
    messages, page errors, and requests leaving the site (aborted)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    watch = Watch()

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        watch.console.append(f"{message.type}: {message.text} on {page.url}")

    def on_route(route: Route, request: Request) -> None:
        watch.outside.append(f"{request.url} from {page.url}")
        route.abort()

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.errors.append(f"{error} on {page.url}"))
    # Every request whose address does not start with the site's: the browser's driver matches the
    # pattern, so the site's own requests go on without a round trip to this process per request.
    context.route(re.compile(f"^(?!{re.escape(base_url)})"), on_route)
    try:
        yield page, watch
    finally:
        context.close()


@pytest.fixture
def watched(browser: Browser, base_url: str) -> Iterator[tuple[Page, Watch]]:
    with watching(browser, base_url) as found:
        yield found


def addresses(site: Path) -> list[str]:
    """The address of every page of the built site: /, /thu-tuc/1.001193/, ..."""
    folders = (p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return sorted("/" if folder == "." else f"/{folder}/" for folder in folders)


PROBE = """(mark) => {
  const all = [...document.querySelectorAll('*')];
  const handlers = all.flatMap(el => [...el.attributes].filter(a => /^on/i.test(a.name))
                                         .map(a => `${el.tagName}[${a.name}=${a.value}]`));
  const urls = all.flatMap(el => ['href', 'src', 'action', 'formaction', 'data', 'srcdoc']
      .filter(name => el.hasAttribute(name)).map(name => [el.tagName, name, el.getAttribute(name)]))
    .filter(([tag, name, value]) => name === 'srcdoc' ||
            /^(javascript|data|vbscript):/i.test(value.replace(/[\\u0000-\\u0020]/g, '')))
    .map(x => x.join(' '));
  const runnable = [...document.scripts].filter(s => ['', 'text/javascript', 'module'].includes(s.type));
  const scripts = runnable.filter(s => s.text.includes(mark) || s.text.includes('__pwned'))
                                        .map(s => s.outerHTML.slice(0, 200));
  const injected = [...document.querySelectorAll('base, meta[http-equiv=refresh i], iframe, object, embed, svg[onload], '
                                                 + 'details[ontoggle], input[autofocus], img[src*="invalid"]')]
                   .map(el => el.outerHTML.slice(0, 200));
  return {handlers, urls, scripts, injected, pwned: typeof window.__pwned, title: document.title,
          text: document.body.innerText};
}"""


def probe(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(PROBE, MARK)
    return result


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_permissive_build_holds_every_payload(hostile: Hostile) -> None:
    """The fixture really is hostile: hundreds of payloads, in every kind of file, each one a text-rule
    problem that only permissive mode lets through (or valid data, for the quote payloads)."""
    kinds = {_kind(display) for display, _ in hostile.planted}
    assert kinds >= {
        "procedure",
        "province",
        "sectors",
        "agencies",
        "service-points",
        "decision",
        "location-independent",
        "plan",
    }
    assert len(hostile.planted) >= 150
    found = validate_catalog(hostile.repo / "catalog").diagnostics
    assert {d.code for d in found} <= textrules.CODES
    flagged = {(d.file, d.pointer) for d in found}
    assert set(hostile.planted) - set(VALID_PAYLOADS) <= flagged
    for payload in PAYLOADS:  # every payload is planted, in a procedure among other files
        pattern = _template(payload)
        assert any(
            pattern.fullmatch(p) for (file, _), p in hostile.planted.items() if "/procedures/" in file
        ), payload
    assert (hostile.site / "thu-tuc/1.001193/index.html").is_file()


@dataclass
class Walk:
    """Every page of the hostile site, each opened once, focused, hovered and probed."""

    pages: list[str]
    problems: list[str]  # what a page did or held that injected code could cause
    probes: dict[str, dict[str, Any]]  # address → what probe() found there


@pytest.fixture(scope="module")
def walk(browser: Browser, base_url: str, hostile: Hostile) -> Walk:
    """One walk over every page, read by the two tests below (each page is visited once, not once per
    test)."""
    pages = addresses(hostile.site)
    problems: list[str] = []
    probes: dict[str, dict[str, Any]] = {}
    with watching(browser, base_url) as (page, watch):
        for address in pages:
            page.goto(base_url + address, wait_until="load")
            try:
                page.keyboard.press("Tab")  # focus handlers
                page.mouse.move(200, 150)
                page.mouse.move(640, 300)  # hover handlers under the pointer
                page.wait_for_timeout(100)
                if page.url != base_url + address:
                    problems.append(f"{address}: navigated away to {page.url}")
                    continue
                found = probe(page)
            except PlaywrightError as error:  # the page went somewhere else under the test's feet
                problems.append(f"{address}: {error.message.splitlines()[0]} (now at {page.url})")
                continue
            probes[address] = found
            for key in ("handlers", "urls", "scripts", "injected"):
                problems += [f"{address}: {key}: {item}" for item in found[key]]
            if found["pwned"] != "undefined":
                problems.append(f"{address}: window.__pwned is set")
    problems += watch.dialogs + watch.errors + watch.outside
    problems += [m for m in watch.console if MARK in m or "pwned" in m or m.startswith("error")]
    return Walk(pages, problems, probes)


def test_no_page_runs_injected_code(walk: Walk) -> None:
    assert len(walk.pages) >= 20
    assert walk.problems == [], "\n".join(walk.problems)


def test_payloads_show_as_text(walk: Walk, hostile: Hostile) -> None:
    """An escaped payload reads as the text it is: on each procedure page, every HTML payload planted
    in a field the page shows appears verbatim, and the title is the planted name."""
    missing: list[str] = []
    checked = 0
    for path in sorted((hostile.repo / "catalog/procedures").rglob("*.yaml")):
        display = path.relative_to(hostile.repo).as_posix()
        data = load_yaml(path.read_text(encoding="utf-8"))
        address = f"/thu-tuc/{data['code']}/"
        assert address in walk.probes, f"{address} was not probed: {walk.problems}"
        found = walk.probes[address]
        text = squeeze(found["text"])
        assert found["title"].startswith(squeeze(data["name"]))
        for (file, pointer), payload in hostile.planted.items():
            if file != display or not SHOWN.match(pointer) or not payload.startswith("<"):
                continue
            checked += 1
            if squeeze(payload) not in text:
                missing.append(f"{display}{pointer}: {payload!r}")
    assert checked >= 10
    assert missing == [], "\n".join(missing)


def test_json_ld_holds_the_breakout_as_data(hostile: Hostile) -> None:
    """The structured data of each procedure page parses, and its name is the planted name, '</script>'
    and all: nothing closed the element early."""
    for path in sorted((hostile.repo / "catalog/procedures").rglob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"))
        html = (hostile.site / "thu-tuc" / data["code"] / "index.html").read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
        assert len(blocks) == 1
        assert "<" not in blocks[0]
        assert json.loads(blocks[0])["name"] == data["name"]


def test_search_shows_hostile_names_as_text(watched: tuple[Page, Watch], base_url: str) -> None:
    page, watch = watched
    page.goto(base_url + "/")
    box = page.locator("input[type=search]").first
    assert box.count() == 1, "the site has a search box"
    for query in ("PWN", "script", "javascript", "khai sinh"):
        box.fill(query)
        page.wait_for_timeout(400)
        found = probe(page)
        assert found["handlers"] == [] and found["urls"] == [] and found["injected"] == []
        assert found["pwned"] == "undefined"
    assert watch.dialogs == [] and watch.errors == [] and watch.outside == []
