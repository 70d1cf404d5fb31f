"""`catalog serve`: an edit is served, an invalid edit keeps the last good page with a banner naming
the problem (issue 15 cause 11: it used to make every request hang), Ctrl-C / SIGTERM end it."""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest
from conftest import git_commit, interruptible, make_site_repo

from generator.diagnostics import Diagnostic
from generator.site import siteconfig
from generator.site.serve import banner_html, build_problem

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


def start_serve(repo: Path, tmp_path: Path) -> tuple[str, subprocess.Popen[str]]:
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
    return f"http://127.0.0.1:{port}", process


def stop_serve(process: subprocess.Popen[str]) -> None:
    """SIGTERM first, so that serve removes its folder (under /dev/shm); SIGKILL only if it hangs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    repo = make_site_repo(tmp_path)
    base, process = start_serve(repo, tmp_path)
    yield repo, base, process
    stop_serve(process)


SLOW_REBUILDS = """\
import time

built = 0


def on_post_build(config):  # every build after the first lasts 2 s more (tests/test_serve.py)
    global built
    built += 1
    if built > 1:
        time.sleep(2)
"""


@pytest.fixture
def served_slowly(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    """``served``, with every full rebuild lasting 2 s more (a hook in mkdocs.yml), as on the real
    catalog, so that requests surely come during one."""
    repo = make_site_repo(tmp_path)
    (repo / "slow_rebuilds.py").write_text(SLOW_REBUILDS, encoding="utf-8")
    config = repo / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\nhooks:\n  - slow_rebuilds.py\n", encoding="utf-8"
    )
    base, process = start_serve(repo, tmp_path)
    yield repo, base, process
    stop_serve(process)


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


def status_and_body(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, str(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_pages_are_served_at_once_during_a_full_rebuild(
    served_slowly: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    """A change of sectors.yaml rebuilds every page, into a new folder. Requests made meanwhile used
    to wait for the whole rebuild and then get a 404 (MkDocs took the file's path from the old
    folder before waiting, and the switch to the new folder deleted the old one): now each gets the
    last good page at once, or the new one."""
    repo, base, _ = served_slowly
    urls = [f"{base}/thu-tuc/1.013818/", f"{base}/", f"{base}/linh-vuc/"]
    until(urls[0], lambda body: "1.013818" in body, limit=120)
    seen: list[tuple[str, int, float, bool]] = []  # url, status, seconds, the new sector name shown
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for url in urls:
                start = time.perf_counter()
                status, body = status_and_body(url)
                seen.append((url, status, time.perf_counter() - start, "Công chứng (đổi tên)" in body))

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        time.sleep(0.3)
        sectors = repo / "catalog" / "sectors.yaml"
        sectors.write_text(
            sectors.read_text(encoding="utf-8").replace("name: Công chứng", "name: Công chứng (đổi tên)"),
            encoding="utf-8",
        )
        until(urls[0], lambda body: "Công chứng (đổi tên)" in body)
        time.sleep(0.5)  # the old folder is gone by now, or going
    finally:
        stop.set()
        poller.join()
    assert {status for _, status, _, _ in seen} == {200}, [s for s in seen if s[1] != 200][:3]
    assert max(seconds for _, _, seconds, _ in seen) < 1  # the rebuild lasts more than 2 s
    shown = [new for url, _, _, new in seen if url == urls[0]]
    assert shown[0] is False and shown[-1] is True
    assert shown == sorted(shown)  # once the new page is served, never the old one again


def test_mkdocs_yml_is_read_again(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    """serve built with its starting configuration whatever mkdocs.yml became, and an invalid
    mkdocs.yml gave no banner: now a change rebuilds with the new configuration, and an invalid one
    is said on every page (as `catalog build` says it) over the last good pages."""
    repo, base, process = served
    url = f"{base}/thu-tuc/1.013818/"
    until(url, lambda body: "1.013818" in body, limit=120)
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    renamed = text.replace("  - Kế hoạch 575: ke-hoach/index.md", "  - Kế hoạch 575 (mới): ke-hoach/index.md")
    assert renamed != text
    config.write_text(renamed, encoding="utf-8")
    until(url, lambda body: "Kế hoạch 575 (mới)" in body)

    broken = renamed + "extra_css: [\n"
    with pytest.raises(siteconfig.SiteConfigError) as refused:
        siteconfig.parse(broken)
    said = str(refused.value)
    assert said.startswith("mkdocs.yml: line 62, column 1: invalid YAML: ")
    config.write_text(broken, encoding="utf-8")
    page = until(url, lambda body: 'id="catalog-problems"' in body)
    assert (
        f"<li><code>mkdocs.yml</code> {html.escape(said.removeprefix('mkdocs.yml: '))} [build-error]</li>"
        in page
    )
    assert "Kế hoạch 575 (mới)" in page  # the last good page
    config.write_text(text, encoding="utf-8")
    back = until(url, lambda body: bool(body) and 'id="catalog-problems"' not in body)
    assert "Kế hoạch 575 (mới)" not in back and "Kế hoạch 575" in back
    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(timeout=10) == 143
    err = process.stderr.read() if process.stderr else ""
    assert err.count("catalog serve: updated every page (mkdocs.yml read again)") == 2, err
    assert "Traceback" not in err


def test_a_commit_refreshes_the_history(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    """The pages show each procedure's history (from commits) and the plan's date "as of" (the last
    commit's): a `git commit` while serving shows the new history line and the new date (HEAD is
    watched), though no catalog file changed."""
    repo, base, _ = served
    url = f"{base}/thu-tuc/1.013818/"
    page = until(url, lambda body: "1.013818" in body, limit=120)
    assert '<time datetime="2026-11-10">' in page and '<time datetime="2026-12-20">' not in page
    assert "tính đến ngày 10/11/2026" in fetch(f"{base}/ke-hoach/")
    source = repo / PROCEDURE
    source.write_text(
        source.read_text(encoding="utf-8").replace("1.750.000 đồng/hồ sơ", "1.800.000 đồng/hồ sơ"),
        encoding="utf-8",
    )
    page = until(url, lambda body: "1.800.000 đồng/hồ sơ" in body)
    assert '<time datetime="2026-12-20">' not in page  # not committed yet
    git_commit(repo, "Phí mới", "2026-12-20T09:00:00+07:00")
    page = until(url, lambda body: '<time datetime="2026-12-20">' in body)
    until(f"{base}/ke-hoach/", lambda body: "tính đến ngày 20/12/2026" in body)
    # and then nothing more: watchdog also reports files opened and read, and every rebuild reads
    # the catalog and mkdocs.yml (and git's HEAD): each rebuild used to start another, without end,
    # each reloading the browsers (a new epoch in the page's live-reload script)
    time.sleep(1)
    first = epoch(fetch(url))
    time.sleep(1.5)
    assert epoch(fetch(url)) == first


def epoch(page: str) -> int:
    """The site's version a page was served at (MkDocs' live-reload script: ``livereload(EPOCH, ID)``)."""
    found = re.search(r"livereload\((\d+), \d+\)", page)
    assert found is not None
    return int(found[1])


def test_the_open_data_is_said_to_be_in_the_built_site_only(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    """`catalog build` writes the open data (api/v1/…) that /du-lieu-mo/ links to; serve does not
    (seconds at every full rebuild, stale after every edit): its links were bare 404s."""
    _, base, _ = served
    page = until(f"{base}/du-lieu-mo/", lambda body: "api/v1/procedures.json" in body, limit=120)
    note = (
        "Bản xem trước (<code>catalog serve</code>) không tạo các tệp dữ liệu mở "
        "(<code>api/v1/…</code>): chúng chỉ có trong trang web dựng bằng <code>catalog build</code> "
        "(thư mục <code>site/</code>)."
    )
    assert page.count(note) == 1
    assert note not in fetch(f"{base}/thu-tuc/1.013818/")  # only where the open data is linked
    status, body = status_and_body(f"{base}/api/v1/procedures.json")
    assert status == 404 and "<h1>Dữ liệu mở chưa được tạo</h1>" in body and note in body
    status, body = status_and_body(f"{base}/khong-co-trang-nay/")
    assert status == 404 and note not in body  # another missing page: the site's own 404


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


def test_a_build_error_says_where(tmp_path: Path) -> None:
    """A build error's banner line named no place (``<code></code>``): now the file when known (the
    system's refusal names it, Jinja names the template and its line), else says it is not known."""
    repo = tmp_path / "repo"
    (repo / "site_overrides").mkdir(parents=True)
    long_name = str(tmp_path / ("catalog-serve-" + "x" * 300))
    try:
        Path(long_name).mkdir()
    except OSError as exc:
        refused = build_problem(exc, repo)
    assert refused.file == long_name and refused.message.startswith("OSError: [Errno 36] File name too long")
    assert f"<li><code>{long_name}</code> OSError: [Errno 36]" in banner_html([refused]).decode()

    (repo / "site_overrides" / "main.html").write_text(
        "<p>\n{% block content %}\n{{ page.x( }}\n", encoding="utf-8"
    )
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(repo / "site_overrides"))
    try:
        env.get_template("main.html")
    except jinja2.TemplateSyntaxError as exc:
        template = build_problem(exc, repo)
    assert (template.file, template.line) == ("site_overrides/main.html", 3)
    assert (
        "<li><code>site_overrides/main.html:3</code> TemplateSyntaxError: "
        in banner_html([template]).decode()
    )

    (repo / "site_overrides" / "main.html").write_text("<p>{{ 1 // 0 }}</p>\n", encoding="utf-8")
    try:
        env.get_template("main.html").render()
    except ZeroDivisionError as exc:
        runtime = build_problem(exc, repo)
    assert (runtime.file, runtime.line) == ("site_overrides/main.html", 1)

    unknown = build_problem(KeyError("nav"), repo)
    assert "<li><code>(không rõ tệp nào)</code> KeyError: &#x27;nav&#x27; [build-error]</li>" in (
        banner_html([unknown]).decode()
    )
