"""Benchmark: `catalog diff` between two commits of a 2,000-procedure catalog that differ in 20 files.

Target (issue 7): under 3 seconds. The catalog is the one bench_validate.py generates (files of
the size real records have); the second commit changes 20 files the ways agencies do: fees and
processing times edited, documents added, procedures abolished, moved to another agency's folder,
added and deleted. The command is timed end to end in a fresh process (interpreter start, git,
parsing, rendering Markdown), as a pull-request workflow runs it.

    python benchmarks/bench_diff.py [--count 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_validate import make_catalog  # noqa: E402

TARGET = 3.0
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=ENV, check=True)
    return result.stdout.strip()


def change_twenty(catalog: Path) -> int:
    """Change 20 procedure files in the ways agencies do; return how many files changed."""
    folder = catalog / "procedures" / "ubnd-cap-xa"
    files = sorted(folder.glob("9.*.yaml"))
    step = len(files) // 21
    picked = [files[i * step] for i in range(20)]
    for path in picked[:8]:  # a fee from 0 to 50.000 đ, a processing time from 1 to 3 working days
        text = path.read_text(encoding="utf-8")
        text = text.replace("amount: 0", "amount: 50000", 1).replace("value: 1\n", "value: 3\n", 1)
        path.write_text(text, encoding="utf-8")
    for path in picked[8:12]:  # a document added to the dossier
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            "  documents:\n", "  documents:\n  - name: Giấy tờ mới bổ sung\n    originals: 1\n", 1
        )
        path.write_text(text, encoding="utf-8")
    for path in picked[12:15]:  # abolished
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("status: active", "status: abolished", 1), encoding="utf-8")
    moved = catalog / "procedures" / "ubnd-phuong-long-chau"
    moved.mkdir(exist_ok=True)
    for path in picked[15:17]:  # moved to another agency's folder
        text = path.read_text(encoding="utf-8").replace("- ubnd-cap-xa", "- ubnd-phuong-long-chau")
        (moved / path.name).write_text(text, encoding="utf-8")
        path.unlink()
    for n, path in enumerate(picked[17:19]):  # new procedures
        text = path.read_text(encoding="utf-8").replace(path.stem, f"8.{n:06d}")
        (folder / f"8.{n:06d}.yaml").write_text(text, encoding="utf-8")
    picked[19].unlink()  # deleted
    return 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = make_catalog(root, args.count)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "base")
        changed = change_twenty(catalog)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "twenty changes")
        files = len(list(catalog.rglob("*.yaml")))
        command = [sys.executable, "-m", "generator", "diff", "HEAD~1", "HEAD", "--format", "markdown"]
        env = {**ENV, "PYTHONPATH": str(REPO)}
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, check=False)
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                print(result.stderr)
                return 1
        summary = [line for line in result.stdout.splitlines() if line.startswith("- ") and "thủ tục" in line]
    best, median = min(times), statistics.median(times)
    print(*summary, sep="\n")
    print(
        f"diff: {files} files, {changed} changed; best {best:.2f} s, median {median:.2f} s over {args.repeat} "
        f"runs (whole command, new process); target < {TARGET:.2f} s: {'ok' if best < TARGET else 'MISSED'}"
    )
    return 0 if best < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
