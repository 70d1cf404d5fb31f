"""`catalog serve`: an edit is served, an invalid edit keeps the last good page with a banner naming
the problem (issue 15 cause 11: it used to make every request hang), Ctrl-C / SIGTERM end it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import interruptible, make_site_repo

from generator.diagnostics import Diagnostic
from generator.site.serve import banner_html

PROCEDURE = "catalog/procedures/so-tu-phap/1.013818.yaml"


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def until(url: str, predicate: Callable[[str], bool], limit: float = 60) -> str:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        body = fetch(url)
        if predicate(body):
            return body
        time.sleep(0.05)
    pytest.fail(f"{url} never showed what was expected within {limit} s")


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, subprocess.Popen[str]]:
    repo = make_site_repo(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--repo", str(repo), "--address", f"127.0.0.1:{port}"],
        cwd=repo,
        env=env,
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=interruptible,
    )
    yield repo, f"http://127.0.0.1:{port}", process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_edit_invalid_edit_and_fix(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    repo, base, process = served
    url = f"{base}/thu-tuc/1.013818/"
    first = until(url, lambda body: "1.013818" in body, limit=120)
    assert 'id="catalog-problems"' not in first
    source = repo / PROCEDURE
    text = source.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name: "))[len("name: ") :]
    source.write_text(text.replace(f"name: {name}", f"name: {name} đã sửa", 1), encoding="utf-8")
    until(url, lambda body: f"{name} đã sửa" in body)
    listing = until(f"{base}/linh-vuc/", lambda body: bool(body))
    assert listing  # the site keeps being served

    broken = source.read_text(encoding="utf-8").replace("sector: ", "sectr: ", 1)
    source.write_text(broken, encoding="utf-8")
    line = next(i for i, text_line in enumerate(broken.splitlines(), 1) if text_line.startswith("sectr: "))
    # The banner naming the file with a line: a watcher may also see the file half written (empty,
    # a problem of the whole file, no line) for a moment, and say so first.
    page = until(url, lambda body: f"<code>{PROCEDURE}:" in body)
    assert f"<code>{PROCEDURE}:{line}:1</code>" in page
    assert "unknown field &#x27;sectr&#x27;" in page or "sectr" in page
    assert f"{name} đã sửa" in page  # the last good page, under the banner
    other = fetch(f"{base}/")
    assert 'id="catalog-problems"' in other  # every page says it, and none waits

    source.write_text(broken.replace("sectr: ", "sector: ", 1), encoding="utf-8")
    fixed = until(url, lambda body: bool(body) and 'id="catalog-problems"' not in body)
    assert f"{name} đã sửa" in fixed

    sent = time.perf_counter()
    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(timeout=10) == 143
    assert time.perf_counter() - sent <= 2
    err = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in err
    assert err.strip().endswith("catalog: terminated")


def test_ctrl_c(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    _, base, process = served
    until(f"{base}/", lambda body: bool(body), limit=120)
    sent = time.perf_counter()
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=10) == 130
    assert time.perf_counter() - sent <= 2
    err = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in err and err.strip().endswith("catalog: interrupted")


def test_banner_escapes_what_it_shows() -> None:
    problem = Diagnostic("catalog/procedures/x/<b>.yaml", 3, 7, "/name", "type", "<script>alert(1)</script>")
    banner = banner_html([problem] * 25).decode()
    assert "<script>" not in banner and "&lt;script&gt;alert(1)&lt;/script&gt;" in banner
    assert "<code>catalog/procedures/x/&lt;b&gt;.yaml:3:7</code>" in banner
    assert banner.count("<li>") == 21 and "và 5 lỗi khác" in banner
