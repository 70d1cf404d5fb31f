"""Progress for long work: on a terminal only, and the build/validate commands report through it."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from generator.progress import Progress

sys.path.insert(0, str(REPO / "benchmarks"))
from bench_validate import make_catalog


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_and_cleared() -> None:
    stream = Terminal()
    progress = Progress("validating", stream=stream, minimum=10)
    for done in range(1, 101):
        progress.update(done, 100)
    progress.done()
    text = stream.getvalue()
    assert "\rvalidating [" in text and text.endswith("100/100\r\033[K")


def test_nothing_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress("validating", stream=stream, minimum=10)
    for done in range(1, 101):
        progress.update(done, 100)
    progress.done()
    assert stream.getvalue() == ""


def test_validate_of_a_large_catalog_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    make_catalog(tmp_path, 300)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"), CATALOG_CACHE="off")
    piped = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert piped.returncode == 0, piped.stdout + piped.stderr
    assert piped.stderr == ""
    controller, terminal = pty.openpty()
    shown = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
        check=False,
    )
    os.close(terminal)
    drawn = b""
    try:
        while chunk := os.read(controller, 65536):
            drawn += chunk
    except OSError:  # the terminal's other end closed
        pass
    os.close(controller)
    assert shown.returncode == 0
    assert b"validating [" in drawn and b"/310" in drawn
