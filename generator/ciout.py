"""What the commands print in CI can never be read as a workflow command.

GitHub Actions reads any log line that starts with ``::`` (``::error``, ``::add-mask``,
``::stop-commands``…), after optional white space, as a command to the runner, and any line that
holds the older ``##[`` *anywhere* (its ``ActionCommand.TryParse`` looks for it with ``IndexOf``);
it splits lines at ``\n`` and at ``\r``. The catalog prints values from the data it checks (a
file name, a ``github.org``, a text excerpt), and one holding a line break could start a line of
its own. Two defences:

- :func:`line` turns a message into one line: every line break, control character and bidi or
  zero-width character is shown as an escape (``\\n``, ``\\x1b``, ``\\u202e``…), so a message can
  never start a second line nor reorder the terminal's text;
- :func:`guard_streams` (the ``catalog`` entry point does it when ``GITHUB_ACTIONS=true``, before
  anything is parsed or printed) wraps standard output and error so that every line goes through
  :func:`shield`: a line that would start a command is printed after a visible ``> ``, and every
  ``##[`` in it is written ``##\\[``, so it stays text a person reads the same. Characters that a
  culture-aware comparison skips (controls, zero-width and other format characters) count as
  absent, so ``#\u200d#[`` is shielded too. The annotations ``catalog validate --format github``
  means to emit go through :func:`print_commands`, the one way past the guard (and even there a
  ``##[`` in a value is escaped).
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
# What a comparison that skips "ignorable" characters would not see: controls, format characters.
_IGNORABLE = (
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u180b-\u180f"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff"
)
_LINE_COMMAND = re.compile(rf"^[\s{_IGNORABLE}]*:[{_IGNORABLE}]*:")
_LEGACY_COMMAND = re.compile(rf"(#[{_IGNORABLE}]*#[{_IGNORABLE}]*)\[")
SHIELD = "> "


def shield(text: str) -> str:
    """``text`` (one line) as the runner never reads a command in it: ``> `` before a line that would
    start one with ``::``, and a backslash between every ``##`` and ``[`` (each part of a line
    that a ``\\r`` splits counts as a line: the runner splits there too)."""
    if "\r" in text:
        return "\r".join(shield(part) for part in text.split("\r"))
    text = _LEGACY_COMMAND.sub(r"\1\\[", text)
    return SHIELD + text if _LINE_COMMAND.match(text) else text


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r"}
    return named.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def line(text: str) -> str:
    """``text`` as one printable line: line breaks and control characters as escapes, and a
    workflow command shielded (:func:`shield`)."""
    return shield(_BREAKS.sub(_escape, text))


class _Guard(io.TextIOBase):
    """A text stream passing whole lines to ``raw``, each through :func:`shield`."""

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
            self.raw.write(shield(one) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            self.raw.write(shield(pending))
        self.raw.flush()

    def fileno(self) -> int:
        return self.raw.fileno()

    def isatty(self) -> bool:
        return self.raw.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")


def install_guard() -> None:
    """Shield standard output and error from now on (the entry point's way); nothing more if they
    are shielded already."""
    if not isinstance(sys.stdout, _Guard):
        sys.stdout = _Guard(sys.stdout)
    if not isinstance(sys.stderr, _Guard):
        sys.stderr = _Guard(sys.stderr)


@contextmanager
def guard_streams() -> Iterator[None]:
    """Shield standard output and error for the block (see the module's docstring); nothing more if
    they are shielded already (the entry point did it)."""
    saved = sys.stdout, sys.stderr
    install_guard()
    try:
        yield
    finally:
        for guard in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                guard.flush()
        sys.stdout, sys.stderr = saved


def print_commands(text: str) -> None:
    """Print workflow commands the tool itself made (already escaped): past the guard, if any; a
    ``##[`` in a value is still escaped."""
    text = _LEGACY_COMMAND.sub(r"\1\\[", text)
    stream = sys.stdout
    if isinstance(stream, _Guard):
        stream.flush()
        stream.raw.write(text + "\n")
        stream.raw.flush()
    else:
        print(text)
