"""Benchmark: Lighthouse (mobile) over the citizen's site built from the real catalog.

Builds the site of this repository's catalog (1,210 procedures), serves it on loopback (text
gzip-compressed, as a production web server sends it) and runs
Lighthouse with Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) in its default mobile setting
(Moto G power, slow 4G, 4× CPU throttling) over the home page, a procedure (/thu-tuc/1.001193/),
the listing of the most procedures (found in the built site: /truc-tuyen/unknown/, 1,020 procedures
in pages of 50, when this was written), the page with the largest table (the one-stop desks) and a
life-event page. Prints performance and accessibility per page with
a verdict: performance ≥ 95, accessibility 100 (issue 13).

Lighthouse is an npm package, installed on first use into .lighthouse/ (git-ignored) with
``npm i -E lighthouse@12.2.3`` (13.x wants Node 22; Debian has Node 20).

    python benchmarks/bench_lighthouse.py [--site DIR] [--runs 1]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.site.build import build_site  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from browser_support import largest_listing  # noqa: E402  (the browser tests' own choice of page)

TOOLS = REPO / ".lighthouse"
VERSION = "12.2.3"
PERFORMANCE, ACCESSIBILITY = 95, 100
GZIP = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}


def lighthouse() -> Path:
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOLS.mkdir(exist_ok=True)
        if not (TOOLS / "package.json").exists():
            (TOOLS / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        subprocess.run(
            ["npm", "i", "-E", f"lighthouse@{VERSION}", "--no-audit", "--no-fund"], cwd=TOOLS, check=True
        )
    return binary


def largest_table(site: Path) -> str:
    """The page with the largest listing table (by its HTML size among the pages holding one)."""
    best, size = "/", 0
    for page in site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        if 'class="tthc-list' in text and len(text) > size:
            rel = page.parent.relative_to(site).as_posix()
            best, size = ("/" if rel == "." else f"/{rel}/"), len(text)
    return best


def audit(binary: Path, url: str, chromium: str) -> tuple[float, float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(binary),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--only-categories=performance,accessibility",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            env={**os.environ, "CHROME_PATH": chromium},
            check=True,
            timeout=300,
        )
        report = json.loads(out.read_text(encoding="utf-8"))
    categories = report["categories"]
    metrics = {
        key: report["audits"][key]["numericValue"]
        for key in ("largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
    }
    metrics["dom-size"] = report["audits"]["dom-size"]["numericValue"]
    return categories["performance"]["score"] * 100, categories["accessibility"]["score"] * 100, metrics


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a web server in production does (GitHub Pages, nginx): text gzip-compressed."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            "gzip" not in self.headers.get("Accept-Encoding", "")
            or path.suffix not in GZIP
            or not path.is_file()
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build the real catalog)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is printed")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    binary = lighthouse()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if args.site is None:
            print("building the real catalog's site …", flush=True)
            build_site(REPO, site)
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        pages = {
            "home": "/",
            "procedure": "/thu-tuc/1.001193/",
            "largest listing": largest_listing(site),
            "largest table": largest_table(site),
            "life event": "/su-kien/sinh-con/",
        }
        failed = False
        audit(binary, base + "/", chromium)  # a warm-up, not counted: the first Chromium start is slow
        print(
            f"Lighthouse {VERSION}, mobile, {args.runs} run(s) per page, median (the machine is shared: noisy)"
        )
        for name, address in pages.items():
            runs = [audit(binary, base + address, chromium) for _ in range(args.runs)]
            perf = statistics.median(r[0] for r in runs)
            a11y = statistics.median(r[1] for r in runs)
            m = runs[len(runs) // 2][2]
            verdict = "ok" if perf >= PERFORMANCE and a11y >= ACCESSIBILITY else "MISSED"
            failed |= verdict == "MISSED"
            print(
                f"{name:16} {address:32} performance {perf:5.1f} (target ≥ {PERFORMANCE}) accessibility "
                f"{a11y:5.1f} (target {ACCESSIBILITY})  LCP {m['largest-contentful-paint'] / 1000:.2f} s, "
                f"TBT {m['total-blocking-time']:.0f} ms, CLS {m['cumulative-layout-shift']:.3f}, "
                f"{m['dom-size']:.0f} DOM nodes  {verdict}"
            )
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
