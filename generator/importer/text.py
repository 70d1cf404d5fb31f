"""Small text helpers shared by the importer stages: cleaning, matching keys, slugs, notes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NO_INFO = "Không có thông tin"

_SPACES = str.maketrans(
    {
        "\xa0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\t": " ",
        "\u3000": " ",
        "\u2028": "\n",
        "\u2029": "\n",
        "\x85": "\n",
        "\r": "\n",
    }
)
_SPACE_CHARS = re.compile("[\xa0\u2007\u202f\t\u3000\u2028\u2029\x85\r]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MANY_SPACES = re.compile(r" {2,}")
_MANY_BREAKS = re.compile(r"\n{3,}")
_COMMA = re.compile(r"\s*,\s*")
# Old-style tone placement ("hoà", "thuỷ") and new style ("hòa", "thủy") name the same thing.
_TONE_PLACEMENT = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_TONE_RE = re.compile("|".join(_TONE_PLACEMENT))


@dataclass(frozen=True)
class Note:
    """Something a parsing stage could not take apart cleanly, at a JSON pointer of the output.

    ``code`` is a short machine-readable kind (``channel-time-no-unit``); the importer turns notes
    into report warnings (or, for ``fatal`` notes, into a skipped record).
    """

    pointer: str
    code: str
    message: str
    fatal: bool = False


def clean_text(value: object) -> str:
    """The text of a portal field, tidied but not reworded.

    Unicode NFC; non-breaking spaces and tabs become spaces; invisible and control characters go;
    runs of spaces shrink to one; spaces at line ends go; more than one blank line shrinks to one.
    """
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value)
    if _SPACE_CHARS.search(text):
        text = text.translate(_SPACES)
    text = _INVISIBLE.sub("", text)
    lines = [_MANY_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()


def one_line(value: object) -> str:
    """:func:`clean_text` on a single line (line breaks become spaces)."""
    return _MANY_SPACES.sub(" ", clean_text(value).replace("\n", " ")).strip()


def is_no_info(text: str) -> bool:
    """True for an empty field or the portal's "Không có thông tin" (no information)."""
    stripped = text.strip().rstrip(".").strip()
    return not stripped or stripped.casefold() == NO_INFO.casefold()


def match_key(value: str) -> str:
    """The form two names are compared in: NFC, same tone placement, single spaces, casefolded,
    without a trailing full stop."""
    text = _COMMA.sub(", ", one_line(value).casefold())
    text = _TONE_RE.sub(lambda m: _TONE_PLACEMENT[m.group(0)], text)
    return text.rstrip(" .;,").strip()


def ascii_fold(value: str) -> str:
    """Vietnamese text without diacritics, ``đ`` → ``d``."""
    text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def slugify(value: str) -> str:
    """A lowercase ASCII slug: ``163/QĐ-BTP`` → ``163-qd-btp``."""
    folded = ascii_fold(unicodedata.normalize("NFC", value)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
