"""Problems found in catalog files, as data.

Every stage reports problems as :class:`Diagnostic` values instead of raising: the CLI collects
them all, prints them all (text or JSON) and exits once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from . import ciout


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, located by line and column (1-based) and by JSON pointer.

    ``line`` and ``col`` are 0 when the problem concerns the whole file (for example a file
    that cannot be read at all). ``code`` is a short machine-readable kind, e.g. ``minimum``,
    ``yaml-duplicate-key`` or ``unknown-sector``.
    """

    file: str
    line: int
    col: int
    pointer: str
    code: str
    message: str

    def text(self) -> str:
        """The compiler-style one-line form: ``file:line:col: pointer: message [code]``."""
        where = self.file if self.line == 0 else f"{self.file}:{self.line}:{self.col}"
        pointer = self.pointer or "/"
        return ciout.line(f"{where}: {pointer}: {self.message} [{self.code}]")  # one line, whatever the data

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str, str, str]:
    return (
        diagnostic.file,
        diagnostic.line,
        diagnostic.col,
        diagnostic.pointer,
        diagnostic.code,
        diagnostic.message,
    )


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    """All diagnostics, one per line, followed by a count line."""
    items = sorted(diagnostics, key=sort_key)
    lines = [d.text() for d in items]
    files = len({d.file for d in items})
    if items:
        noun = "problem" if len(items) == 1 else "problems"
        fnoun = "file" if files == 1 else "files"
        lines.append(f"{len(items)} {noun} in {files} {fnoun}")
    return "\n".join(lines)


def render_json(diagnostics: Iterable[Diagnostic], *, checked: int) -> str:
    items = sorted(diagnostics, key=sort_key)
    payload = {
        "ok": not items,
        "files_checked": checked,
        "problem_count": len(items),
        "diagnostics": [d.as_json() for d in items],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
