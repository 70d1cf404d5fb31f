"""The site's pages as Markdown sources with HTML blocks, rendered from the catalog with Jinja.

Pure: ``render_pages(context)`` returns every generated page; nothing here knows MkDocs. Text from
the catalog is HTML-escaped by Jinja's autoescape; links between pages are computed relative to
each page, as MkDocs would with directory URLs (``thu-tuc/1.001193.md`` → ``thu-tuc/1.001193/``).
"""

from __future__ import annotations

import builtins
import json
import posixpath
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..model import ListEntry, LocationIndependentList, Procedure
from ..model import entities as m
from . import labels, markup
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


def url_of(path: str) -> str:
    """The directory URL MkDocs gives a page source: 'a/b.md' → 'a/b/', 'a/index.md' → 'a/'."""
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_path: str, to_path: str) -> str:
    base = url_of(from_path) or "."
    target = url_of(to_path) or "."
    rel = posixpath.relpath(target, base)
    return "./" if rel == "." else rel + "/"


def _one_line(value: Any) -> Any:
    """Every plain value a template prints, escaped and kept on its line: a line break in catalog
    text would let the next line start a line of the page, where split_blocks reads '# …' as a
    Markdown heading (attribute lists and links included). '&#10;' renders as the line break did."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(str(escape(value)).replace("\n", "&#10;").replace("\r", "&#13;"))
    return value


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("generator.site", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_one_line)
    env.filters.update(date_vi=labels.date_vi, duration=labels.duration, fee=labels.fee, lines=markup.lines,
                       paragraphs=markup.block, rich=markup.inline, heading=markup.heading)
    env.globals.update(channels=labels.CHANNELS, online_levels=labels.ONLINE_LEVELS,
                       online_short=labels.ONLINE_SHORT, applicants=labels.APPLICANTS,
                       statuses=labels.STATUSES, procedure_types=labels.PROCEDURE_TYPES,
                       task_statuses=labels.TASK_STATUSES)
    return env


class Renderer:
    def __init__(self, context: SiteContext) -> None:
        self.ctx = context
        self.env = _environment()

    def render(self, template: str, path: str, **values: Any) -> str:
        def link(target: str) -> str:
            return relative(path, target)

        return self.env.get_template(template).render(ctx=self.ctx, link=link, agency_name=self.agency_name,
                                                      levels_of=self.levels_of, time_of=time_of,
                                                      fee_of=fee_of, **values)

    def agency_name(self, agency_id: str) -> str:
        return self.ctx.catalog.agency_name(agency_id)

    def sector_name(self, sector_id: str) -> str:
        return self.ctx.catalog.sector_name(sector_id)

    def levels_of(self, procedure: Procedure) -> str:
        return ", ".join(self.ctx.level_name(level) for level in procedure.levels)


def time_of(procedure: Procedure) -> str:
    """The processing time as one phrase: the in-person channel's, else the first channel's."""
    channels = procedure.channels
    if not channels:
        return "Không quy định"
    chosen = next((c for c in channels if c.channel == m.ChannelKind.IN_PERSON), channels[0])
    return labels.duration(chosen.processing_time)


def fee_of(procedure: Procedure) -> str:
    fees = [f for c in procedure.channels for f in c.fees]
    return labels.fee_summary(fees + list(procedure.local.fees if procedure.local else ()))


def render_pages(context: SiteContext) -> list[Page]:
    renderer = Renderer(context)
    pages = [_home(renderer)]
    pages += _sector_pages(renderer)
    pages += _agency_pages(renderer)
    pages += _facet_pages(renderer)
    pages.append(_independent_page(renderer))
    pages.append(_service_points_page(renderer))
    pages += _plan_pages(renderer)
    pages += [_procedure_page(renderer, p) for p in context.procedures]
    return pages


def _count_links(items: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    return [{"path": path, "title": title, "count": count} for path, title, count in items]


def _home(r: Renderer) -> Page:
    ctx = r.ctx
    sectors = sorted(((f"linh-vuc/{s}.md", r.sector_name(s), len(v)) for s, v in ctx.by_sector.items()),
                     key=lambda t: (-t[2], t[1]))
    agencies = sorted(((f"co-quan/{a}.md", r.agency_name(a), len(v)) for a, v in ctx.by_agency.items()),
                      key=lambda t: (-t[2], t[1]))
    levels = [(f"cap/{lv}.md", ctx.level_name(lv), len(ctx.by_level[lv])) for lv in ctx.catalog.levels
              if lv in ctx.by_level]
    groups = [(f"doi-tuong/{g}.md", labels.APPLICANT_GROUPS[g][0], len(ctx.by_group[g]))
              for g in labels.APPLICANT_GROUPS if g in ctx.by_group]
    online = [(f"truc-tuyen/{o}.md", labels.ONLINE_LEVELS[o], len(ctx.by_online[o]))
              for o in ("full", "partial") if o in ctx.by_online]
    markdown = r.render("home.md.j2", "index.md", province=ctx.province, total=len(ctx.listed),
                        sectors=_count_links(sectors), agencies=_count_links(agencies[:30]),
                        levels=_count_links(levels), groups=_count_links(groups), online=_count_links(online),
                        independent_count=len(ctx.independent))
    return Page("index.md", ctx.province.site.title, markdown, ctx.province.site.description)


def _listing(r: Renderer, path: str, title: str, items: list[Procedure], **extra: Any) -> Page:
    extra.setdefault("intro", "")
    extra.setdefault("facts", [])
    extra.setdefault("sample", False)
    markdown = r.render("listing.md.j2", path, title=title, items=items, **extra)
    return Page(path, title, markdown, f"{title}: {len(items)} thủ tục hành chính.")


def _sector_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages = []
    groups = []
    for sector_id, sector in sorted(ctx.catalog.sectors.items(), key=lambda kv: kv[1].name):
        items = ctx.by_sector.get(sector_id, [])
        if not items:
            continue
        name = sector.name
        groups.append((f"linh-vuc/{sector_id}.md", name, len(items)))
        facts = [("Bộ, ngành quản lý", sector.ministry)] if sector.ministry else []
        pages.append(_listing(r, f"linh-vuc/{sector_id}.md", f"Lĩnh vực {name}", items, facts=facts))
    index = r.render("index-list.md.j2", "linh-vuc/index.md", title="Thủ tục theo lĩnh vực", intro="",
                     groups=[{"title": "", "links": _count_links(groups)}])
    return [Page("linh-vuc/index.md", "Thủ tục theo lĩnh vực", index,
                 "Danh sách lĩnh vực thủ tục hành chính của tỉnh."), *pages]


def _agency_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages = []
    by_level: dict[str, list[tuple[str, str, int]]] = {}
    for agency_id, agency in sorted(ctx.catalog.agencies.items(), key=lambda kv: kv[1].name):
        items = ctx.by_agency.get(agency_id, [])
        if not items:
            continue
        by_level.setdefault(agency.level, []).append((f"co-quan/{agency_id}.md", agency.name, len(items)))
        facts = [("Cấp", ctx.level_name(agency.level))]
        if agency.website:
            facts.append(("Trang thông tin", agency.website))
        pages.append(_listing(r, f"co-quan/{agency_id}.md", agency.name, items, facts=facts,
                              sample=agency.sample))
    groups = [{"title": ctx.level_name(level), "links": _count_links(by_level[level])}
              for level in ctx.catalog.levels if level in by_level]
    index = r.render("index-list.md.j2", "co-quan/index.md", title="Thủ tục theo cơ quan", intro="",
                     groups=groups)
    return [Page("co-quan/index.md", "Thủ tục theo cơ quan", index,
                 "Các cơ quan giải quyết thủ tục hành chính của tỉnh."), *pages]


def _facet_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages = [_listing(r, f"cap/{level}.md", f"Thủ tục {ctx.level_name(level).lower()}", items)
             for level, items in ctx.by_level.items()]
    pages += [_listing(r, f"doi-tuong/{group}.md", f"Thủ tục dành cho {labels.APPLICANT_GROUPS[group][0].lower()}",
                       items) for group, items in ctx.by_group.items()]
    pages += [_listing(r, f"truc-tuyen/{level}.md", f"Dịch vụ công {labels.ONLINE_LEVELS[level].lower()}", items)
              for level, items in ctx.by_online.items() if level != "none"]
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
            grouped.setdefault(r.sector_name(procedure.sector), []).append(IndependentRow(
                entry.code, procedure.name, ", ".join(ctx.level_name(lv) for lv in entry.levels),
                shown.list.entry_is_preview(entry)))
        lists.append(IndependentList(shown.list, shown.entries, shown.preview, sorted(grouped.items())))
    path = "khong-phu-thuoc-dia-gioi/index.md"
    title = "Thủ tục tiếp nhận không phụ thuộc địa giới hành chính"
    return Page(path, title, r.render("independent.md.j2", path, lists=lists),
                "Danh mục thủ tục hành chính người dân có thể nộp hồ sơ ở bất kỳ đâu trong tỉnh.")


def _service_points_page(r: Renderer) -> Page:
    ctx = r.ctx
    points = [point for point in ctx.catalog.service_points.values() if point.is_open]
    groups: list[dict[str, Any]] = []
    for level in ctx.catalog.levels:
        members = sorted((p for p in points if p.level == level), key=lambda p: p.name)
        if members:
            groups.append({"title": ctx.level_name(level), "points": members})
    path = "diem-tiep-nhan/index.md"
    return Page(path, "Điểm tiếp nhận hồ sơ",
                r.render("service-points.md.j2", path, groups=groups,
                         sample=any(p.sample for p in points)),
                "Địa chỉ, điện thoại, giờ làm việc của các điểm tiếp nhận hồ sơ thủ tục hành chính.")


def _plan_pages(r: Renderer) -> list[Page]:
    ctx = r.ctx
    pages: list[Page] = []
    for plan in ctx.catalog.plans:
        tasks = plan.tasks
        pages.append(Page("ke-hoach/index.md" if not pages else f"ke-hoach/{plan.id}.md",
                          f"Kế hoạch {plan.number}",
                          r.render("plan.md.j2", "ke-hoach/index.md", plan=plan, as_of=ctx.as_of,
                                   overdue_count=sum(t.is_overdue(ctx.as_of) for t in tasks),
                                   task_count=len(tasks)),
                          f"Kế hoạch {plan.number}: nhiệm vụ, cơ quan chủ trì, thời hạn và tình trạng."))
    if not pages:  # mkdocs.yml's navigation lists the plan page: never leave it dangling
        pages.append(Page("ke-hoach/index.md", "Kế hoạch", "# Kế hoạch\n\n<p>Chưa có kế hoạch nào.</p>\n",
                          "Kế hoạch thực hiện cơ chế một cửa, một cửa liên thông của tỉnh."))
    return pages


def _where_hint(r: Renderer, procedure: Procedure) -> str:
    levels = procedure.levels
    if levels == ("xa",) or (len(levels) == 1 and levels[0] != "tinh"):
        return "Nộp tại Trung tâm Phục vụ hành chính công xã, phường nơi bạn cư trú."
    return "Nộp tại Trung tâm Phục vụ hành chính công tỉnh hoặc cơ quan thực hiện."


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
            members = sorted((point for point in points.values() if point.level == level and point.is_open),
                             key=lambda point: point.name)
            point_groups.append({"title": f"Các điểm tiếp nhận {ctx.level_name(level).lower()}",
                                 "points": members, "open": len(members) <= 5})
    roles = {"competent": p.agencies.competent, "authorised": p.agencies.authorised,
             "coordinating": p.agencies.coordinating}
    other_agencies = [(labels.AGENCY_ROLES[role], "; ".join(r.agency_name(a) for a in ids))
                      for role, ids in roles.items() if ids]
    if p.agencies.external:
        other_agencies.append(("Cơ quan khác", "; ".join(p.agencies.external)))
    related = [catalog.procedures[c] for c in p.related if c in catalog.procedures]
    history = ctx.history.get(f"catalog/procedures/{p.folder}/{p.code}.yaml", [])
    markdown = r.render("procedure.md.j2", path, procedure=p, independent=independent,
                        sector=catalog.sectors.get(p.sector), time_summary=time_of(p), fee_summary=fee_of(p),
                        local_points=local_points, point_groups=point_groups, where_hint=_where_hint(r, p),
                        points_page=relative(path, "diem-tiep-nhan/index.md"),
                        other_agencies=other_agencies, related=related,
                        decision=catalog.decisions.get(p.decision), history=history[:20],
                        quantity=quantity)
    return Page(path, p.name, markdown, describe(p, time_of(p), fee_of(p)), jsonld(ctx, p))


def quantity(document: m.Document) -> str:
    if document.originals is not None or document.copies is not None:
        parts = []
        if document.originals:
            parts.append(f"{document.originals} bản chính")
        if document.copies:
            parts.append(f"{document.copies} bản sao")
        return ", ".join(parts) or "Xuất trình, không phải nộp bản giấy"
    return document.quantity_text or ""


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

