"""The command line's one error convention: the exit codes, the usage error, writing an output.

Every ``catalog`` command returns an :class:`ExitCode`; a handler that meets bad arguments or an
output it cannot write raises :class:`UsageError`, and :func:`run` prints it on one line
(``catalog <command>: error: <message>``, the sub-command being the one that runs unless the error
names another, as argparse's own usage errors do) and exits 2. Exit 3 is kept for real bugs: an exception
nobody expected, printed as "internal error" with how to see the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path

from .entry import Terminated, signal_exit
from .schemastore import SchemaStoreError


class ExitCode(IntEnum):
    OK = 0  # done
    PROBLEMS = 1  # done, and found problems in the data (or a check is stale)
    USAGE = 2  # not done: bad arguments, a path that is not there, an output that cannot be written
    INTERNAL = 3  # a bug: please report it
    INTERRUPTED = 130  # Ctrl-C, as shells count it


EXIT_CODES = "Exit codes: 0 ok, 1 problems found, 2 usage error, 3 internal error."


class UsageError(Exception):
    """Bad arguments found after parsing, or an output that cannot be written: exit 2.

    ``command`` names the sub-command in the message (``catalog import: error: …``)."""

    def __init__(self, message: str, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command


@contextmanager
def writing(path: Path, command: str | None = None) -> Iterator[None]:
    """Turn a failure to write ``path`` (permission, a file where a folder should be, a full disk)
    into a :class:`UsageError` that names it."""
    try:
        yield
    except OSError as exc:
        raise UsageError(f"cannot write to {path}: {exc.strerror or exc}", command) from None


Handler = Callable[[argparse.Namespace], int]


def schemas_unusable(exc: SchemaStoreError) -> int:
    """The schemas cannot be used (in a clone, its own schemas/: a data problem, not a bug): each
    problem located, one line saying so, exit 1."""
    for problem in exc.problems:
        print(problem.text(), file=sys.stderr)
    print("catalog: the schemas cannot be used: fix the problems above first", file=sys.stderr)
    return ExitCode.PROBLEMS


def run(func: Handler, args: argparse.Namespace) -> int:
    """Run one command's handler under the exit-code table."""
    try:
        return func(args)
    except UsageError as exc:
        command = exc.command or getattr(args, "command", None)
        prefix = f"catalog {command}" if command else "catalog"
        print(f"{prefix}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("catalog: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except SchemaStoreError as exc:
        return schemas_unusable(exc)
    except BrokenPipeError:  # `catalog … | head` closed the pipe: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:  # the one place where any other exception becomes exit 3
        ending = signal_exit(exc)
        if ending is not None:  # a signal's exception that Python wrapped in another
            if ending[1] != ExitCode.INTERRUPTED:
                raise Terminated from exc
            print(ending[0], file=sys.stderr)
            return ExitCode.INTERRUPTED
        if os.environ.get("CATALOG_DEBUG"):
            traceback.print_exc()
        print(
            f"catalog: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug. Run again with CATALOG_DEBUG=1 to see the details and report them.",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL
