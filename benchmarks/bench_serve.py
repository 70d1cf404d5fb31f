"""Benchmark: the agency's edit loop. Start `catalog serve` on N generated procedures (default 2,000),
edit a procedure file, poll its page and print the seconds from saving to the new page being served.

Target (issue 16): the edited page served ≤ 2 s after saving, at 2,000 procedures. Also measured:
an edit of the procedure's name (which changes the listings too), and an edit that makes the file
invalid: the last good page must still be served, with the banner naming the problem
(file:line:col), and the banner must go once the file is fixed. Finally Ctrl-C must stop the
server within 2 s with exit 130.

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
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_site import make_repo  # noqa: E402

TARGET = 2.0
CODE = "9.000007"


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
