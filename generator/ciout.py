"""What the commands print in CI can never be read as a workflow command.

GitHub Actions reads any log line that starts with ``::`` (``::error``, ``::add-mask``,
``::stop-commands``…) or the older ``##[`` as a command to the runner. The catalog prints values
from the data it checks (a file name, a ``github.org``, a text excerpt), and one holding a line
break could start a line of its own. Two defences:

- :func:`line` turns a message into one line: every line break, control character and bidi or
  zero-width character is shown as an escape (``\\n``, ``\\x1b``, ``\\u202e``…), so a message can
  never start a second line nor reorder the terminal's text;
- :func:`guard_streams` (``catalog`` does it when ``GITHUB_ACTIONS=true``) wraps standard output
  and error so that every line that would start a command is printed after a visible ``> `` and
  so stays text. The annotations ``catalog validate --format github`` means to emit go through
  :func:`print_commands`, the one way past the guard.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

# Line breaks and controls, and the invisible characters that reorder or hide text on a terminal.
_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_COMMAND = re.compile(r"^\s*(::|##\[)")
SHIELD = "> "


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r"}
    return named.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def line(text: str) -> str:
    """``text`` as one printable line: line breaks and control characters as escapes, and a
    visible ``> `` before it if it would otherwise start a workflow command."""
    text = _BREAKS.sub(_escape, text)
    return SHIELD + text if _COMMAND.match(text) else text


class _Guard(io.TextIOBase):
    """A text stream passing whole lines to ``raw``, shielding those that start a command."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *complete, self._pending = self._pending.split("\n")
        for one in complete:
            self.raw.write((SHIELD + one if _COMMAND.match(one) else one) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            self.raw.write(SHIELD + pending if _COMMAND.match(pending) else pending)
        self.raw.flush()

    def fileno(self) -> int:
        return self.raw.fileno()

    def isatty(self) -> bool:
        return self.raw.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")


@contextmanager
def guard_streams() -> Iterator[None]:
    """Shield standard output and error for the block (see the module's docstring)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Guard(saved[0]), _Guard(saved[1])
    try:
        yield
    finally:
        for guard in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                guard.flush()
        sys.stdout, sys.stderr = saved


def print_commands(text: str) -> None:
    """Print workflow commands the tool itself made (already escaped): past the guard, if any."""
    stream = sys.stdout
    if isinstance(stream, _Guard):
        stream.flush()
        stream.raw.write(text + "\n")
        stream.raw.flush()
    else:
        print(text)
