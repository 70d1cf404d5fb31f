"""Benchmark: build the site for 500 and 2,000 generated procedures, beside a plain `mkdocs build`
of the same pages as ordinary Markdown files (same theme, same nav, no catalog plugin).

Prints wall time, peak memory (the build's process and its workers), total site size and the
largest procedure page for both, and the ratio ours / plain. Targets (issue 4): the ratio at most
1.2, and time per page roughly constant from 500 to 2,000 (linear growth).

    python benchmarks/bench_site.py [--counts 500 2000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_validate import make_catalog  # noqa: E402

from generator.site.context import build_context  # noqa: E402
from generator.site.pages import render_pages  # noqa: E402
from generator.validation.validate import validate_catalog  # noqa: E402

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


def measure(body: str, cwd: Path) -> tuple[float, float]:
    result = subprocess.run([sys.executable, "-c", MEASURE.format(body=body)], cwd=cwd, capture_output=True,
                            text=True, check=True)
    seconds, kib = result.stdout.split()[-2:]
    return float(seconds), int(kib) / 1024


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
            ours_runs.append(measure(
                "from generator.cli import main\n"
                "assert main(['build', '--repo', '.', '--out', 'site']) == 0", repo))
            plain_runs.append(measure(
                "from mkdocs.config import load_config\nfrom mkdocs.commands.build import build\n"
                "build(load_config(config_file='mkdocs.yml'))", plain))
        ours_s, ours_mb = min(ours_runs)
        plain_s, plain_mb = min(plain_runs)
        ours_size, ours_largest = site_figures(repo / "site")
        plain_size, plain_largest = site_figures(plain / "site")
    return {"count": count, "ours_s": ours_s, "plain_s": plain_s, "ours_mb": ours_mb, "plain_mb": plain_mb,
            "ours_size": ours_size, "plain_size": plain_size, "ours_largest": ours_largest,
            "plain_largest": plain_largest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each build; the best is kept")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = []
    for count in args.counts:
        start = time.perf_counter()
        rows.append(run(count, args.repeat))
        print(f"[{count} procedures measured in {time.perf_counter() - start:.0f} s]", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'procedures':>10} {'ours s':>8} {'plain s':>8} {'ratio':>6} {'ours MB':>8} {'plain MB':>8} "
          f"{'site MB':>8} {'largest page':>13} {'ms/page':>8}")
    for row in rows:
        ratio = row["ours_s"] / row["plain_s"]
        print(f"{row['count']:>10} {row['ours_s']:>8.1f} {row['plain_s']:>8.1f} {ratio:>6.2f} "
              f"{row['ours_mb']:>8.0f} {row['plain_mb']:>8.0f} {row['ours_size']:>8.1f} "
              f"{row['ours_largest']:>10,} B {1000 * row['ours_s'] / row['count']:>8.1f}")
    worst = max(row["ours_s"] / row["plain_s"] for row in rows)
    print(f"target: ours / plain ≤ 1.20 — worst {worst:.2f}: {'ok' if worst <= 1.2 else 'MISSED'}")
    if len(rows) > 1:
        per_page = [row["ours_s"] / row["count"] for row in rows]
        growth = per_page[-1] / per_page[0]
        print(f"linearity: time per page at {rows[-1]['count']} is {growth:.2f}× that at {rows[0]['count']} "
              f"({'ok' if growth <= 1.3 else 'MISSED'}, 1.00 is perfectly linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
