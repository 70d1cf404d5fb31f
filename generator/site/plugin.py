"""The MkDocs plugin (``plugins: [catalog]`` in mkdocs.yml): hands the catalog's pages to MkDocs.

The only module that knows MkDocs. On every build (and every live-reload rebuild of
``catalog serve``) it validates the catalog, refuses to build a catalog with problems, renders the
pages (generator.site.pages) and adds them as in-memory files. Options: ``catalog`` (the folder,
relative to mkdocs.yml) and ``preview`` (show drafts and proposed items).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.utils import LRUCache
from markupsafe import Markup
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage

from ..diagnostics import render_text
from ..model import Catalog, Procedure
from ..validation import textrules
from ..validation.validate import validate_catalog_cached
from .context import SiteContext, build_context, commit_date, git_history
from .pages import (
    Headings,
    Page,
    join_blocks,
    procedure_page_path,
    render_index_pages,
    render_procedure_pages,
    split_blocks,
)
from .search import search_files
from .shared import SharedBlocks


class CatalogConfig(Config):  # type: ignore[no-untyped-call]
    catalog = config_options.Type(str, default="catalog")
    preview = config_options.Type(bool, default=False)
    # For tests of the second line of defence only: build even though text holds markup or script
    # links (the validator's text rules), to prove the renderer neutralises them anyway.
    permissive = config_options.Type(bool, default=False)


class CatalogPlugin(BasePlugin[CatalogConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.blocks: dict[str, Headings] = {}
        self.context: SiteContext | None = None
        # Procedure pages are rendered when MkDocs reads them (so that the build's worker processes
        # render them in parallel, and serve renders only the pages that changed).
        self.lazy: dict[str, Procedure] = {}
        # Material's blocks that are the same on many pages (navigation, tabs), rendered once.
        self.shared = SharedBlocks()
        self._nav: Navigation | None = None

    def catalog_dir(self, config: MkDocsConfig) -> Path:
        return (Path(config.config_file_path).parent / self.config.catalog).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self.catalog_dir(config)
        result = validate_catalog_cached(root)
        problems = [
            d for d in result.diagnostics if not (self.config.permissive and d.code in textrules.CODES)
        ]
        if problems:
            raise PluginError("the catalog has problems; fix them and build again:\n" + render_text(problems))
        province = result.model.province
        site = province.site if province else None
        # Material prints the site name and description into attributes without escaping them.
        # (as Markup, so that the places that do escape, with |e, do not escape twice)
        config.site_name = Markup.escape(site.title if site else config.site_name)
        config.site_description = Markup.escape(site.description if site else config.site_description or "")
        if not config.site_url and site and site.url:
            config.site_url = site.url
        self.set_context(self.context_for(result.model, root))
        return config

    def context_for(self, catalog: Catalog, root: Path) -> SiteContext:
        """What the pages are made from, for the validated (typed) ``catalog`` at ``root``."""
        as_of = os.environ.get("CATALOG_AS_OF") or commit_date(root) or "1970-01-01"
        preview = self.config.preview or os.environ.get("CATALOG_PREVIEW") == "1"
        return build_context(catalog, preview=preview, as_of=as_of, history=git_history(root))

    def set_context(self, context: SiteContext, *, index: bool = True) -> None:
        """The pages of ``context``: the index pages rendered now (unless not ``index``), the
        procedure pages when read."""
        self.context = context
        self.pages = {page.path: page for page in render_index_pages(context)} if index else {}
        self.lazy = {procedure_page_path(p): p for p in context.procedures}
        self.blocks = {}

    def paths(self) -> list[str]:
        """Every generated page's source path, index pages first."""
        return [*self.pages, *(path for path in self.lazy if path not in self.pages)]

    def page(self, path: str) -> Page | None:
        page = self.pages.get(path)
        if page is None and path in self.lazy and self.context is not None:
            page = render_procedure_pages(self.context, [self.lazy[path]])[0]
            self.pages[path] = page
        return page

    def forget(self, path: str) -> None:
        """Drop a rendered procedure page once MkDocs has written it (the workers' memory)."""
        if path in self.lazy:
            self.pages.pop(path, None)
        self.blocks.pop(path, None)

    def search_files(self, config: MkDocsConfig) -> dict[str, str]:
        """The procedure search's index and lunr.js (generator.site.search)."""
        if self.context is None:
            return {}
        return search_files(self.context, Path(config.docs_dir), self.paths())

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for path in self.paths():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, path, content=""))  # the source: on_page_read_source
        for path, content in self.search_files(config).items():
            files.append(File.generated(config, path, content=content))
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self._nav = nav
        return nav

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        if self._nav is not None:
            self.shared.install(env, self._nav)
        if isinstance(env.cache, LRUCache):
            # The theme's templates in a plain dict (Jinja's cache_size=-1): each page looks up some
            # forty templates, and an LRU lookup moves the name to the end of a queue (O(n), locked).
            # MkDocs' environment never reloads a template during a build (auto_reload=False).
            env.cache = dict(env.cache.items())
        return env

    def on_page_read_source(self, page: MkPage, config: MkDocsConfig) -> str | None:
        generated = self.page(page.file.src_uri)
        if generated is None:
            return None
        headings = Headings.of(generated.markdown)
        self.blocks[generated.path] = headings
        return headings.markdown

    def on_page_markdown(self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        generated = self.page(page.file.src_uri)
        if generated is not None:
            # Material prints these without escaping: escape them here.
            if generated.path != "index.md":  # the home page's title is the site's name alone
                page.meta["title"] = Markup.escape(generated.title)  # not catalog data (MkDocs' page)
            page.meta["description"] = Markup.escape(generated.description)  # not catalog data
            if generated.jsonld:
                page.meta["jsonld"] = generated.jsonld
        return markdown

    def on_page_content(self, html_text: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        headings = self.blocks.get(page.file.src_uri)
        if headings is None:
            return html_text
        joined = headings.join(html_text)
        if joined is not None:
            return joined
        # Not one line per heading: the page again, each block as a placeholder paragraph.
        page.markdown, blocks = split_blocks(headings.source)
        page.render(config, files)
        assert page.content is not None
        return join_blocks(page.content, blocks) if blocks else page.content

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self.catalog_dir(config)))
        return server
