"""Benchmark: export a generated catalog of N procedures (default 10,000); print time and peak memory.

Target (issue 6): exporting 10,000 procedures takes under 10 seconds and under 1 GB of memory.
The catalog is bench_validate.py's (records of real size, about 9 KB of YAML each). Validation is
timed apart (it is not part of the export). Memory is the process's peak resident size
(``ru_maxrss``) after the export, which includes the validated catalog held in memory; the export's
own share is printed beside it.

With ``--feed-commits K`` the catalog is first committed to a throwaway git repository followed by K
commits that each change a few procedures (and one that renames a sector, so every procedure of that
sector changes), and the change feed is computed from that history, with and without the loaded
catalog to spare parsing unchanged files: informational, no target.

    python benchmarks/bench_export.py [--count 10000] [--repeat 2] [--feed-commits 0]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_validate import make_catalog  # noqa: E402

from generator.export.export import Source, write_exports  # noqa: E402
from generator.git import CommitInfo  # noqa: E402
from generator.review.changes import feed_for  # noqa: E402
from generator.validation.validate import validate_catalog  # noqa: E402

TIME_TARGET = 10.0
MEMORY_TARGET = 1024**3
COMMIT = CommitInfo("0123456789abcdef0123456789abcdef01234567", "2026-11-25T10:00:00+07:00")


def peak_rss() -> int:
    """The process's peak resident set size so far, in bytes (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def current_rss() -> int:
    try:
        statm = Path("/proc/self/statm").read_text(encoding="ascii")
        return int(statm.split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def make_history(catalog: Path, commits: int) -> None:
    """Commit the catalog, then ``commits`` commits that each edit five procedures (the middle one
    also renames a sector, which changes every procedure of that sector)."""
    top = catalog.parent
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.org",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=top, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "initial import")
    folder = catalog / "procedures" / "ubnd-cap-xa"
    for n in range(commits):
        if n == commits // 2:
            sectors = catalog / "sectors.yaml"
            sectors.write_text(
                sectors.read_text(encoding="utf-8").replace("name: Hộ tịch", "name: Hộ tịch mới"),
                encoding="utf-8",
            )
        for k in range(5):
            path = folder / f"9.{(n * 5 + k) % 10000:06d}.yaml"
            if path.exists():
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace("\nname: ", f"\nname: (sửa {n}) ", 1), encoding="utf-8")
        git("add", "-A")
        git("commit", "-q", "-m", f"edit {n}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--feed-commits", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        catalog = make_catalog(Path(tmp) / "repo", args.count)
        if args.feed_commits:
            make_history(catalog, args.feed_commits)
        start = time.perf_counter()
        result = validate_catalog(catalog)
        validated = time.perf_counter() - start
        if result.diagnostics:
            print("unexpected problems:", *[d.text() for d in result.diagnostics[-5:]], sep="\n")
            return 1
        before = current_rss()
        times, cpu = [], []
        for n in range(args.repeat):
            out = Path(tmp) / f"out{n}"
            start, start_cpu = time.perf_counter(), time.process_time()
            summary = write_exports(result.catalog, out, source=Source(COMMIT))
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            shutil.rmtree(out)
        peak = peak_rss()
        feed_line = ""
        if args.feed_commits:
            start = time.perf_counter()
            seeded = feed_for(catalog, catalog=result.catalog)
            with_seed = time.perf_counter() - start
            start = time.perf_counter()
            plain = feed_for(catalog)
            without = time.perf_counter() - start
            assert seeded.entries == plain.entries
            feed_line = (
                f"feed: {args.feed_commits + 1} commits → {len(plain.entries)} entries in "
                f"{with_seed:.2f} s with the loaded catalog, {without:.2f} s reading every file"
            )
    best, median = min(times), statistics.median(times)
    ok_time, ok_memory = best < TIME_TARGET, peak < MEMORY_TARGET
    print(f"validate: {result.files_checked} files in {validated:.2f} s (not part of the export)")
    print(
        f"export: {summary.procedures} procedures → {summary.files} files, {summary.bytes / 1e6:.0f} MB; "
        f"best {best:.2f} s, median {median:.2f} s (CPU {min(cpu):.2f} s) over {args.repeat} runs; "
        f"target < {TIME_TARGET:.0f} s: {'ok' if ok_time else 'MISSED'}"
    )
    print(
        f"memory: peak {peak / 2**20:.0f} MiB for the whole process (catalog held: {before / 2**20:.0f} MiB "
        f"before the export; export's share ≤ {(peak - before) / 2**20:.0f} MiB); target < 1024 MiB: "
        f"{'ok' if ok_memory else 'MISSED'}"
    )
    if feed_line:
        print(feed_line)
    return 0 if ok_time and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())
