"""Heading anchors for Vietnamese: 'Nộp hồ sơ ở đâu' → 'nop-ho-so-o-dau' (đ folded, not dropped)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đăng ký' → 'dang ky'."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)  # the same headings on every procedure page
def slugify(value: str, separator: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", separator, fold(value)).strip(separator)
