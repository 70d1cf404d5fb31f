"""Text from the catalog to HTML: the documented Markdown subset, escaped first, sanitised last.

Catalog text is untrusted (any agency can propose it). It is HTML-escaped before Markdown sees it,
so no tag written in the data survives as a tag; Markdown then makes paragraphs, lists, emphasis
and links; and nh3 (the Ammonia sanitiser) keeps only those elements and only https/http links,
whatever went before. Text with no Markdown marker skips the Markdown step (most text).

Text that a template places straight into the page's Markdown (a heading such as ``# {{ name }}``)
is not sanitised by anything afterwards: it must go through :func:`heading`, which makes it one line
of literal text (no link, image or ``{ onclick=… }`` attribute list can come out of it).

What block() and inline() return is one line (lines() joins with <br>, paragraphs start a line
with <p>): no line of catalog text may begin a line of the page, where '#' would start a heading.

Text can be 100,000 characters long and is written by anyone: every step here must stay linear in
its length. No regular expression backtracks over a run of blank lines; brackets that do not make a
link are escaped before Python-Markdown (its link search is quadratic in unmatched brackets); and a
text with more than ``MARKDOWN_BUDGET`` syntax characters and lines is shown as plain paragraphs,
because Python-Markdown copies the whole text for each inline token or block it finds (quadratic:
100,000 escaped characters took 30 seconds). Real procedures use a handful.
"""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
_MARKERS = re.compile(r"[*_\[]|^[ \t]*+(?:[-+]|\d+[.)])\s", re.MULTILINE)
_LIST_AFTER_TEXT = re.compile(
    r"^(?![ \t]*+(?:[-+*]|\d+[.)])\s)(.+)\n(?=[ \t]*+(?:[-+*]|\d+[.)])\s)", re.MULTILINE
)
# A link of the subset, as it reads once HTML-escaped: [words](address), on one line.
_LINK = re.compile(r"\[[^\[\]\n]*\]\([^()\s]*\)")
_BRACKET = re.compile(r"[\[\]]")
# Characters Python-Markdown (with the site's extensions) reads as syntax, and the escape it honours.
# Invisible, refused by the text rules, and two of them (STX, ETX) are Python-Markdown's own markers.
_C0_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_{}\[\]()>#+\-.!|~:<&]")
_converter = markdown.Markdown(extensions=["sane_lists"])
MARKDOWN_BUDGET = 2000
# What Python-Markdown turns into a token once the text is HTML-escaped: entities (& < > " '), emphasis,
# brackets, escapes, code, and each line.
_COSTLY = re.compile(r"[&<>\"'*_\[\]\\`!\n]")


_ABSOLUTE = re.compile(r"https?://[^/\\]")  # an address with its scheme and host


def _no_host_relative(tag: str, attribute: str, value: str) -> str | None:
    """Only absolute links, as the text rules allow: not "//host" or "/\\host" (another site,
    with the page's scheme), nor a relative or empty address ("[]()" pointed at the page itself)."""
    return value if attribute != "href" or _ABSOLUTE.match(value) else None


def _clean(html: str) -> Markup:
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            attribute_filter=_no_host_relative,
            url_schemes={"https", "http"},
            link_rel="noopener nofollow",
        )
    )


def lines(text: str) -> Markup:
    """Short text: escaped, line breaks kept."""
    return Markup(_lines(str(text)))


def _lines(text: str) -> str:
    return "<br>".join([str(escape(line)) for line in text.strip().splitlines()])


def heading(text: str) -> Markup:
    """Text placed in the page's Markdown outside any HTML block (a heading): one line without
    control characters, every Markdown syntax character backslash-escaped (``&`` and ``<`` as HTML
    entities), so it reads as the literal text and nothing else."""
    flat = " ".join(_C0_CONTROL.sub("", str(text)).split())
    return Markup(_MARKDOWN_SYNTAX.sub(_escape_syntax, flat))


def _escape_syntax(match: re.Match[str]) -> str:
    char = match.group()
    if char == "&":
        return "&amp;"
    if char == "<":
        return "&lt;"
    if char in ":~":  # not escapable in Python-Markdown, and harmless once '<' cannot start an autolink
        return char
    return "\\" + char


def _guard_brackets(source: str) -> str:
    """Escape every bracket that is not part of a one-line [words](address) link."""
    out = []
    last = 0
    for link in _LINK.finditer(source):
        out.append(_BRACKET.sub(r"\\\g<0>", source[last : link.start()]))
        out.append(link.group())
        last = link.end()
    out.append(_BRACKET.sub(r"\\\g<0>", source[last:]))
    return "".join(out)


def block(text: str) -> Markup:
    """Long text: paragraphs, lists, emphasis and links from the Markdown subset."""
    source = str(text).strip()
    if not _MARKERS.search(source) or len(_COSTLY.findall(source)) > MARKDOWN_BUDGET:
        paragraphs = [p for p in re.split(r"\n\s*\n", source) if p.strip()]
        return Markup("\n".join([f"<p>{_lines(p)}</p>" for p in paragraphs]))
    _converter.reset()
    # Officials write a list straight under its lead-in line; Markdown wants a blank line between.
    source = _LIST_AFTER_TEXT.sub(r"\1\n\n", source)
    # One line: the page's Markdown reads any line of its own that starts with '#' as a heading
    # (generator.site.pages.split_blocks), and "\\#" in the text comes out of Markdown as '#'.
    return _clean(_converter.convert(_guard_brackets(str(escape(source))))).replace("\n", " ")


def inline(text: str) -> Markup:
    """One item of a list (a step, a document note): like block, without a wrapping paragraph."""
    html = block(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])
    return html
