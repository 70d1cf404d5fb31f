"""What text may hold: plain text or a small Markdown subset, never markup that could run in a browser.

Text fields may use paragraphs, lists (``- item``, ``1. item``), emphasis (``*em*``, ``**strong**``)
and links (``[words](https://…)``). Raw HTML (``<script>``, ``<img onerror=…>``, ``<a href=…>``),
links to ``javascript:``, ``data:`` or ``vbscript:`` and invisible control characters are refused
with a diagnostic. The site escapes and sanitises everything again when it renders (a second line of
defence), so a mistake here cannot reach a citizen's browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic
from .yamlload import Loaded, escape

CODES = frozenset({"unsafe-html", "unsafe-link", "control-character"})
# One regex over the whole file first: nearly every file has none of these and costs one scan.
_SUSPECT = re.compile(r"<\s*/?\s*[A-Za-z!?]|(?i:javascript|vbscript|data|file)\s*:|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
                      r"\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*|!--|!\[CDATA\[|![A-Za-z]|\?)")
_BAD_LINK = re.compile(r"\]\(\s*<?\s*(?i:(javascript|vbscript|data|file)\s*:)|(?i:^|[\s(\"'=])(javascript|vbscript)\s*:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def check_text(loaded: Loaded, display: str, source: str | None) -> list[Diagnostic]:
    """Every string value of a document that holds markup, a script link or a control character."""
    if source is not None and not _SUSPECT.search(source):
        return []
    return list(_walk(loaded, display, loaded.data, ""))


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
        return ("unsafe-html", f"HTML is not allowed in text ('{_excerpt(text, tag.start())}'); write plain "
                               "text, or Markdown: *nhấn mạnh*, **đậm**, - danh sách, [liên kết](https://…)")
    link = _BAD_LINK.search(text)
    if link is not None:
        return ("unsafe-link", f"links must start with https:// ('{_excerpt(text, link.start())}')")
    control = _CONTROL.search(text)
    if control is not None:
        return ("control-character", f"invisible control character U+{ord(control.group()):04X} in text; "
                                     "delete it (it often comes from copying out of a PDF or Word)")
    return None


def _excerpt(text: str, start: int, width: int = 30) -> str:
    return text[start:start + width].replace("\n", " ")
