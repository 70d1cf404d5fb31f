"""Work spread over forked worker processes, which an interrupt stops at once and entirely.

``fork_map(func, items)`` is ``map(func, items)`` done by a few forked workers; results come back
in order. Unlike ``multiprocessing``'s pools it has no queue threads to hang in and no worker that
prints a traceback on Ctrl-C: the workers ignore SIGINT (the terminal sends it to the whole process
group; the parent alone decides), and when the parent stops for any reason (Ctrl-C, SIGTERM turned
into an exception by the CLI, an error) it kills them with SIGKILL and reaps them before going on.
A worker whose parent died gets EPIPE on its next write and exits.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from . import gcpause

T = TypeVar("T")
R = TypeVar("R")
_HEADER = struct.Struct("!Q")


class WorkerFailed(RuntimeError):
    """A worker died or raised; the message says which error."""


def available() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def worker_count(limit: int = 8) -> int:
    return max(1, min(os.cpu_count() or 1, limit))


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int | None = None,
    chunk: int | None = None,
    initializer: Callable[[int], None] | None = None,
    recycle: int | None = None,
) -> Iterator[R]:
    """``func`` over ``items`` in ``workers`` forked processes, results in order. ``initializer(k)``
    runs first in the ``k``-th worker forked (e.g. to reopen per-process resources).

    ``recycle``: each worker process does at most about that many items (whole chunks), then
    exits and a new one is forked from the parent for the next ones. A forked worker's memory grows
    with what it touches of the parent's (reference counts are writes: every memory page holding
    an object it reads becomes its own copy) and with what it allocates; a worker that lives for
    a few hundred pages holds a few tens of MB instead of a third of the parent's."""
    workers = workers or worker_count()
    if workers < 2 or len(items) < 2 or not hasattr(os, "fork"):
        yield from map(func, items)
        return
    chunk = chunk or max(1, len(items) // (workers * 8))
    per_process = len(items)
    if recycle is not None:  # at least four runs per worker: the last run alone leaves the others idle
        per_process = max(1, min(recycle, -(-len(items) // (workers * 4))))
        chunk = min(chunk, per_process)
    chunks = [range(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
    if recycle is None:  # one process per worker, chunks dealt round
        runs = [list(range(k, len(chunks), workers)) for k in range(workers)]
    else:  # consecutive chunks per process, each run to the next free worker
        size = max(1, per_process // chunk)
        runs = [list(range(start, min(start + size, len(chunks)))) for start in range(0, len(chunks), size)]
    children: dict[int, tuple[int, list[int]]] = {}  # read end → (pid, the chunks it does)
    try:
        forked = 0
        for _ in range(min(workers, len(runs))):
            _fork(forked, runs[forked], chunks, items, func, initializer, children)
            forked += 1

        def more() -> None:  # a worker finished its run: the next run to a new process
            nonlocal forked
            if forked < len(runs):
                _fork(forked, runs[forked], chunks, items, func, initializer, children)
                forked += 1

        yield from _collect(children, len(chunks), more)
    finally:
        _stop(children)


def _fork(
    k: int,
    run: list[int],
    chunks: list[range],
    items: Sequence[Any],
    func: Callable[[Any], Any],
    initializer: Callable[[int], None] | None,
    children: dict[int, tuple[int, list[int]]],
) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    with gcpause.frozen_for_fork():  # a worker's collections never walk what it inherited
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(read_end)
            for fd in children:  # the other workers' pipes are the parent's
                os.close(fd)
            _work(k, run, chunks, items, func, write_end, initializer)
        os.close(write_end)
        children[read_end] = (pid, run)


def _work(
    k: int,
    run: list[int],
    chunks: list[range],
    items: Sequence[Any],
    func: Callable[[Any], Any],
    out: int,
    initializer: Callable[[int], None] | None,
) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if initializer is not None:
            initializer(k)
        for index in run:
            try:
                message: Any = (index, [func(items[i]) for i in chunks[index]])
            except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it
                message = (index, WorkerFailed(f"{type(exc).__name__}: {exc}"))
            _send(out, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # noqa: BLE001 - a worker ends silently (the parent reports)
        code = 1
    finally:
        os._exit(code)


def _send(fd: int, payload: bytes) -> None:
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _collect(
    children: dict[int, tuple[int, list[int]]], total: int, more: Callable[[], None]
) -> Iterator[Any]:
    buffers: dict[int, bytearray] = {}
    ready: dict[int, list[Any]] = {}
    received: set[int] = set()
    next_index = 0
    with selectors.DefaultSelector() as selector:

        def watch() -> None:  # the pipes of workers forked since
            for fd in children:
                if fd not in buffers:
                    buffers[fd] = bytearray()
                    selector.register(fd, selectors.EVENT_READ)

        watch()
        while next_index < total:
            if next_index in ready:
                yield from ready.pop(next_index)
                next_index += 1
                continue
            if not selector.get_map():
                raise WorkerFailed("a worker process ended before finishing its work")
            for key, _ in selector.select():
                fd = int(key.fd)
                data = os.read(fd, 1 << 20)
                if not data:  # the worker is done (or died): reaped, replaced while work remains
                    selector.unregister(fd)
                    pid, run = children.pop(fd)
                    os.close(fd)  # its number may be the next worker's pipe
                    del buffers[fd]
                    with contextlib.suppress(ChildProcessError):
                        os.waitpid(pid, 0)
                    if not received.issuperset(run):
                        raise WorkerFailed("a worker process ended before finishing its work")
                    more()
                    watch()
                    continue
                buffer = buffers[fd]
                buffer += data
                while len(buffer) >= _HEADER.size:
                    (size,) = _HEADER.unpack_from(buffer)
                    if len(buffer) < _HEADER.size + size:
                        break
                    index, results = pickle.loads(bytes(buffer[_HEADER.size : _HEADER.size + size]))
                    del buffer[: _HEADER.size + size]
                    if isinstance(results, WorkerFailed):
                        raise results
                    ready[index] = results
                    received.add(index)


def _stop(children: dict[int, tuple[int, list[int]]]) -> None:
    """Kill (if still running) and reap every worker; close the pipes."""
    for fd, (pid, _) in children.items():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(fd)
    for pid, _ in children.values():
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    children.clear()
