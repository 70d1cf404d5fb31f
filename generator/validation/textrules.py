"""What text may hold: plain text or a small Markdown subset, never markup that could run in a browser.

Text fields may use paragraphs, lists (``- item``, ``1. item``), emphasis (``*em*``, ``**strong**``)
and links (``[words](https://…)``). Raw HTML (``<script>``, ``<img onerror=…>``, ``<a href=…>``),
links to ``javascript:``, ``data:`` or ``vbscript:`` (also when split by a line break, which browsers
ignore inside a link), Markdown outside the subset that the site's Markdown would turn into markup
(attribute lists ``{ onclick=… }``, images ``![…](…)``) and invisible control characters (bidi
overrides, zero-width characters, C0/C1 controls) are refused with a diagnostic. The site escapes and
sanitises everything again when it renders (a second line of defence), so a mistake here cannot reach
a citizen's browser.

Every regular expression here runs on untrusted text up to the file size limit: none may backtrack
more than linearly (quantified whitespace next to optional parts is possessive).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic
from .yamlload import Loaded, escape

CODES = frozenset({"unsafe-html", "unsafe-link", "unsafe-markdown", "control-character"})
_CONTROLS = (
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    r"\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
# A few passes over the whole file first: nearly every file has none of these and costs a scan. The
# file's text is not its values (a double-quoted YAML scalar may write '<' as "\x3c", a literal block
# may cut "javascript:" across lines), so any backslash sends the file to the full check, and script
# schemes are looked for with all whitespace removed. str's own searches ('<' in text, isprintable)
# are the fastest scans (a 10 KB file in a few microseconds); the regular expressions run only where
# those cannot decide.
# "(//host", "( < //host", "]: //host" (the '\\' forms are caught by the backslash), read backwards.
_SUSPECT_RELATIVE_REVERSED = re.compile(r"//\s*+<?\s*+(?:\(|:\])")
_SUSPECT_SCHEME = re.compile(
    r":(?:(?<=(?i:javascript):)|(?<=(?i:vbscript):)|(?<=(?i:data):)|(?<=(?i:file):))"
)
_SUSPECT_CONTROL = re.compile(f"[{_CONTROLS}]")
_TAG = re.compile(r"<\s*+/?\s*+([A-Za-z][A-Za-z0-9-]*|!--|!\[CDATA\[|![A-Za-z]|\?)")
_BAD_LINK = re.compile(
    r"\]\(\s*+<?\s*+(?i:(javascript|vbscript|data|file)\s*+:)"
    r"|(?i:^|[\s(\"'=])(javascript|vbscript)\s*+:"
)
# A link to "//host" (or "/\\host", "\\\\host": browsers read backslashes as slashes) takes the page's
# scheme and goes to another site: links must spell out https://. Inline links and reference definitions.
_HOST_RELATIVE = re.compile(r"\]\(\s*+<?\s*+[/\\]{2}|^\s*+\[[^\]\n]*\]:\s*+<?\s*+[/\\]{2}", re.MULTILINE)
# Browsers drop tabs and line breaks anywhere in a URL: "java<LF>script:" is "javascript:".
_URL_IGNORED = re.compile(r"[\t\n\r]")
# Python-Markdown's attr_list turns "{ onfocus=alert(1) autofocus }" after a heading, a link or an
# image into HTML attributes; images load from anywhere. Neither is in the documented subset.
_ATTR_LIST = re.compile(r"\{[^{}\n]*\}")
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\s*+[(\[]")
_CONTROL = re.compile(f"[{_CONTROLS}]")


def check_text(loaded: Loaded, display: str, source: str | None) -> list[Diagnostic]:
    """Every string value of a document that holds markup, a script link or a control character."""
    if source is not None and not _suspect(source):
        return []
    return list(_walk(loaded, display, loaded.data, ""))


def _suspect(source: str) -> bool:
    if "<" in source or "\\" in source or "{" in source or "!" in source:
        return True
    # A host-relative link needs a '//' here (no backslash): looked for backwards, from each '//' (a
    # literal the search skips to), instead of from every '(' and ']' of the text.
    if "//" in source and _SUSPECT_RELATIVE_REVERSED.search(source[::-1]) is not None:
        return True
    flat = source.replace("\n", "").replace("\r", "")
    if flat.isprintable():
        # No control character (each is unprintable), and no whitespace but spaces (every other
        # whitespace character is unprintable too): the text without whitespace is this.
        return _SUSPECT_SCHEME.search(flat.replace(" ", "")) is not None
    return (
        _SUSPECT_CONTROL.search(source) is not None
        or _SUSPECT_SCHEME.search("".join(source.split())) is not None  # split(): every whitespace
    )


def _walk(loaded: Loaded, display: str, value: Any, pointer: str) -> Iterator[Diagnostic]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(loaded, display, child, f"{pointer}/{escape(key)}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(loaded, display, child, f"{pointer}/{i}")
    elif isinstance(value, str):
        problem = _problem(value)
        if problem is not None:
            line, col = loaded.where(pointer)
            yield Diagnostic(display, line, col, pointer, problem[0], problem[1])


def _problem(text: str) -> tuple[str, str] | None:
    tag = _TAG.search(text)
    if tag is not None:
        return (
            "unsafe-html",
            f"HTML is not allowed in text ('{_excerpt(text, tag.start())}'); write plain "
            "text, or Markdown: *nhấn mạnh*, **đậm**, - danh sách, [liên kết](https://…)",
        )
    for candidate in (text, _URL_IGNORED.sub("", text)):
        link = _BAD_LINK.search(candidate) or _HOST_RELATIVE.search(candidate)
        if link is not None:
            return ("unsafe-link", f"links must start with https:// ('{_excerpt(candidate, link.start())}')")
    control = _CONTROL.search(text)
    if control is not None:
        return (
            "control-character",
            f"invisible control character U+{ord(control.group()):04X} in text; "
            "delete it (it often comes from copying out of a PDF or Word)",
        )
    attributes = _ATTR_LIST.search(text)
    if attributes is not None:
        return (
            "unsafe-markdown",
            f"curly braces are not allowed in text ('{_excerpt(text, attributes.start())}'): "
            "the site would read them as HTML attributes; use ( ) instead",
        )
    image = _IMAGE.search(text)
    if image is not None:
        return (
            "unsafe-markdown",
            f"images are not allowed in text ('{_excerpt(text, image.start())}'); "
            "write a link instead: [tên](https://…)",
        )
    return None


def _excerpt(text: str, start: int, width: int = 30) -> str:
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text[start : start + width].replace("\n", " "))
