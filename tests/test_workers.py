"""generator.workers.fork_map: results in order, each worker process doing at most its share when
recycled, and a worker's failure or death reported, never a partial result."""

from __future__ import annotations

import os
import signal
from collections import Counter

import pytest

from generator import workers

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork_map forks")


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@pytest.mark.parametrize("recycle", [None, 1, 7, 50, 1000])
def test_results_in_order(recycle: int | None) -> None:
    items = list(range(203))
    results = list(workers.fork_map(square_and_pid, items, workers=2, recycle=recycle))
    assert [square for square, _ in results] == [n * n for n in items]
    pids = Counter(pid for _, pid in results)
    assert os.getpid() not in pids
    if recycle is None:
        assert len(pids) == 2
    else:
        assert max(pids.values()) <= recycle
        assert len(pids) >= max(-(-203 // recycle), 2 * 4)  # at least four runs per worker


def test_a_worker_that_raises_is_reported() -> None:
    def fail_at_150(n: int) -> int:
        if n == 150:
            raise ValueError("no 150")
        return n

    with pytest.raises(workers.WorkerFailed, match=r"^ValueError: no 150$"):
        list(workers.fork_map(fail_at_150, list(range(200)), workers=2, recycle=20))


def test_a_recycled_worker_that_dies_is_reported() -> None:
    def die_at_90(n: int) -> int:
        if n == 90:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    results: list[int] = []
    with pytest.raises(workers.WorkerFailed, match="ended before finishing its work"):
        results.extend(workers.fork_map(die_at_90, list(range(200)), workers=2, recycle=20))
    assert results == list(range(len(results))) and len(results) <= 90
