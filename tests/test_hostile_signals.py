"""Hostile round 3, cause 6: Ctrl-C and SIGTERM from the very first instant.

The red team sent SIGINT 0.2–0.8 s after starting ``catalog validate`` and got a full
KeyboardInterrupt traceback: the handlers were installed only once the CLI had imported its
modules and built its parser. One try ended killed by the signal itself (exit -2, no message):
the interpreter's teardown restores the default action of every signal that has a Python handler.
Now the entry point (``generator.entry``) installs the handlers before any heavy import and never
goes through that teardown; every command ends within 2 s, exit 130 / 143, one line.

Timing: the delays count from the moment the program's handler for SIGTERM is in place (seen in
``/proc/PID/status``), so a loaded machine's slow interpreter start does not shift them; that this
moment comes before the heavy imports is checked in ``/proc/PID/maps`` (neither PyYAML's nor
jsonschema's compiled extension loaded yet). The only bound asserted is the 2 s the issue allows.
The interpreter's own start, before any code of ours runs (some 20–50 ms), is the one window left:
there Python's defaults apply.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BASE_CATALOG, interruptible

LIMIT = 2.0
DELAYS = (0.0, 0.05, 0.2, 0.5)
HEAVY = ("/_yaml.", "/rpds.")  # compiled extensions the CLI's imports load (PyYAML, jsonschema)
COMMANDS = {
    "validate": ["validate", str(BASE_CATALOG)],
    "export": ["export", "--catalog", str(BASE_CATALOG), "--out", "{tmp}/out"],
    "build": ["build", "--repo", "{tmp}/nothing", "--out", "{tmp}/site"],
    "owners": ["owners", "--check", "--repo", str(BASE_CATALOG)],
    "help": ["--help"],
}
EXPECTED = {signal.SIGINT: (130, "catalog: interrupted"), signal.SIGTERM: (143, "catalog: terminated")}


def caught(pid: int) -> int:
    """The process's mask of caught signals (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16)
    except OSError:
        pass
    return 0


def start(argv: list[str], tmp: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *(a.replace("{tmp}", str(tmp)) for a in argv)],
        cwd=tmp,
        env=dict(os.environ, CATALOG_CACHE="off"),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=interruptible,
    )


def handlers_ready(process: subprocess.Popen[str]) -> bool:
    """Wait until the program handles SIGTERM (Python's default does not); whether the heavy
    imports were still to come at that moment (read after: a "not yet" is proof)."""
    begun = time.perf_counter()
    while not caught(process.pid) & (1 << (signal.SIGTERM - 1)):
        assert process.poll() is None, process.communicate()
        assert time.perf_counter() - begun < 30, "the program never handled SIGTERM"
        time.sleep(0.0005)
    try:
        maps = Path(f"/proc/{process.pid}/maps").read_text()
    except OSError:
        return False
    return not any(name in maps for name in HEAVY)


def finish(process: subprocess.Popen[str], signum: int) -> tuple[int, float, str]:
    sent = time.perf_counter()
    os.killpg(process.pid, signum)
    try:
        _, err = process.communicate(timeout=LIMIT + 8)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"still running {LIMIT + 8} s after signal {signum}")
    return process.returncode, time.perf_counter() - sent, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_signal_in_the_first_instants(command: str, signum: int, tmp_path: Path) -> None:
    code, line = EXPECTED[signum]
    alone = start(COMMANDS[command], tmp_path)  # the command's own ending, without a signal
    _, own_err = alone.communicate(timeout=120)
    own = (alone.returncode, own_err)
    early = []
    for delay in DELAYS:
        process = start(COMMANDS[command], tmp_path)
        early.append(handlers_ready(process))
        time.sleep(delay)
        if process.poll() is not None:  # done before the signal (--help at 0.5 s): nothing to test
            process.communicate()
            continue
        returncode, took, err = finish(process, signum)
        assert "Traceback" not in err, f"delay {delay}: {err}"
        # A quick command may finish its work between the poll and the signal; from then on a
        # signal changes nothing (its own ending, as test_signal_as_the_command_ends allows). At
        # delay 0 no command is that quick: the signal must have been the ending there.
        allowed = [(code, line + "\n")] + ([own] if delay > 0 else [])
        assert (returncode, err) in allowed, f"delay {delay}: {(returncode, err)}"
        assert took <= LIMIT, f"{took:.2f} s after the signal (delay {delay})"
    assert any(early), "the signal handlers came only after the heavy imports"


def test_signal_as_the_command_ends(tmp_path: Path) -> None:
    """A signal that arrives once the command printed its result: the process ends at once, either
    with the command's own code (the signal came after the work) or 130; never killed by the
    signal (a negative code), never a traceback."""
    for _ in range(6):
        process = start(["validate", str(BASE_CATALOG)], tmp_path)
        assert process.stdout is not None
        first = process.stdout.readline()  # the result, flushed as the command ends
        assert first.startswith("ok: "), first
        returncode, took, err = finish(process, signal.SIGINT)
        assert (returncode, err) in ((0, ""), (130, "catalog: interrupted\n")), (returncode, err)
        assert took <= LIMIT
