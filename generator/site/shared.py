"""Blocks of Material's page template that are the same on many pages, rendered once per build.

With ``navigation.tabs``, Material renders the tabs and the sidebar navigation on every page; on a
page that is not in the navigation (every procedure page) they depend on nothing of the page but
its place, and on which navigation items are active (none). ``site_overrides/main.html`` wraps
those blocks::

    {% block tabs %}{% call catalog_shared("tabs") %}{{ super() }}{% endcall %}…{% endblock %}

and :meth:`SharedBlocks.block` renders the block (``caller()``) only when no earlier page of the
build had the same inputs. The inputs, exactly:

- what the build holds constant: the configuration, the theme, the navigation's items (their
  titles, addresses, meta) — the cache is emptied for every build and before every re-render of
  ``catalog serve`` (:meth:`SharedBlocks.clear`);
- which navigation items are active (part of the key);
- ``base_url`` (part of the key) and every address the block passes through MkDocs' ``url``
  filter, which makes it relative to the page: while a block is rendered, each of its ``url``
  calls is recorded (the value and its result), and a later page reuses the block only if each
  of those values gives the same result on it (so an address under the page's own folder, which
  only that page would write differently, is never shared wrongly);
- what the template passes after the block's name (``page.toc``, ``page.meta.hide`` for the
  sidebars), compared by value;
- the page itself only through ``page == item`` / ``page in items`` tests of the navigation's
  partials, all false for a page that is not in the navigation: pages in the navigation are
  always rendered (and so is any page rendered with a ``url`` call from another page's context).

tests/test_incremental.py builds a site with and without sharing and compares every file; the whole
site at 2,000 procedures and the real catalog's were compared with ``diff -r`` against a build
without it (docs/dev/speed.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import Environment, Undefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.structure.nav import Navigation
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import normalize_url

Recorded = tuple[tuple[str, str], ...]  # (value given to `url`, its result), in call order
MAX_VARIANTS = 8  # renderings kept per key that differ by their addresses (each is tried in turn)


_ANCHOR_FIELDS = {"title", "id", "level", "children"}


class _Unshareable(Exception):
    """A value the key cannot hold exactly: the block is rendered for this page alone."""


class SharedBlocks:
    def __init__(self) -> None:
        self.enabled = True
        self._entries: dict[tuple[Any, ...], list[tuple[Recorded, Markup]]] = {}
        self._nav_sources: frozenset[str] = frozenset()
        self._nav: Navigation | None = None
        self._items: list[Any] = []
        self._recording: list[_Recording] = []
        self._urls_page: Any = None
        self._urls: dict[str, str] = {}  # value → normalize_url(value, page, base_url) for _urls_page
        self.hits = self.misses = 0

    def install(self, env: Environment, nav: Navigation) -> None:
        """Use ``env`` (a build's theme environment) for the build of ``nav``."""
        self.clear()
        self._nav = nav
        self._nav_sources = frozenset(page.file.src_uri for page in nav.pages)
        self._items = list(_walk(nav.items))  # every item of the navigation, sections' children too
        url = env.filters["url"]  # not catalog data: the theme environment's filter table
        if getattr(url, "_catalog_recording", False):
            return  # installed in this environment already
        recording = self._recording

        @pass_context
        def url_filter(context: Context, value: str) -> str:
            result: str = url(context, value)
            for record in recording:
                if context.get("page") is record.page and context.get("base_url") == record.base_url:
                    record.calls.append((str(value), result))
                else:  # an address made for another page than the one whose block is rendered
                    record.shareable = False
            return result

        url_filter._catalog_recording = True  # type: ignore[attr-defined]
        env.filters["url"] = url_filter
        env.globals["catalog_shared"] = self.block

    def clear(self) -> None:
        self._entries.clear()
        self._urls_page, self._urls = None, {}

    @pass_context
    def block(self, context: Context, name: str, *values: Any, caller: Callable[[], str]) -> Markup:
        page = context.get("page")
        base_url = context.get("base_url")
        if (
            not self.enabled
            or self._nav is None
            or page is None
            or page.file.src_uri in self._nav_sources
            or not isinstance(base_url, str)
        ):
            return Markup(caller())
        try:
            active = tuple([bool(getattr(item, "active", False)) for item in self._items])
            key = (name, base_url, active, *(_freeze(v) for v in values))
        except _Unshareable:
            return Markup(caller())
        entries = self._entries.setdefault(key, [])
        if self._urls_page is not page:  # the page's addresses, made once for all its blocks
            self._urls_page, self._urls = page, {}
        urls = self._urls
        for calls, html in entries:
            for value, result in calls:
                made = urls.get(value)
                if made is None:
                    made = urls[value] = normalize_url(value, page, base_url)
                if made != result:
                    break
            else:
                self.hits += 1
                return html
        self.misses += 1
        record = _Recording(page, base_url)
        self._recording.append(record)
        try:
            html = Markup(caller())
        finally:
            self._recording.remove(record)
        if record.shareable and len(entries) < MAX_VARIANTS:
            entries.append((tuple(record.calls), html))
        return html


class _Recording:
    """The ``url`` calls of a block being rendered for ``page``."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.calls: list[tuple[str, str]] = []
        self.shareable = True


def _walk(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk(getattr(item, "children", None) or [])


def _freeze(value: Any) -> Any:
    """``value`` as a hashable key that is equal only for values that print the same."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return (type(value), value)  # Markup and str print differently
    if isinstance(value, Undefined):
        return (Undefined,)
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_freeze(v) for v in value))
    if isinstance(value, TableOfContents):
        return (TableOfContents, tuple(_freeze(v) for v in value.items))
    if type(value) is AnchorLink:
        fields = vars(value)
        if fields.keys() == _ANCHOR_FIELDS:  # as MkDocs makes it (nothing added by a plugin)
            title, level = value.title, value.level
            children = tuple([_freeze(child) for child in value.children])
            return (AnchorLink, type(title), title, value.id, type(level), level, children)
        return (AnchorLink, tuple((k, _freeze(v)) for k, v in sorted(fields.items())))
    raise _Unshareable(type(value).__name__)
