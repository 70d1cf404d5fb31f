"""Vietnamese alphabetical order: a ă â b c d đ e ê g … , then tones (ngang, huyền, hỏi, ngã, sắc, nặng).

Python's default order puts 'Đ' after 'Z' and 'Â' after every plain letter; a Vietnamese reader
expects 'Đất đai' after 'Dân tộc' and before 'Giáo dục'. The key compares letters first (with ă, â,
đ, ê, ô, ơ, ư letters of their own), then tones, then case, as a dictionary does.
"""

from __future__ import annotations

import unicodedata

_BASE = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
_ORDER = {letter: i for i, letter in enumerate(_BASE)}
_SHAPE = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}  # breve, circumflex, horn
_SHAPED = {
    ("a", "ă"): "ă",
    ("a", "^"): "â",
    ("e", "^"): "ê",
    ("o", "^"): "ô",
    ("o", "+"): "ơ",
    ("u", "+"): "ư",
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def _letter(char: str) -> tuple[str, int]:
    """A character as (its Vietnamese letter, its tone)."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base, tone = decomposed[:1], 0
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _SHAPE:
            base = _SHAPED.get((base, _SHAPE[mark]), base)
    return ("đ" if char in "đĐ" else base), tone


def sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]:
    words = " ".join(str(text).split()).lstrip(".,;:-–—*+•()[]\"'“” ")  # '. Đăng ký' files under Đ
    letters = [_letter(c) for c in words]
    primary = tuple(
        (1, _ORDER[b]) if b in _ORDER else (0, ord(b)) for b, _ in letters
    )  # spaces, digits first
    tones = tuple(t for _, t in letters)
    return primary, tones, str(text)


def first_letter(text: str) -> str:
    """The Vietnamese letter a name is filed under ('Đăng ký…' → 'đ', '. Đăng ký…' → 'đ'); '#' for a
    name that starts with no letter."""
    for char in str(text):
        if char.isalpha():
            return _letter(char)[0]
        if char.isdigit():
            return "#"
    return "#"
