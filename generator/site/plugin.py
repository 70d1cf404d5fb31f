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

from markupsafe import Markup
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from ..validation import textrules
from ..diagnostics import render_text
from ..validation.validate import validate_catalog_cached
from .context import SiteContext, build_context, commit_date, git_history
from .pages import Page, join_blocks, render_pages, split_blocks
from .search import search_files


class CatalogConfig(Config):  # type: ignore[no-untyped-call]
    catalog = config_options.Type(str, default="catalog")
    preview = config_options.Type(bool, default=False)
    # For tests of the second line of defence only: build even though text holds markup or script
    # links (the validator's text rules), to prove the renderer neutralises them anyway.
    permissive = config_options.Type(bool, default=False)


class CatalogPlugin(BasePlugin[CatalogConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.blocks: dict[str, list[str]] = {}
        self.context: SiteContext | None = None

    def catalog_dir(self, config: MkDocsConfig) -> Path:
        return (Path(config.config_file_path).parent / self.config.catalog).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self.catalog_dir(config)
        result = validate_catalog_cached(root)
        problems = [d for d in result.diagnostics
                    if not (self.config.permissive and d.code in textrules.CODES)]
        if problems:
            raise PluginError("the catalog has problems; fix them and build again:\n" +
                              render_text(problems))
        province = result.model.province
        site = province.site if province else None
        # Material prints the site name and description into attributes without escaping them.
        # (as Markup, so that the places that do escape, with |e, do not escape twice)
        config.site_name = Markup.escape(site.title if site else config.site_name)
        config.site_description = Markup.escape(site.description if site else config.site_description or "")
        if not config.site_url and site and site.url:
            config.site_url = site.url
        as_of = os.environ.get("CATALOG_AS_OF") or commit_date(root) or "1970-01-01"
        preview = self.config.preview or os.environ.get("CATALOG_PREVIEW") == "1"
        context = build_context(result.model, preview=preview, as_of=as_of,
                                history=git_history(root))
        self.pages = {page.path: page for page in render_pages(context)}
        self.context = context
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for page in self.pages.values():
            existing = files.get_file_from_path(page.path)
            if existing is not None:
                files.remove(existing)
            skeleton, blocks = split_blocks(page.markdown)
            self.blocks[page.path] = blocks
            files.append(File.generated(config, page.path, content=skeleton))
        if self.context is not None:  # the procedure search's payload (generator.site.search)
            for path, content in search_files(self.context, Path(config.docs_dir), self.pages).items():
                files.append(File.generated(config, path, content=content))
        return files

    def on_page_markdown(self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            # Material prints these without escaping: escape them here.
            if generated.path != "index.md":  # the home page's title is the site's name alone
                page.meta["title"] = Markup.escape(generated.title)  # not catalog data (MkDocs' page)
            page.meta["description"] = Markup.escape(generated.description)  # not catalog data
            if generated.jsonld:
                page.meta["jsonld"] = generated.jsonld
        return markdown

    def on_page_content(self, html_text: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.get(page.file.src_uri)
        return join_blocks(html_text, blocks) if blocks else html_text

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self.catalog_dir(config)))
        return server
