"""Screenshots of the citizen's site built from the real catalog, at 360 and 1280 px, to look at.

Home, a procedure (/thu-tuc/1.001193/), a listing (/truc-tuyen/partial/) and a life event
(/su-kien/sinh-con/), each at 360 × 800 and 1280 × 900 (the first screen), in Debian's Chromium.
Writes PNGs into OUT (default: screenshots/, git-ignored). ``--docs`` also writes the two small ones
the README shows (docs/screenshot-procedure-360.png, docs/screenshot-home-1280.png).

    python benchmarks/screenshots.py [--site DIR] [--out DIR] [--docs]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.site.build import build_site  # noqa: E402

PAGES = {
    "home": "/",
    "procedure": "/thu-tuc/1.001193/",
    "listing": "/truc-tuyen/partial/",
    "life-event": "/su-kien/sinh-con/",
}
SIZES = {360: 800, 1280: 900}
# The README's two: the phone at its size, the desktop at half size (small files).
DOCS = {
    ("procedure", 360): ("screenshot-procedure-360.png", 1.0),
    ("home", 1280): ("screenshot-home-1280.png", 0.5),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build the real catalog)")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument(
        "--docs", action="store_true", help="also write the README's two screenshots into docs/"
    )
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if args.site is None:
            build_site(REPO, site)
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            for width, height in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
                page = context.new_page()
                for name, address in PAGES.items():
                    page.goto(base + address)
                    path = args.out / f"{name}-{width}.png"
                    page.screenshot(path=str(path))
                    print(path)
                context.close()
            for (name, width), (file, scale) in DOCS.items() if args.docs else ():
                context = browser.new_context(
                    viewport={"width": width, "height": SIZES[width]},
                    locale="vi-VN",
                    device_scale_factor=scale,
                )
                page = context.new_page()
                page.goto(base + PAGES[name])
                page.screenshot(path=str(REPO / "docs" / file))
                print(REPO / "docs" / file)
                context.close()
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
