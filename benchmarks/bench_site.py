"""Benchmark: build the site for 2,000 and 10,000 generated procedures, beside a plain `mkdocs build`
of the same pages as ordinary Markdown files (same theme, same nav, no catalog plugin).

Prints wall time, peak memory (over the build's process tree, sampled every 50 ms: PSS, in which a
page forked workers share with their parent counts once, and, for comparison, summed RSS, which
counts it once per process), total site size and the largest
procedure page for both, and the ratio ours / plain. Our build starts with an empty validation
cache every time (a cold build). Targets (issue 16): 2,000 procedures in ≤ 10 s and 10,000 in
≤ 60 s; ours ≤ 0.5× plain Material measured in the same run; time per page at 10,000 at most
1.3× that at 2,000 (linear); peak memory < 1 GB.

    python benchmarks/bench_site.py [--counts 2000 10000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_validate import make_catalog  # noqa: E402

from generator.site.context import build_context  # noqa: E402
from generator.site.pages import render_pages  # noqa: E402
from generator.validation.validate import validate_catalog  # noqa: E402

MB = 1_000_000  # memory and sizes in MB of 10⁶ bytes: the target "< 1 GB" is 10⁹ bytes

MEASURE = """
import resource, sys, time
sys.argv = ["x"]
start = time.perf_counter()
{body}
elapsed = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(elapsed, max(own, kids))
"""


def tree_memory(pid: int) -> tuple[int, int]:
    """Memory (bytes) of a process and all its descendants: (PSS, RSS) summed. PSS, the
    proportional set size, counts a page shared by n processes (forked workers share most of the
    parent's) as 1/n in each, so its sum is the memory the build really holds; summed RSS counts
    every shared page once per process (an over-count, printed for comparison).

    The processes are listed first, then measured: read the other way round, a worker forked in
    between would count the parent's memory twice (once unshared, once in the worker). A process
    that ended meanwhile counts nothing."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    pss = rss = 0
    for current in pids:
        try:
            status = Path(f"/proc/{current}/status").read_text().splitlines()
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text().splitlines()
        except FileNotFoundError:
            continue  # ended
        except OSError:
            return -1, 0  # no smaps_rollup here: PSS unknown
        rss += sum(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
        pss += sum(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
    return pss, rss


def measure(body: str, cwd: Path) -> tuple[float, float, float]:
    """Seconds and peak memory (MB, the process tree: PSS and RSS, see tree_memory) of running
    ``body`` in a fresh interpreter."""
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURE.format(body=body)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0, 0]

    def sample() -> None:
        while process.poll() is None:
            pss, rss = tree_memory(process.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(err[-2000:])
    seconds, kib = out.split()[-2:]
    own = int(kib) * 1024 / MB  # the largest single process (getrusage): a floor for both
    pss = max(peak[0] / MB, own) if peak[0] >= 0 else float("nan")
    return float(seconds), pss, max(peak[1] / MB, own)


def make_repo(root: Path, count: int) -> Path:
    repo = root / "ours"
    repo.mkdir()
    make_catalog(repo, count)
    for name in ("mkdocs.yml", "site_content", "site_overrides"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / name)
    return repo


def make_plain(root: Path, repo: Path) -> Path:
    """The same pages, written out as Markdown files, with the same mkdocs.yml minus the plugin."""
    plain = root / "plain"
    shutil.copytree(repo / "site_content", plain / "docs")
    shutil.copytree(repo / "site_overrides", plain / "site_overrides")
    result = validate_catalog(repo / "catalog")
    context = build_context(result.model, preview=False, as_of="2026-01-01")
    for page in render_pages(context):
        target = plain / "docs" / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    head, _, tail = config.partition("  - catalog:")
    tail = tail.split("\n", 3)[3]  # drop the plugin's two option lines
    config = (head + tail).replace("docs_dir: site_content", "docs_dir: docs")
    config = config.replace("plugins:\n\n", "plugins: []\n\n")  # MkDocs would add its search plugin
    config = config.replace("site_name: Thủ tục hành chính", "site_name: Thủ tục hành chính tỉnh Vĩnh Long")
    (plain / "mkdocs.yml").write_text(config + "site_url: https://example.org/\n", encoding="utf-8")
    return plain


def site_figures(site: Path) -> tuple[float, int]:
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    largest = max(p.stat().st_size for p in (site / "thu-tuc").glob("*/index.html"))
    return size / 1e6, largest


def run(count: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = make_repo(root, count)
        plain = make_plain(root, repo)
        ours_runs, plain_runs = [], []
        for _ in range(repeat):  # interleaved, best of each: a busy machine slows both alike
            shutil.rmtree(repo / ".catalog-cache", ignore_errors=True)  # a cold build
            shutil.rmtree(repo / "site", ignore_errors=True)  # into a new folder, as the first run
            shutil.rmtree(plain / "site", ignore_errors=True)
            ours_runs.append(
                measure(
                    "from generator.cli import main\n"
                    "assert main(['build', '--repo', '.', '--out', 'site']) == 0",
                    repo,
                )
            )
            plain_runs.append(
                measure(
                    "from mkdocs.config import load_config\nfrom mkdocs.commands.build import build\n"
                    "build(load_config(config_file='mkdocs.yml'))",
                    plain,
                )
            )
        ours_s, ours_mb, ours_rss = min(ours_runs)
        plain_s, plain_mb, plain_rss = min(plain_runs)
        ours_size, ours_largest = site_figures(repo / "site")
        plain_size, plain_largest = site_figures(plain / "site")
    return {
        "count": count,
        "ours_s": ours_s,
        "plain_s": plain_s,
        "ours_mb": ours_mb,
        "plain_mb": plain_mb,
        "ours_rss_mb": ours_rss,
        "plain_rss_mb": plain_rss,
        "load": os.getloadavg()[0],
        "ours_size": ours_size,
        "plain_size": plain_size,
        "ours_largest": ours_largest,
        "plain_largest": plain_largest,
    }


TWO_THOUSAND_S, TEN_THOUSAND_S, RATIO, LINEAR, MEMORY_MB = 10.0, 60.0, 0.5, 1.3, 1000  # < 1 GB = 10⁹ bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build; the best is kept")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp()  # the validation cache's key: this run's own
    rows = []
    for count in args.counts:
        start = time.perf_counter()
        rows.append(run(count, args.repeat))
        print(f"[{count} procedures measured in {time.perf_counter() - start:.0f} s]", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"{'procedures':>10} {'ours s':>8} {'plain s':>8} {'ratio':>6} {'ours MB':>8} {'plain MB':>8} "
        f"{'ours RSS':>8} {'site MB':>8} {'largest page':>13} {'ms/page':>8} {'load':>5}"
    )
    for row in rows:
        ratio = row["ours_s"] / row["plain_s"]
        print(
            f"{row['count']:>10} {row['ours_s']:>8.1f} {row['plain_s']:>8.1f} {ratio:>6.2f} "
            f"{row['ours_mb']:>8.0f} {row['plain_mb']:>8.0f} {row['ours_rss_mb']:>8.0f} "
            f"{row['ours_size']:>8.1f} {row['ours_largest']:>10,} B "
            f"{1000 * row['ours_s'] / row['count']:>8.1f} {row['load']:>5.1f}"
        )
    print(
        "(MB: 10^6 bytes; memory: the peak of the build's processes, PSS: pages shared by forked workers counted once; "
        "RSS: summed, shared pages counted once per process; load: the machine's 1-minute load after)"
    )
    worst = max(row["ours_s"] / row["plain_s"] for row in rows)
    print(
        f"target: ours / plain Material ≤ {RATIO:.2f} — worst {worst:.2f}: {'ok' if worst <= RATIO else 'MISSED'}"
    )
    for row in rows:
        limit = {2000: TWO_THOUSAND_S, 10000: TEN_THOUSAND_S}.get(int(row["count"]))
        if limit is not None:
            print(
                f"target: {row['count']:,} procedures in ≤ {limit:.0f} s — {row['ours_s']:.1f} s: "
                f"{'ok' if row['ours_s'] <= limit else 'MISSED'}"
            )
    peak = max(row["ours_mb"] for row in rows)
    print(
        f"target: peak memory (PSS) < {MEMORY_MB} MB — {peak:.0f} MB: {'ok' if peak < MEMORY_MB else 'MISSED'} "
        f"(summed RSS {max(row['ours_rss_mb'] for row in rows):.0f} MB)"
    )
    if len(rows) > 1:
        per_page = [row["ours_s"] / row["count"] for row in rows]
        growth = per_page[-1] / per_page[0]
        print(
            f"linearity: time per page at {rows[-1]['count']} is {growth:.2f}× that at {rows[0]['count']} "
            f"({'ok' if growth <= LINEAR else 'MISSED'}, 1.00 is perfectly linear)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
