"""The ``catalog`` command's entry point: signals and the CI shield first, everything else after.

Ctrl-C (SIGINT) and SIGTERM must end every command within 2 s with exit 130 / 143 and one line
("catalog: interrupted" / "catalog: terminated"), from the first instant. So this module imports
almost nothing and, before the CLI's heavy imports (YAML, JSON Schema, the model, MkDocs) and
before its parser is built, turns both signals into exceptions (:func:`on_signal`) that
:func:`main` catches wherever they strike. In CI (``GITHUB_ACTIONS=true``) it also wraps standard
output and error in :mod:`generator.ciout`'s shield, so that no line any command prints — usage
errors and help included — is read as a workflow command.

The end of a run is the other window: the interpreter's own teardown puts back the default action
of every signal that has a Python handler, so a signal in those last moments killed the process
(exit -2, no message). :func:`main` therefore ignores both signals once the command is done,
flushes, runs the exit handlers and leaves with ``os._exit``: no teardown, no window.
"""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False  # not typing's: importing typing alone takes longer than the rest of this module
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(BaseException):
    """SIGTERM, raised where the process was so that every cleanup (staging folders, worker
    processes) runs, as for Ctrl-C: exit 143."""


def on_signal(signum: int, frame: object) -> None:
    # One signal is enough: the cleanup that follows must not be cut short by a second one.
    quiet()
    raise KeyboardInterrupt if signum == signal.SIGINT else Terminated


# The signal whose exception Python could not raise where it struck, to raise again (below).
_pending: list[BaseException] = []
_previous_unraisablehook = sys.unraisablehook


def on_unraisable(unraisable: object) -> None:
    """Where the signal's exception strikes inside code that the interpreter calls and whose
    exceptions it cannot pass on — a weakref callback (the import system's module locks have one),
    a ``__del__`` — Python prints "Exception ignored" and goes on, and the signal was lost (found by
    the hostile signal test, once, during an import). Raise it again 10 ms later instead, from a
    timer, when that callback has long returned (and again, should it strike in one once more)."""
    exc = getattr(unraisable, "exc_value", None)
    if isinstance(exc, (KeyboardInterrupt, Terminated)):
        _pending[:] = [exc]
        signal.signal(signal.SIGALRM, _raise_pending)
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        return
    _previous_unraisablehook(unraisable)  # type: ignore[arg-type]


def _raise_pending(signum: int, frame: object) -> None:
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    raise _pending[0]


def signal_exit(exc: BaseException) -> tuple[str, int] | None:
    """The line and exit code of the signal behind ``exc``, if a signal's exception is in its chain:
    Python wraps an exception raised where it calls back into code (a descriptor's
    ``__set_name__`` while a class is made, at import time) in another, such as ``RuntimeError``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return "catalog: interrupted", 130
        if isinstance(current, Terminated):
            return "catalog: terminated", 143
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def quiet() -> None:
    """Ignore both signals from now on (an ignored signal also stays ignored through teardown)."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def install_signal_handlers() -> None:
    """:func:`on_signal` for SIGINT and SIGTERM, unless the process was started with one ignored
    (``nohup``, a background job without job control): an ignored signal stays ignored."""
    for signum in SIGNALS:
        if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, on_signal)
    sys.unraisablehook = on_unraisable


def stop_now(message: str, code: int) -> NoReturn:
    """End at once: every cleanup of ours has run (finally blocks); the interpreter's own teardown of
    a large heap (a served site, a 2,000-file catalog) can take seconds on a busy machine."""
    quiet()
    from contextlib import suppress

    if message:
        with suppress(OSError, ValueError):
            print(message, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """``catalog …``: the console script and ``python -m generator``."""
    try:
        install_signal_handlers()
        if os.environ.get("GITHUB_ACTIONS") == "true":
            from .ciout import install_guard

            install_guard()  # for the whole process; stop_now flushes it
        from .cli import main as run_cli  # the heavy imports, interruptible like the rest

        try:
            code = run_cli(argv)
        except SystemExit as exc:  # argparse: --help, --version, a usage error
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
        quiet()  # done: a signal from here on changes nothing
    except KeyboardInterrupt:
        stop_now("catalog: interrupted", 130)
    except Terminated:
        stop_now("catalog: terminated", 143)
    except BaseException as exc:  # a signal's exception wrapped in another: still the signal
        ending = signal_exit(exc)
        if ending is None:
            raise
        stop_now(*ending)
    import atexit

    atexit._run_exitfuncs()  # what teardown would have run (temporary folders, logging); errors are printed
    stop_now("", code)
