"""Shared by the browser tests: serve a built site on loopback, launch Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """$CHROMIUM, else Debian's Chromium headless shell, else Debian's Chromium. The headless shell
    (package chromium-headless-shell, what Playwright itself runs for headless tests) is the same
    Chromium release and Blink engine without the desktop browser around it: the same layout, the
    same scripts (the 360 px walk over the real site's 284 listing pages measures every cell, page
    width and element count identically), with about a third less processor time per page."""
    found = (
        os.environ.get("CHROMIUM")
        or shutil.which("chromium-headless-shell")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail(
            "Chromium is needed for the browser tests: on Debian run 'apt-get install "
            "chromium-headless-shell' (make test does this when run as root), or set CHROMIUM to its path"
        )
    return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


LISTING_COUNT = re.compile(r"<p>(\d{1,3}(?:\.\d{3})*) thủ tục")


@functools.cache  # the axe test asks at two widths: the site's 1,500 pages are read once
def largest_listing(site: Path) -> str:
    """The address of the first page of the listing that lists the most procedures (read from its
    count line, "1.020 thủ tục, xếp theo tên…"), so a check of "the largest listing" follows the
    catalog as it grows instead of naming a page that may have shrunk."""
    best, most = "", -1
    for page in sorted(site.rglob("index.html")):
        rel = page.parent.relative_to(site).as_posix()
        if rel == "." or re.search(r"(^|/)trang-\d+$", rel):
            continue  # the home page counts the whole catalog; later pages repeat their first
        text = page.read_text(encoding="utf-8")
        found = LISTING_COUNT.search(text) if 'class="tthc-list' in text else None
        if found and int(found.group(1).replace(".", "")) > most:
            best, most = f"/{rel}/", int(found.group(1).replace(".", ""))
    if not best:
        raise AssertionError(f"no listing page with a procedure count in {site}")
    return best


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextmanager
def chromium() -> Iterator[Browser]:
    path = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
