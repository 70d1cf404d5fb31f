"""MkDocs' reading and rendering of one page (``mkdocs.commands.build._populate_page`` and
``Page.render``), with one Python-Markdown instance per build instead of one per page.

MkDocs makes a new ``markdown.Markdown`` for every page: the extensions are loaded and
configured, every processor and pattern made and registered again (about a fifth of the page's
Markdown time here, where a page's Markdown is only its headings). Python-Markdown's own way of
converting many documents is one instance, ``reset()`` between them: it clears the HTML stash, the
references and every extension's state that has a ``reset`` (the table of contents). MkDocs'
four per-page processors are made for each page as ``Page.render`` makes them and registered
under their names, which replaces the previous page's (same priorities, same order: they are
registered last, after the extensions', as in a new instance).

The pages come out byte-identical to MkDocs' own build (tests/test_incremental.py builds a site
both ways and compares every file).
"""

from __future__ import annotations

import logging

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import (
    Page,
    _ExtractAnchorsTreeprocessor,
    _ExtractTitleTreeprocessor,
    _RawHTMLPreprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.toc import get_toc

log = logging.getLogger("mkdocs.commands.build")  # MkDocs' messages, as its build logs them
_pages_log = logging.getLogger("mkdocs.structure.pages")  # what Page.render asks


class PageRenderer:
    """Reads and renders pages of one build (``config``, ``files``) with one Markdown instance."""

    def __init__(self, config: MkDocsConfig, files: Files) -> None:
        self.config = config
        self.files = files
        self._md: markdown.Markdown | None = None

    def markdown(self) -> markdown.Markdown:
        if self._md is None:
            self._md = markdown.Markdown(
                extensions=self.config["markdown_extensions"],
                extension_configs=self.config["mdx_configs"] or {},
            )
        return self._md

    def populate(self, page: Page) -> None:
        """``mkdocs.commands.build._populate_page`` (not dirty)."""
        config, files = self.config, self.files
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            page.markdown = config.plugins.on_page_markdown(
                page.markdown, page=page, config=config, files=files
            )
            self.render(page)
            assert page.content is not None
            page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
        except Exception as e:
            message = f"Error reading page '{page.file.src_uri}':"
            if not isinstance(e, BuildError):
                message += f" {e}"
            log.error(message)
            raise
        finally:
            config._current_page = None

    def render(self, page: Page) -> None:
        """``Page.render``, on the build's Markdown instance."""
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md = self.markdown()
        raw_html_ext = _RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = _ExtractAnchorsTreeprocessor(page.file, self.files, self.config)
        extract_anchors_ext._register(md)
        relative_path_ext = _RelativePathTreeprocessor(page.file, self.files, self.config)
        relative_path_ext._register(md)
        extract_title_ext = _ExtractTitleTreeprocessor()
        extract_title_ext._register(md)
        md.reset()
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = extract_title_ext.title
        page.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if _pages_log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_path_ext.links_to_anchors
