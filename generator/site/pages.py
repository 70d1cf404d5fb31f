"""The site's pages as Markdown sources with HTML blocks, rendered from the catalog with Jinja.

Pure: ``render_pages(context)`` returns every generated page; nothing here knows MkDocs. Text from
the catalog is HTML-escaped by Jinja's autoescape; links between pages are computed relative to
each page, as MkDocs would with directory URLs (``thu-tuc/1.001193.md`` → ``thu-tuc/1.001193/``).
"""

from __future__ import annotations

import builtins
import functools
import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import vi_format
from ..model import ListEntry, LocationIndependentList, Procedure
from ..model import entities as m
from . import checklist, collation, labels, markup, summary
from .context import SiteContext

TEMPLATES = files("generator.site") / "templates"  # package data
DESCRIPTION_LIMIT = 160


@dataclass(frozen=True)
class Page:
    path: str  # the page's source path in the docs tree, e.g. "thu-tuc/1.001193.md"
    title: str
    markdown: str
    description: str = ""
    jsonld: str = ""  # serialised, safe to place inside <script type="application/ld+json">


@dataclass(frozen=True)
class IndependentRow:
    """One procedure of a location-independent list, as its page's table shows it."""

    code: str
    name: str
    levels: str
    preview: bool


@dataclass(frozen=True)
class IndependentList:
    """A location-independent list on its page: the list's facts, its shown entries by sector."""

    list: LocationIndependentList
    entries: tuple[ListEntry, ...]
    preview: bool
    groups: builtins.list[tuple[str, builtins.list[IndependentRow]]]

    def __getattr__(self, name: str) -> Any:  # the list's own facts: title, decision, sample, ...
        return getattr(self.list, name)


_HEADING = re.compile(r"^(#{1,6} .*)$", re.MULTILINE)
_PLACEHOLDER = "TTHCBLOCK{:05d}"
_PLACEHOLDER_HTML = re.compile(r"<p>TTHCBLOCK(\d{5})</p>")


def split_blocks(markdown: str) -> tuple[str, list[str]]:
    """A page's Markdown headings kept, each HTML block between them replaced by a placeholder.

    The pages are HTML blocks under Markdown headings. Markdown would only pass the blocks through,
    after parsing them with an HTML parser (most of a build's time); so MkDocs gets the headings
    (for the table of contents and anchors) and :func:`join_blocks` puts the blocks back into the
    HTML it makes.
    """
    parts = _HEADING.split(markdown)
    skeleton: list[str] = []
    blocks: list[str] = []
    for i, part in enumerate(parts):
        if i % 2:
            skeleton.append(part)
        elif part.strip():
            skeleton.append(_PLACEHOLDER.format(len(blocks)))
            blocks.append(part.strip())
    return "\n\n".join(skeleton) + "\n", blocks


def join_blocks(html: str, blocks: list[str]) -> str:
    return _PLACEHOLDER_HTML.sub(lambda m: blocks[int(m.group(1))], html)


@dataclass(frozen=True)
class Headings:
    """A page's Markdown as MkDocs is given it: its headings alone, the HTML blocks set aside.

    What :func:`split_blocks` gives, without the placeholders after headings: Markdown then makes
    one line per heading (``<h2 id="…">…</h2>``: a heading's text is one line, escaped by
    ``markup.heading``), and :meth:`join` puts each block back after its heading's line, as
    :func:`join_blocks` would have put it in place of its placeholder's paragraph — a placeholder is
    a paragraph of its own, which changes nothing of how Markdown makes the headings around it
    (the parser takes blocks one by one; the table of contents and the anchors read headings only).
    A block before the first heading keeps its placeholder (MkDocs takes a page's title from a
    first ``<h1>`` only). A tenth of a page's time: Markdown's inline patterns, block parser and
    serializer ran on every placeholder."""

    markdown: str  # the headings, and a placeholder for a block before the first
    lead: str | None  # the block before the first heading
    levels: tuple[int, ...]  # each heading's level
    after: tuple[str, ...]  # the block after each heading ("" for none)
    source: str  # the page's whole Markdown

    @classmethod
    def of(cls, markdown: str) -> Headings:
        parts = _HEADING.split(markdown)
        lead = parts[0].strip() or None
        headings = parts[1::2]
        after = tuple(part.strip() for part in parts[2::2])
        skeleton = ([_PLACEHOLDER.format(0)] if lead else []) + headings
        levels = tuple(len(h) - len(h.lstrip("#")) for h in headings)
        return cls("\n\n".join(skeleton) + "\n", lead, levels, after, markdown)

    def join(self, html: str) -> str | None:
        """The page's HTML: ``html`` (what Markdown made of :attr:`markdown`) with the blocks put
        back; None if ``html`` is not one line per heading (then :func:`split_blocks` is the way)."""
        lines = html.split("\n")
        out: list[str] = []
        if self.lead is not None:
            if not lines or lines[0] != f"<p>{_PLACEHOLDER.format(0)}</p>":
                return None
            out.append(self.lead)
            lines = lines[1:]
        if len(lines) != len(self.levels):
            return None
        for line, level, block in zip(lines, self.levels, self.after, strict=True):
            if not (line.startswith(f"<h{level}") and line.endswith(f"</h{level}>")):
                return None
            out.append(line)
            if block:
                out.append(block)
        return "\n".join(out)


def url_of(path: str) -> str:
    """The directory URL MkDocs gives a page source: 'a/b.md' → 'a/b/', 'a/index.md' → 'a/'."""
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_path: str, to_path: str) -> str:
    """The link from the page ``from_path`` to the page ``to_path`` (both page sources), as
    ``posixpath.relpath`` of their URLs gives it. Listings link every page of a listing from each
    of its pages (hundreds of thousands of links at 10,000 procedures), so plain paths are compared
    part by part here; anything else (an absolute path, '.', '..', '//') goes through relpath."""
    base = url_of(from_path).split("/")[:-1]  # URLs are "" or end with "/"
    target = url_of(to_path).split("/")[:-1]
    if "" in base or "" in target or _DOTS & {*base, *target}:
        rel = posixpath.relpath("/".join(target) or ".", "/".join(base) or ".")
        return "./" if rel == "." else rel + "/"
    shared = 0
    for a, b in zip(base, target, strict=False):
        if a != b:
            break
        shared += 1
    parts = [".."] * (len(base) - shared) + target[shared:]
    return "/".join(parts) + "/" if parts else "./"


_DOTS = frozenset((".", ".."))


def _one_line(value: Any) -> Any:
    """Every plain value a template prints, escaped and kept on its line: a line break in catalog
    text would let the next line start a line of the page, where split_blocks reads '# …' as a
    Markdown heading (attribute lists and links included). '&#10;' renders as the line break did."""
    if type(value) is str:  # most values: escaped as they are
        if "\n" not in value and "\r" not in value:
            return escape(value)
        return Markup(str(escape(value)).replace("\n", "&#10;").replace("\r", "&#13;"))
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(str(escape(value)).replace("\n", "&#10;").replace("\r", "&#13;"))
    return value


@cache  # one per process: Jinja compiles each template once (and reloads it if the file changes)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_one_line,
    )
    env.filters.update(
        num=vi_format.number,
        date_vi=labels.date_vi,
        duration=labels.duration,
        fee=labels.fee,
        lines=markup.lines,
        paragraphs=markup.block,
        rich=markup.inline,
        heading=markup.heading,
    )
    env.globals.update(
        channels=labels.CHANNELS,
        online_levels=labels.ONLINE_LEVELS,
        online_short=labels.ONLINE_SHORT,
        applicants=labels.APPLICANTS,
        statuses=labels.STATUSES,
        procedure_types=labels.PROCEDURE_TYPES,
        task_statuses=labels.TASK_STATUSES,
    )
    return env


class Renderer:
    def __init__(self, context: SiteContext) -> None:
        self.ctx = context
        self.env = _environment()
        self._ranks: dict[str, int] | None = None

    def render(self, template: str, path: str, **values: Any) -> str:
        def link(target: str) -> str:
            return relative(path, target)

        return self.env.get_template(template).render(
            ctx=self.ctx,
            link=link,
            agency_name=self.agency_name,
            agency_sample=self.agency_sample,
            levels_of=self.levels_of,
            time_of=time_of,
            fee_of=fee_of,
            **values,
        )

    def agency_name(self, agency_id: str) -> str:
        return self.ctx.catalog.agency_name(agency_id)

    def agency_sample(self, agency_id: str) -> bool:
        agency = self.ctx.catalog.agencies.get(agency_id)
        return bool(agency and agency.sample)

    @functools.cached_property
    def names(self) -> dict[str, dict[str, str]]:
        """Display names of ids, for the change history (generator.review.diff_render)."""
        catalog = self.ctx.catalog
        return {
            "agency": {k: v.name for k, v in catalog.agencies.items()},
            "sector": {k: v.name for k, v in catalog.sectors.items()},
            "level": {k: v.name for k, v in catalog.levels.items()},
        }

    def name_ranks(self, procedures: Iterable[Procedure]) -> dict[str, int]:
        """Each name's place in Vietnamese order (collation.sort_key), computed once per render
        for every procedure of the context: a procedure is on six or more listings, and its
        sort key is a tuple per letter. Equal ranks mean equal names, so a stable sort by rank
        orders exactly as a sort by key."""
        if self._ranks is None or any(p.name not in self._ranks for p in procedures):
            names = {p.name for p in self.ctx.procedures} | {p.name for p in procedures}
            self._ranks = {name: i for i, name in enumerate(sorted(names, key=collation.sort_key))}
        return self._ranks

    def sector_name(self, sector_id: str) -> str:
        return self.ctx.catalog.sector_name(sector_id)

    def levels_of(self, procedure: Procedure) -> str:
        return ", ".join(self.ctx.level_name(level) for level in procedure.levels)


def time_of(procedure: Procedure) -> str:
    """The processing time as one phrase: the in-person channel's, else the first channel's."""
    channels = procedure.channels
    if not channels:
        return labels.NO_TIME
    chosen = next((c for c in channels if c.channel == m.ChannelKind.IN_PERSON), channels[0])
    return labels.duration(chosen.processing_time)


def fee_of(procedure: Procedure) -> str:
    fees = [f for c in procedure.channels for f in c.fees]
    return labels.fee_summary(fees + list(procedure.local.fees if procedure.local else ()))


def render_pages(context: SiteContext) -> list[Page]:
    return render_index_pages(context) + render_procedure_pages(context, context.procedures)


def render_index_pages(context: SiteContext) -> list[Page]:
    """Every page but the procedures' own (home, listings, lists, service points, plans)."""
    renderer = Renderer(context)
    pages = [_home(renderer)]
    pages += _sector_pages(renderer)
    pages += _agency_pages(renderer)
    pages += _facet_pages(renderer)
    pages.append(_independent_page(renderer))
    pages.append(_service_points_page(renderer))
    pages += _plan_pages(renderer)
    pages += _life_event_pages(renderer)
    pages += _az_pages(renderer)
    return pages


@dataclass(frozen=True)
class EventStep:
    procedure: Procedure
    note: str


@dataclass(frozen=True)
class EventPage:
    """A life event as its page shows it: the procedures this build shows, in the event's order."""

    event: m.LifeEvent
    steps: tuple[EventStep, ...]


def life_events(ctx: SiteContext) -> list[EventPage]:
    """The life events of catalog/life-events.yaml, each with its listed procedures in order."""
    shown = {p.code: p for p in ctx.listed}
    return [
        EventPage(e, tuple(EventStep(shown[i.code], i.note or "") for i in e.procedures if i.code in shown))
        for e in ctx.catalog.life_events
    ]


def _life_event_pages(r: Renderer) -> list[Page]:
    events = life_events(r.ctx)  # the index exists even without events: the 404 page and search link to it
    pages = [
        Page(
            "su-kien/index.md",
            "Sự kiện trong đời",
            r.render("life-events.md.j2", "su-kien/index.md", events=events),
            "Các thủ tục cần làm khi sinh con, kết hôn, có người thân qua đời, mua đất, mở hộ kinh doanh…",
        )
    ]
    for page in events:
        event = page.event
        path = f"su-kien/{event.id}.md"
        pages.append(
            Page(
                path,
                event.title,
                r.render("life-event.md.j2", path, event=event, items=page.steps),
                f"{event.title}: {event.description}"[:DESCRIPTION_LIMIT],
            )
        )
    return pages


# Address of each first letter's page: Telex spelling for the letters of their own (đ → dd, ơ → ow).
_LETTER_SLUGS = {"ă": "aw", "â": "aa", "đ": "dd", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw"}


def _az_pages(r: Renderer) -> list[Page]:
    """The procedures by the first letter of their names (Vietnamese order), one listing per letter:
    the index a search without JavaScript leads to (site_content/tim-kiem.md)."""
    letters: dict[str, list[Procedure]] = {}
    for p in r.ctx.listed:
        letters.setdefault(collation.first_letter(p.name), []).append(p)
    ordered = sorted(letters, key=collation.sort_key)
    pages: list[Page] = []
    links = []
    for letter in ordered:
        slug = _LETTER_SLUGS.get(letter, letter) if letter.isalpha() else "khac"
        path = f"tra-cuu/chu-{slug}.md"
        label = letter.upper() if letter.isalpha() else "Khác"
        links.append({"path": path, "title": label, "count": len(letters[letter])})
        pages += _listing(
            r,
            path,
            f"Thủ tục bắt đầu bằng chữ {label}" if letter.isalpha() else "Thủ tục bắt đầu bằng số, ký hiệu",
            letters[letter],
        )
    prefixes: dict[str, list[Procedure]] = {}
    for p in r.ctx.listed:  # listed is sorted by code
        prefixes.setdefault(p.code[:5], []).append(p)
    codes = []
    for prefix, members in prefixes.items():
        path = f"tra-cuu/ma-{prefix.replace('.', '-')}.md"
        codes.append(
            {"path": path, "title": f"{members[0].code} – {members[-1].code}", "count": len(members)}
        )
        title = f"Thủ tục có mã từ {members[0].code} đến {members[-1].code}"
        pages.append(
            Page(
                path,
                title,
                r.render("codes.md.j2", path, title=title, items=members),
                f"{title}: mã và tên thủ tục.",
            )
        )
    index = r.render(
        "az.md.j2",
        "tra-cuu/index.md",
        letters=links,
        codes=codes,
        total=len(r.ctx.listed),
        has_events=bool(life_events(r.ctx)),
    )
    return [
        Page(
            "tra-cuu/index.md",
            "Tra cứu thủ tục theo tên (A–Z)",
            index,
            "Mọi thủ tục hành chính của tỉnh theo chữ cái đầu của tên.",
        ),
        *pages,
    ]


def _count_links(items: list[tuple[str, str, int]], samples: set[str] | None = None) -> list[dict[str, Any]]:
    """Links with counts; ``samples`` holds the paths whose subject is sample data (marked "mẫu")."""
    return [
        {"path": path, "title": title, "count": count, "sample": path in (samples or set())}
        for path, title, count in items
    ]


def _sample_agencies(ctx: SiteContext) -> set[str]:
    return {f"co-quan/{a}.md" for a, agency in ctx.catalog.agencies.items() if agency.sample}


def procedure_page_path(procedure: Procedure) -> str:
    return f"thu-tuc/{procedure.code}.md"


def render_procedure_pages(context: SiteContext, procedures: Iterable[Procedure]) -> list[Page]:
    """The pages of the given procedures (each page is a function of the context and its procedure)."""
    renderer = Renderer(context)
    return [_procedure_page(renderer, p) for p in procedures]


HOME_SECTORS, HOME_AGENCIES = 16, 12


def _home(r: Renderer) -> Page:
    ctx = r.ctx
    # The home page shows the sectors with the most procedures (in Vietnamese order) and links to all.
    busiest = sorted(
        ((f"linh-vuc/{s}.md", r.sector_name(s), len(v)) for s, v in ctx.by_sector.items()),
        key=lambda t: (-t[2], collation.sort_key(t[1])),
    )
    sectors = sorted(busiest[:HOME_SECTORS], key=lambda t: collation.sort_key(t[1]))
    agencies = sorted(
        ((f"co-quan/{a}.md", r.agency_name(a), len(v)) for a, v in ctx.by_agency.items()),
        key=lambda t: (-t[2], collation.sort_key(t[1])),
    )
    levels = [
        (f"cap/{lv}.md", ctx.level_name(lv), len(ctx.by_level[lv]))
        for lv in ctx.catalog.levels
        if lv in ctx.by_level
    ]
    groups = [
        (f"doi-tuong/{g}.md", labels.APPLICANT_GROUPS[g][0], len(ctx.by_group[g]))
        for g in labels.APPLICANT_GROUPS
        if g in ctx.by_group
    ]
    online = [
        (f"truc-tuyen/{o}.md", labels.ONLINE_LEVELS[o], len(ctx.by_online[o]))
        for o in ("full", "partial")
        if o in ctx.by_online
    ]
    markdown = r.render(
        "home.md.j2",
        "index.md",
        province=ctx.province,
        total=len(ctx.listed),
        sectors=_count_links(sectors),
        sector_count=len(busiest),
        agencies=_count_links(agencies[:HOME_AGENCIES], _sample_agencies(ctx)),
        agency_count=len(agencies),
        levels=_count_links(levels),
        groups=_count_links(groups),
        online=_count_links(online),
        independent_count=len(ctx.independent),
        events=life_events(ctx),
        independent_sample=any(shown.list.sample for shown in ctx.lists),
    )
    return Page("index.md", ctx.province.site.title, markdown, ctx.province.site.description)


PAGE_ROWS = 50  # rows of a listing page: every page stays small (< 1,000 DOM nodes) and works without JS


def _listing(r: Renderer, path: str, title: str, items: list[Procedure], **extra: Any) -> list[Page]:
    """A listing in Vietnamese order of names, cut into pages of PAGE_ROWS: ``linh-vuc/ho-tich.md``,
    then ``linh-vuc/ho-tich/trang-2.md`` …"""
    extra.setdefault("intro", "")
    extra.setdefault("facts", [])
    extra.setdefault("sample", False)
    ranks = r.name_ranks(items)
    ordered = sorted(items, key=lambda p: ranks[p.name])
    chunks = [ordered[i : i + PAGE_ROWS] for i in range(0, len(ordered), PAGE_ROWS)] or [[]]
    paths = [path] + [f"{path[:-3]}/trang-{n}.md" for n in range(2, len(chunks) + 1)]
    pager = _Pager(paths)
    pages = []
    for number, (chunk, here) in enumerate(zip(chunks, paths, strict=True), 1):
        heading = title if number == 1 else f"{title} (trang {number})"
        markdown = r.render(
            "listing.md.j2",
            here,
            title=heading,
            items=chunk,
            total=len(items),
            page_count=len(paths),
            pager=pager.html(number),
            current=number,
            first=(number - 1) * PAGE_ROWS + 1,
            last=(number - 1) * PAGE_ROWS + len(chunk),
            **extra,
        )
        pages.append(
            Page(here, heading, markdown, f"{title}: {vi_format.number(len(items))} thủ tục hành chính.")
        )
    return pages


class _Pager:
    """The links to every page of a listing that each of its pages shows, above and below its
    table. A listing of n pages has n² of them (40,000 at 10,000 procedures on one listing), so
    each link is made once per folder, not once per page: pages 2, 3… are siblings in one folder
    and link to the others alike; the first page is the folder's parent."""

    def __init__(self, paths: list[str]) -> None:
        self.count = len(paths)
        self.first = [self._link(paths[0], target, n) for n, target in enumerate(paths, 1)]
        # from page 2 to every page, but to itself from page 3 (a page's own number is no link)
        self.rest = (
            [
                self._link(paths[2] if n == 2 and self.count > 2 else paths[1], target, n)
                for n, target in enumerate(paths, 1)
            ]
            if self.count > 1
            else []
        )

    @staticmethod
    def _link(here: str, target: str, number: int) -> str:
        return f'<a href="{_one_line(relative(here, target))}">{number}</a>'

    def html(self, current: int) -> Markup:
        """The pager as page ``current`` shows it (nothing for a listing of one page)."""
        if self.count < 2:
            return Markup("")
        links = self.first if current == 1 else self.rest
        return Markup(
            '<nav class="tthc-pager" aria-label="Các trang của danh sách"><span>Trang:</span>\n'
            + "".join(links[: current - 1])
            + f'<span class="tthc-pager__current" aria-current="page">{current}</span>'
            + "".join(links[current:])
            + "</nav>\n"
        )


def _sector_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages = []
    groups = []
    for sector_id, sector in sorted(
        ctx.catalog.sectors.items(), key=lambda kv: collation.sort_key(kv[1].name)
    ):
        items = ctx.by_sector.get(sector_id, [])
        if not items:
            continue
        name = sector.name
        groups.append((f"linh-vuc/{sector_id}.md", name, len(items)))
        facts = [("Bộ, ngành quản lý", sector.ministry)] if sector.ministry else []
        pages.extend(_listing(r, f"linh-vuc/{sector_id}.md", f"Lĩnh vực {name}", items, facts=facts))
    index = r.render(
        "index-list.md.j2",
        "linh-vuc/index.md",
        title="Thủ tục theo lĩnh vực",
        intro="",
        groups=[{"title": "", "links": _count_links(groups)}],
    )
    return [
        Page(
            "linh-vuc/index.md",
            "Thủ tục theo lĩnh vực",
            index,
            "Danh sách lĩnh vực thủ tục hành chính của tỉnh.",
        ),
        *pages,
    ]


def _agency_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages = []
    by_level: dict[str, list[tuple[str, str, int]]] = {}
    for agency_id, agency in sorted(
        ctx.catalog.agencies.items(), key=lambda kv: collation.sort_key(kv[1].name)
    ):
        items = ctx.by_agency.get(agency_id, [])
        if not items:
            continue
        by_level.setdefault(agency.level, []).append((f"co-quan/{agency_id}.md", agency.name, len(items)))
        facts = [("Cấp", ctx.level_name(agency.level))]
        if agency.website:
            facts.append(("Trang thông tin", agency.website))
        pages.extend(
            _listing(r, f"co-quan/{agency_id}.md", agency.name, items, facts=facts, sample=agency.sample)
        )
    groups = [
        {"title": ctx.level_name(level), "links": _count_links(by_level[level], _sample_agencies(ctx))}
        for level in ctx.catalog.levels
        if level in by_level
    ]
    index = r.render(
        "index-list.md.j2", "co-quan/index.md", title="Thủ tục theo cơ quan", intro="", groups=groups
    )
    return [
        Page(
            "co-quan/index.md",
            "Thủ tục theo cơ quan",
            index,
            "Các cơ quan giải quyết thủ tục hành chính của tỉnh.",
        ),
        *pages,
    ]


def _facet_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages = [
        page
        for level, items in ctx.by_level.items()
        for page in _listing(r, f"cap/{level}.md", f"Thủ tục {ctx.level_name(level).lower()}", items)
    ]
    pages += [
        page
        for group, items in ctx.by_group.items()
        for page in _listing(
            r, f"doi-tuong/{group}.md", f"Thủ tục dành cho {labels.APPLICANT_GROUPS[group][0].lower()}", items
        )
    ]
    pages += [
        page
        for level, items in ctx.by_online.items()
        if level != "none"
        for page in _listing(
            r, f"truc-tuyen/{level}.md", f"Dịch vụ công {labels.ONLINE_LEVELS[level].lower()}", items
        )
    ]
    return sorted(pages, key=lambda p: p.path)


def _independent_page(r: Renderer) -> Page:
    ctx = r.ctx
    lists = []
    for shown in ctx.lists:
        grouped: dict[str, list[IndependentRow]] = {}
        for entry in shown.entries:
            procedure = ctx.catalog.procedures.get(entry.code)
            if procedure is None:
                continue
            grouped.setdefault(r.sector_name(procedure.sector), []).append(
                IndependentRow(
                    entry.code,
                    procedure.name,
                    ", ".join(ctx.level_name(lv) for lv in entry.levels),
                    shown.list.entry_is_preview(entry),
                )
            )
        lists.append(
            IndependentList(
                shown.list,
                shown.entries,
                shown.preview,
                sorted(grouped.items(), key=lambda kv: collation.sort_key(kv[0])),
            )
        )
    path = "khong-phu-thuoc-dia-gioi/index.md"
    title = "Thủ tục tiếp nhận không phụ thuộc địa giới hành chính"
    return Page(
        path,
        title,
        r.render("independent.md.j2", path, lists=lists),
        "Danh mục thủ tục hành chính người dân có thể nộp hồ sơ ở bất kỳ đâu trong tỉnh.",
    )


def _service_points_page(r: Renderer) -> Page:
    ctx = r.ctx
    points = [point for point in ctx.catalog.service_points.values() if point.is_open]
    groups: list[dict[str, Any]] = []
    for level in ctx.catalog.levels:
        members = sorted((p for p in points if p.level == level), key=lambda p: collation.sort_key(p.name))
        if members:
            groups.append({"title": ctx.level_name(level), "points": members})
    path = "diem-tiep-nhan/index.md"
    return Page(
        path,
        "Điểm tiếp nhận hồ sơ",
        r.render("service-points.md.j2", path, groups=groups, sample=any(p.sample for p in points)),
        "Địa chỉ, điện thoại, giờ làm việc của các điểm tiếp nhận hồ sơ thủ tục hành chính.",
    )


def _plan_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages: list[Page] = []
    for plan in ctx.catalog.plans:
        tasks = plan.tasks
        pages.append(
            Page(
                "ke-hoach/index.md" if not pages else f"ke-hoach/{plan.id}.md",
                f"Kế hoạch {plan.number}",
                r.render(
                    "plan.md.j2",
                    "ke-hoach/index.md",
                    plan=plan,
                    as_of=ctx.as_of,
                    overdue_count=sum(t.is_overdue(ctx.as_of) for t in tasks),
                    unreported_count=sum(t.is_unreported_past_deadline(ctx.as_of) for t in tasks),
                    task_count=len(tasks),
                ),
                f"Kế hoạch {plan.number}: nhiệm vụ, cơ quan chủ trì, thời hạn và tình trạng.",
            )
        )
    if not pages:  # mkdocs.yml's navigation lists the plan page: never leave it dangling
        pages.append(
            Page(
                "ke-hoach/index.md",
                "Kế hoạch",
                "# Kế hoạch\n\n<p>Chưa có kế hoạch nào.</p>\n",
                "Kế hoạch thực hiện cơ chế một cửa, một cửa liên thông của tỉnh.",
            )
        )
    return pages


def _where_hint(r: Renderer, procedure: Procedure) -> str:
    levels = procedure.levels
    if levels == ("xa",) or (len(levels) == 1 and levels[0] != "tinh"):
        return "Trung tâm Phục vụ hành chính công xã, phường nơi bạn cư trú."
    return "Trung tâm Phục vụ hành chính công tỉnh hoặc cơ quan thực hiện."


def _procedure_page(r: Renderer, p: Procedure) -> Page:
    ctx = r.ctx
    catalog = ctx.catalog
    path = f"thu-tuc/{p.code}.md"
    independent = ctx.independent.get(p.code)
    points = catalog.service_points
    local_points = [points[i] for i in (p.local.service_points if p.local else ()) if i in points]
    point_groups = []
    if independent:
        for level in independent.levels:
            members = sorted(
                (point for point in points.values() if point.level == level and point.is_open),
                key=lambda point: collation.sort_key(point.name),
            )
            point_groups.append(
                {
                    "title": f"Các điểm tiếp nhận {ctx.level_name(level).lower()}",
                    "points": members,
                    "open": len(members) <= 5,
                }
            )
    roles = {
        "competent": p.agencies.competent,
        "authorised": p.agencies.authorised,
        "coordinating": p.agencies.coordinating,
    }
    other_agencies = [
        (labels.AGENCY_ROLES[role], "; ".join(r.agency_name(a) for a in ids))
        for role, ids in roles.items()
        if ids
    ]
    if p.agencies.external:
        other_agencies.append(("Cơ quan khác", "; ".join(p.agencies.external)))
    related = [catalog.procedures[c] for c in p.related if c in catalog.procedures]
    history = ctx.history.get(f"catalog/procedures/{p.folder}/{p.code}.yaml", [])
    step_groups = checklist.steps(p.steps)
    independent_levels = (
        ", ".join(ctx.level_name(lv).lower() for lv in independent.levels) if independent else ""
    )
    markdown = r.render(
        "procedure.md.j2",
        path,
        procedure=p,
        independent=independent,
        independent_fact=summary.independent_fact(independent),
        independent_levels=independent_levels,
        lead=summary.lead(p.name),
        online=summary.has_online_channel(p),
        times=summary.times(p),
        checklist=checklist.build(p.dossier),
        steps=step_groups,
        step_count=sum(len(g.items) for g in step_groups),
        sector=catalog.sectors.get(p.sector),
        time_summary=time_of(p),
        fee_summary=fee_of(p),
        local_points=local_points,
        local_samples=any(point.sample for point in local_points),  # (selectattr: 4 % of a page's time)
        point_groups=point_groups,
        where_hint=_where_hint(r, p),
        points_page=relative(path, "diem-tiep-nhan/index.md"),
        other_agencies=other_agencies,
        related=related,
        decision=catalog.decisions.get(p.decision),
        history=[{"date": c.date, "lines": c.lines(r.names)} for c in history[:20]],
    )
    return Page(path, p.name, markdown, describe(p, time_of(p), fee_of(p)), jsonld(ctx, p))


def describe(p: Procedure, time: str, fee: str) -> str:
    """The meta description: what, how long, how much — cut at a word under the limit."""
    text = f"{p.name} (mã {p.code}): thời hạn {time}, phí {fee.lower() if fee == 'Miễn phí' else fee}."
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    cut = text[: DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0]
    return cut + "…"


def jsonld(ctx: SiteContext, p: Procedure) -> str:
    """schema.org GovernmentService for one procedure, serialised so that no '<', '>' or '&' can
    close the surrounding <script> element."""
    catalog = ctx.catalog
    site_url = ctx.province.site.url.rstrip("/")
    agencies = [catalog.agencies.get(a) for a in p.agencies.implementing]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "identifier": p.code,
        "name": p.name,
        "serviceType": catalog.sector_name(p.sector),
        "areaServed": {"@type": "AdministrativeArea", "name": ctx.province.full_name},
        "provider": [{"@type": "GovernmentOrganization", "name": a.name} for a in agencies if a],
        "url": f"{site_url}/thu-tuc/{p.code}/",
    }
    if p.national_portal_url:
        data["availableChannel"] = {"@type": "ServiceChannel", "serviceUrl": p.national_portal_url}
    return _script_safe(json.dumps(data, ensure_ascii=False, sort_keys=True))


def _script_safe(text: str) -> str:
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
