"""The site build as MkDocs does it, with the pages made in parallel and remade one by one.

:class:`SiteBuild` runs the steps of ``mkdocs.commands.build.build`` (the same plugin events, in
the same order, on the same objects) but

- reads, renders and writes the pages in forked worker processes (``generator.workers``): each
  page is a function of the configuration, the file list and the navigation, which every worker
  inherits; the pages in the navigation are read first in the parent, as MkDocs reads every page
  before writing any, so that the navigation every page shows is the same;
- keeps everything in memory afterwards, so that ``catalog serve`` can re-render only the pages an
  edit changed (:meth:`SiteBuild.update`).

Every page's output is byte-identical to MkDocs' own build (tests/test_incremental.py).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.commands.build import (
    _build_extra_template,
    _build_page,
    _build_theme_template,
)
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page as MkPage
from mkdocs.utils import clean_directory

from .. import workers
from ..model import Procedure
from ..writing import write_text_atomic
from .context import SiteContext
from .depends import keys_read, unchanged
from .pagerender import PageRenderer
from .pages import procedure_page_path, render_index_pages
from .plugin import CatalogPlugin
from .search import search_files

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
PARALLEL_MINIMUM = 100  # pages; below, one process is faster than forking
# Pages a worker process makes before a new one is forked in its place: a worker's memory grows
# with the pages it makes (what it touches of the parent's becomes its own copy), and 10,000
# procedures in two long-lived workers held 400 MB each (docs/dev/speed.md).
RECYCLE_PAGES = 1000


@dataclass
class Changes:
    """What one :meth:`SiteBuild.update` re-rendered."""

    pages: list[str] = field(default_factory=list)  # page sources written again
    files: list[str] = field(default_factory=list)  # other generated files written again
    full: bool = False  # everything was rebuilt


class SiteBuild:
    def __init__(
        self,
        config: MkDocsConfig,
        *,
        progress: Progress | None = None,
        parallel: bool = True,
        moved: Callable[[str, str], None] | None = None,
    ) -> None:
        """``moved(old, new)``: given, every build after the first writes into a new folder beside
        the old one and then calls it (catalog serve switches to the new folder, so that no page
        goes missing while the whole site is made again)."""
        self.config = config
        self.progress = progress
        self.parallel = parallel
        self.moved = moved
        # the new folders' names: the first one's and mkdtemp's suffix (not the previous one's, which
        # grew by 9 characters a rebuild until the system refused the name)
        self.folder_prefix = f"{Path(config.site_dir).name}-"
        plugin = config.plugins.get("catalog")
        if not isinstance(plugin, CatalogPlugin):
            raise ValueError("the configuration does not use the catalog plugin")
        self.plugin = plugin
        self.files: Files | None = None
        self.nav: Navigation | None = None
        self.env: Any = None
        self.renderer: PageRenderer | None = None  # reads and renders pages with one Markdown instance
        self.markdown: dict[
            str, tuple[str, str, str, str]
        ] = {}  # index page source → (markdown, title, description, jsonld)
        self.in_nav: set[str] = set()  # the pages in the navigation
        self.index_keys: set[str] | None = None  # what the index pages read of a procedure

    # -- the full build ----------------------------------------------------------------------------

    def build(self) -> None:
        """The whole site into ``config.site_dir`` (mkdocs.commands.build.build, pages in parallel)."""
        if self.moved is None or self.files is None:
            self._build()
            return
        old = self.config.site_dir
        self.config.site_dir = tempfile.mkdtemp(prefix=self.folder_prefix, dir=Path(old).parent)
        try:
            self._build()
        except BaseException:
            shutil.rmtree(self.config.site_dir, ignore_errors=True)
            self.config.site_dir = old
            raise
        self.moved(old, self.config.site_dir)

    def _build(self) -> None:
        config = self.config.plugins.on_config(self.config)
        self.config = config
        config.plugins.on_pre_build(config=config)
        clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        pages = self._pages(files)
        self.in_nav = {page.file.src_uri for page in nav.pages}
        self.renderer = renderer = PageRenderer(config, files)
        for page in nav.pages:  # what the navigation shows: read before any page is written
            renderer.populate(page)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(inclusion=InclusionLevel.is_included)
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
        self.files, self.nav, self.env = files, nav, env
        self._write_pages(pages, release=True)
        config.plugins.on_post_build(config=config)
        self.markdown = self._snapshot()

    def _pages(self, files: Files) -> list[MkPage]:
        pages = []
        for file in files.documentation_pages(inclusion=InclusionLevel.is_included):
            if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
                MkPage(None, file, self.config)
            assert file.page is not None
            pages.append(file.page)
        return pages

    def _write_pages(self, pages: list[MkPage], *, release: bool) -> None:
        assert self.files is not None and self.renderer is not None
        doc_files = self.files.documentation_pages(inclusion=InclusionLevel.is_included)
        total = len(pages)
        renderer = self.renderer
        self.plugin.shared.clear()  # what the navigation shows may have changed since (serve)

        def one(index: int) -> None:
            page = pages[index]
            renderer.populate(page)
            _build_page(page, self.config, doc_files, self.nav, self.env)  # type: ignore[arg-type]
            if release and page.file.src_uri not in self.in_nav:
                page.content = None  # a worker keeps only what the next pages need
                page.markdown = ""
                self.plugin.forget(page.file.src_uri)

        indexes = list(range(total))
        if self.parallel and total >= PARALLEL_MINIMUM and workers.available():
            # A page of each kind made here first (the first page; the first procedure page): the
            # templates they use that nothing has used yet (Material's partials of a page's
            # content, procedure.md.j2) are compiled once, here, instead of in every worker forked.
            lazy = next((i for i in indexes if pages[i].file.src_uri in self.plugin.lazy), None)
            first = sorted({indexes[0], *([] if lazy is None else [lazy])})
            for done, index in enumerate(first, 1):
                one(index)
                self._report(done, total)
            rest = [i for i in indexes if i not in first]
            # fork_map yields per page as results arrive in order; the parent keeps nothing
            for done, _ in enumerate(workers.fork_map(one, rest, recycle=RECYCLE_PAGES), len(first) + 1):
                self._report(done, total)
        else:
            for done, index in enumerate(indexes, 1):
                one(index)
                self._report(done, total)

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _snapshot(self) -> dict[str, tuple[str, str, str, str]]:
        """What each generated page is made of, to tell later which pages an edit changed."""
        context = self.plugin.context
        assert context is not None
        return {path: (p.markdown, p.title, p.description, p.jsonld) for path, p in self.plugin.pages.items()}

    # -- the incremental build ---------------------------------------------------------------------

    def update(
        self,
        context: SiteContext,
        changed_codes: Iterable[str] | None,
        publish: Callable[[], None] | None = None,
    ) -> Changes:
        """Bring the built site up to ``context`` (the catalog validated again after an edit).

        ``changed_codes``: the procedures whose files changed, when only procedure files changed
        (None: anything else changed, e.g. sectors.yaml, so every page may have). Re-rendered, in
        two steps: first the pages of those procedures and of the procedures that name them as
        related (then ``publish()``: the edited page can be served), then every index page (home,
        listings, lists) whose Markdown changed, and the search data if it changed."""
        old = self.plugin.context
        old_paths = self.plugin.paths()
        old_index = dict(self.plugin.pages)
        self.plugin.set_context(context, index=False)
        self.plugin.pages = old_index  # the index pages as they were, until step two
        if changed_codes is None or old is None or self.plugin.paths() != old_paths or self.files is None:
            self.build()
            return Changes(full=True)
        codes = set(changed_codes)
        # a procedure page shows the names of its related procedures, and its file's history
        wanted = sorted(
            {
                procedure_page_path(p)
                for p in context.procedures
                if p.code in codes
                or codes & set(p.related)
                or context.history.get(_history_key(p)) != old.history.get(_history_key(p))
            }
        )
        changes = Changes(pages=wanted)
        self._write_pages([self._page(path) for path in wanted], release=False)
        for path in wanted:
            self.plugin.forget(path)
        if publish is not None:
            publish()
        if self.index_keys is not None:  # step two, unless the edit left what the index pages read
            before = {p.code: p for p in old.procedures}
            after = {p.code: p for p in context.procedures}
            if all(unchanged(self.index_keys, before.get(code), after.get(code)) for code in codes):
                return changes
        self.plugin.set_context(context)  # step two: the index pages
        if set(self.plugin.pages) != set(old_index):
            self.build()
            return Changes(full=True)
        index = sorted(
            path
            for path, page in self.plugin.pages.items()
            if self.markdown.get(path) != (page.markdown, page.title, page.description, page.jsonld)
        )
        # A page of the navigation shows on every page through its title, its place and a few of its
        # meta fields (Material's nav, tabs, footer): when one of those changed, every page is made
        # again; when only its content did (a procedure's new name on the service points page), it
        # is rewritten alone.
        shown = {path: _shown_in_nav(self._page(path)) for path in index if path in self.in_nav}
        self._write_pages([self._page(path) for path in index], release=False)
        if any(_shown_in_nav(self._page(path)) != before for path, before in shown.items()):
            self.build()
            return Changes(full=True)
        self.markdown = self._snapshot()
        changes.pages += index
        for path, content in self.plugin.search_files(self.config).items():
            file = self.files.get_file_from_path(path)
            if file is None or file.content_string == content:
                continue
            file.content_string = content
            write_text_atomic(Path(file.abs_dest_path), content)
            changes.files.append(path)
        return changes

    def prepare_updates(self) -> None:
        """Find which procedure fields the index pages and the search data read (generator.site.depends),
        so that an edit of anything else re-renders only the procedure's own page."""
        context = self.plugin.context
        assert context is not None
        docs_dir = Path(self.config.docs_dir)
        paths = self.plugin.paths()

        def render(watched: SiteContext) -> object:
            return render_index_pages(watched), search_files(watched, docs_dir, paths)

        self.index_keys = keys_read(context, render)

    def _page(self, path: str) -> MkPage:
        assert self.files is not None
        file = self.files.get_file_from_path(path)
        assert file is not None and file.page is not None
        return file.page


def _shown_in_nav(page: MkPage) -> tuple[object, ...]:
    """What other pages show of a page of the navigation (Material: title, icon, subtitle, status)."""
    return (page.title, *(page.meta.get(key) for key in ("icon", "subtitle", "status")))


def _history_key(procedure: Procedure) -> str:
    """The key of the procedure's file in the site's history (as its page reads it)."""
    return f"catalog/procedures/{procedure.folder}/{procedure.code}.yaml"
