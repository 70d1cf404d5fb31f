"""Text from the catalog to HTML: the documented Markdown subset, escaped first, sanitised last.

Catalog text is untrusted (any agency can propose it). It is HTML-escaped before Markdown sees it,
so no tag written in the data survives as a tag; Markdown then makes paragraphs, lists, emphasis
and links; and nh3 (the Ammonia sanitiser) keeps only those elements and only https/http links,
whatever went before. Text with no Markdown marker skips the Markdown step (most text).
"""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
_MARKERS = re.compile(r"[*_\[]|^\s*(?:[-+]|\d+[.)])\s", re.MULTILINE)
_LIST_AFTER_TEXT = re.compile(r"^(?!\s*(?:[-+*]|\d+[.)])\s)(.+)\n(?=\s*(?:[-+*]|\d+[.)])\s)", re.MULTILINE)
_converter = markdown.Markdown(extensions=["sane_lists"])


def _clean(html: str) -> Markup:
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                            url_schemes={"https", "http"}, link_rel="noopener nofollow"))


def lines(text: str) -> Markup:
    """Short text: escaped, line breaks kept."""
    return Markup("<br>").join(escape(line) for line in str(text).strip().splitlines())


def block(text: str) -> Markup:
    """Long text: paragraphs, lists, emphasis and links from the Markdown subset."""
    source = str(text).strip()
    if not _MARKERS.search(source):
        paragraphs = [p for p in re.split(r"\n\s*\n", source) if p.strip()]
        return Markup("\n").join(Markup("<p>") + lines(p) + Markup("</p>") for p in paragraphs)
    _converter.reset()
    # Officials write a list straight under its lead-in line; Markdown wants a blank line between.
    source = _LIST_AFTER_TEXT.sub(r"\1\n\n", source)
    return _clean(_converter.convert(str(escape(source))))


def inline(text: str) -> Markup:
    """One item of a list (a step, a document note): like block, without a wrapping paragraph."""
    html = block(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])
    return html
