"""Benchmark: the agency's edit loop. Start `catalog serve` on N generated procedures (default 2,000),
edit a procedure file, poll its page and print the seconds from saving to the new page being served.

Target (issue 16): the edited page served ≤ 2 s after saving, at 2,000 procedures. The catalog is
a git repository with a few commits (as the real one is), so that the figure includes the change
history's cost. Also measured: an edit of the procedure's name (which changes the listings too), an
edit of sectors.yaml (every page rebuilt: requests meanwhile must get a page at once, never a 404),
and an edit that makes the file invalid: the last good page must still be served, with the banner
naming the problem (file:line:col), and the banner must go once the file is fixed. Finally Ctrl-C
must stop the server within 2 s with exit 130.

    python benchmarks/bench_serve.py [--count 2000]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_site import make_repo  # noqa: E402

TARGET = 2.0
CODE = "9.000007"
COMMITS = 4  # the first (every file), then commits editing HISTORY_EDITS procedures each
HISTORY_EDITS = 150


def git(repo: Path, *args: str, date: str = "2026-01-01T09:00:00+07:00") -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
    )
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def make_history(repo: Path) -> float:
    """The catalog as a git repository: one commit of everything, then commits each editing a step
    of HISTORY_EDITS procedures (never CODE's); returns the seconds git_history takes over it."""
    from generator.site.history import git_history

    (repo / ".gitignore").write_text(".catalog-cache/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Catalog")
    files = sorted((repo / "catalog" / "procedures" / "ubnd-cap-xa").glob("9.*.yaml"))
    files = [f for f in files if f.stem != CODE]
    for k in range(1, COMMITS):
        for path in files[(k - 1) * HISTORY_EDITS : k * HISTORY_EDITS]:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("Bước 1", f"Bước 1 (lần {k})", 1), encoding="utf-8")
        git(repo, "commit", "-q", "-am", f"Edit {k}", date=f"2026-01-0{k + 1}T09:00:00+07:00")
    start = time.perf_counter()
    git_history(repo / "catalog")
    return time.perf_counter() - start


def poll_during(urls: list[str], stop: threading.Event, seen: list[tuple[int, float]]) -> None:
    """Fetch ``urls`` in turn until ``stop``: (status, seconds) of each request."""
    while not stop.is_set():
        for url in urls:
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = 0
            seen.append((status, time.perf_counter() - start))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, predicate: object, limit: float) -> float | None:
    """Seconds until the page at ``url`` satisfies ``predicate`` (polled every 20 ms), or None."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if predicate(fetch(url)):  # type: ignore[operator]
            return time.perf_counter() - start
        time.sleep(0.02)
    return None


def edit(path: Path, old: str, new: str) -> float:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return time.perf_counter()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp), args.count)
        history = make_history(repo)
        print(
            f"the catalog's git history: {COMMITS} commits ({COMMITS - 1} editing {HISTORY_EDITS} procedures "
            f"each); git_history over it: {history:.2f} s (once per commit HEAD names)"
        )
        port = free_port()
        env = dict(os.environ, CATALOG_AS_OF="2026-01-01")
        started = time.perf_counter()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "serve",
                "--repo",
                str(repo),
                "--address",
                f"127.0.0.1:{port}",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/thu-tuc/{CODE}/"
            first = wait_for(url, lambda body: CODE in body, 600)
            if first is None:
                print(
                    "serve never served the page:", server.stderr.read() if server.poll() is not None else ""
                )
                return 1
            print(
                f"serve: {args.count} procedures, first page served {time.perf_counter() - started:.1f} s "
                "after start (full build)"
            )
            source = repo / "catalog" / "procedures" / "ubnd-cap-xa" / f"{CODE}.yaml"
            figures = []
            for n in range(3):  # a text edit (the procedure's page and the search data)
                marker = f"Bước 1 (sửa lần {n})"
                saved = edit(source, "Bước 1" if n == 0 else f"Bước 1 (sửa lần {n - 1})", marker)
                seen = wait_for(url, lambda body, m=marker: m in body, 30)
                figures.append(seen if seen is not None else float("inf"))
                del saved
                time.sleep(0.5)
            best = min(figures)
            print(
                f"edit a step: edited page served after {', '.join(f'{s:.2f}' for s in figures)} s "
                f"(best {best:.2f} s); target ≤ {TARGET:.1f} s: {'ok' if max(figures) <= TARGET else 'MISSED'}"
            )
            ok &= max(figures) <= TARGET
            name = f"Đăng ký khai sinh {CODE} đổi tên"
            text = source.read_text(encoding="utf-8")
            old_name = next(line for line in text.splitlines() if line.startswith("name: "))
            edit(source, old_name, f"name: {name}")
            seen = wait_for(url, lambda body: name in body, 30)
            listing = wait_for(f"http://127.0.0.1:{port}/linh-vuc/cong-chung/", lambda body: name in body, 30)
            print(
                f"edit the name: edited page after {seen if seen is None else round(seen, 2)} s, its listing "
                f"page after {listing if listing is None else round(listing, 2)} s more"
            )
            # every page rebuilt (sectors.yaml): requests meanwhile get a page at once, never a 404
            seen: list[tuple[int, float]] = []
            stop = threading.Event()
            poller = threading.Thread(
                target=poll_during, args=([url, f"http://127.0.0.1:{port}/linh-vuc/"], stop, seen)
            )
            poller.start()
            time.sleep(0.3)
            sectors = repo / "catalog" / "sectors.yaml"
            edit(sectors, "name: Công chứng", "name: Công chứng (đổi tên)")
            rebuilt = wait_for(
                f"http://127.0.0.1:{port}/linh-vuc/", lambda body: "Công chứng (đổi tên)" in body, 120
            )
            time.sleep(0.5)
            stop.set()
            poller.join()
            failed = sum(status != 200 for status, _ in seen)
            slowest = max(seconds for _, seconds in seen)
            during_ok = rebuilt is not None and failed == 0 and slowest <= 1
            print(
                f"edit sectors.yaml (every page): new listing after {rebuilt if rebuilt is None else round(rebuilt, 2)} "
                f"s; {len(seen)} requests meanwhile, slowest {slowest:.2f} s, not 200: {failed}; target every "
                f"request answered within 1 s: {'ok' if during_ok else 'MISSED'}"
            )
            ok &= during_ok
            # an invalid edit: the last good page stays, with the banner naming file:line:col
            good = fetch(url)
            edit(source, "sector: ", "sectr: ")
            shown = wait_for(url, lambda body: 'id="catalog-problems"' in body, 30)
            body = fetch(url)
            place = f"catalog/procedures/ubnd-cap-xa/{CODE}.yaml:"
            last_good = name in body and body.replace(
                body[
                    body.find('<div id="catalog-problems"') : body.find(
                        "</div>", body.find('id="catalog-problems"')
                    )
                    + 6
                ],
                "",
            ).count(name) == good.count(name)
            banner_ok = shown is not None and place in body and "sectr" in body and last_good
            print(
                f"invalid edit: banner after {shown if shown is None else round(shown, 2)} s, names "
                f"{place}LINE:COL: {'yes' if place in body else 'no'}, last good page kept: "
                f"{'yes' if last_good else 'no'}: {'ok' if banner_ok else 'MISSED'}"
            )
            ok &= banner_ok
            edit(source, "sectr: ", "sector: ")
            gone = wait_for(url, lambda body: body and 'id="catalog-problems"' not in body, 30)
            print(
                f"fixed again: banner gone after {gone if gone is None else round(gone, 2)} s: "
                f"{'ok' if gone is not None else 'MISSED'}"
            )
            ok &= gone is not None
        finally:
            stop = time.perf_counter()
            os.killpg(server.pid, signal.SIGINT)
            try:
                code = server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                code = server.wait()
            waited = time.perf_counter() - stop
            errors = server.stderr.read() if server.stderr else ""
        updates = [line.removeprefix("catalog serve: ") for line in errors.splitlines() if "updated" in line]
        print(f"the server's updates, in order: {'; '.join(updates) or 'none'}")
        clean = code == 130 and waited <= 2 and "Traceback" not in errors
        print(
            f"Ctrl-C: exit {code} after {waited:.2f} s, traceback: {'yes' if 'Traceback' in errors else 'no'}; "
            f"target exit 130 within 2 s: {'ok' if clean else 'MISSED'}"
        )
        ok &= clean
    print("(timings on a shared machine are noisy; each figure is one edit)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
