"""A build killed at any moment leaves the previous site whole; the same commit builds the same bytes.

The kill test runs ``python -m generator build`` as a child process and SIGKILLs it at moments spread
over one full build's duration, and at moments chosen by what the build has written so far (its
staging folder appearing, half-filled, complete before the swap). After each kill the published
folder is, file for file, either the previous site or the new one: never a mixture, never missing,
except in the one state two renames cannot avoid (killed between them: ``.site.old`` holds the
previous site whole and the next build puts it back first).

The determinism test builds two checkouts of one commit in different folders, and again under
another time zone, another locale and a faked clock, and compares every file byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, deleted_in_background, make_site_repo

Snapshot = dict[str, str]
KILL_FRACTIONS = (0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.88, 0.94, 0.97, 0.99)
KILL_SECONDS = (0.3, 0.8, 1.5)


def snapshot(folder: Path) -> Snapshot:
    """Every file under ``folder`` by its relative path, as a SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_command(repo: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--repo", str(repo), "--out", str(out)]


def build(repo: Path, out: Path, env: dict[str, str] | None = None) -> float:
    """A full build in a child process; its duration in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        build_command(repo, out), capture_output=True, text=True, timeout=300, cwd=repo, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - start


def commit(repo: Path, message: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": "2026-11-20T08:00:00+07:00",
        "GIT_COMMITTER_DATE": "2026-11-20T08:00:00+07:00",
    }
    subprocess.run(["git", "commit", "-qam", message], cwd=repo, check=True, env=env)


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.new-*"))


def kill_build(repo: Path, out: Path, when: Callable[[float], bool], limit: float = 120) -> float:
    """Start a build and SIGKILL it (its whole process group) as soon as ``when(elapsed)`` holds;
    return the moment. A build that ends first is not an error: the caller's checks still hold."""
    process = subprocess.Popen(
        build_command(repo, out),
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    start = time.perf_counter()
    try:
        while process.poll() is None:
            elapsed = time.perf_counter() - start
            if when(elapsed) or elapsed > limit:
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        process.wait(timeout=60)
    return time.perf_counter() - start


def after_seconds(seconds: float) -> Callable[[float], bool]:
    return lambda elapsed: elapsed >= seconds


def when_staging(out: Path, minimum_files: int) -> Callable[[float], bool]:
    """Once a staging folder holds at least ``minimum_files`` files (0: once it exists)."""

    def ready(_: float) -> bool:
        for folder in staging_folders(out):
            try:
                if minimum_files == 0 or sum(1 for p in folder.rglob("*") if p.is_file()) >= minimum_files:
                    return True
            except OSError:  # renamed or removed while counted
                continue
        return False

    return ready


def published(out: Path, old: Snapshot, new: Snapshot) -> str:
    """Which whole site the published folder holds now: 'old', 'new', or 'between renames'."""
    if out.is_dir():
        found = snapshot(out)
        assert found in (old, new), "the published site is a mixture of two builds, or damaged"
        return "old" if found == old else "new"
    held = out.parent / f".{out.name}.old"
    assert held.is_dir(), f"{out} is missing and there is no {held.name} to recover it from"
    assert snapshot(held) == old, f"{held.name} is not the previous site whole"
    return "between renames"


@dataclass(frozen=True)
class Sites:
    repo: Path  # at the second commit
    out: Path  # where the site is published; holds the first commit's site to begin with
    pristine: Path  # a copy of the first commit's site
    old: Snapshot  # the first commit's site
    new: Snapshot  # the second commit's
    duration: float  # of one whole build, in seconds


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("atomic")
    repo = make_site_repo(root)
    out = root / "site"
    first = build(repo, out)
    old = snapshot(out)
    pristine = root / "pristine-old"
    shutil.copytree(out, pristine)
    procedure = repo / "catalog/procedures/ubnd-cap-xa/1.001193.yaml"
    procedure.write_text(
        procedure.read_text(encoding="utf-8").replace(
            "name: Thủ tục đăng ký khai sinh", "name: Thủ tục đăng ký khai sinh (sửa đổi)"
        ),
        encoding="utf-8",
    )
    commit(repo, "Sửa tên thủ tục")
    # The best of two whole builds (the two commits' sites are the same size), so that one slow
    # build on a loaded machine does not spread the kill moments past the build's real end.
    duration = min(first, build(repo, root / "new"))
    new = snapshot(root / "new")
    assert old != new
    return Sites(repo, out, pristine, old, new, duration)


def restore(sites: Sites) -> None:
    """Publish the previous site again and clear what killed builds left beside it."""
    out = sites.out
    for leftover in [out, out.parent / f".{out.name}.old", *staging_folders(out)]:
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(sites.pristine, out)


def test_a_killed_build_leaves_a_whole_site(sites: Sites) -> None:
    out, duration = sites.out, sites.duration
    moments: list[tuple[str, Callable[[float], bool]]] = [
        *((f"{s:.1f} s", after_seconds(s)) for s in KILL_SECONDS if s < duration),
        *((f"{f:.0%} of {duration:.2f} s", after_seconds(f * duration)) for f in KILL_FRACTIONS),
        ("staging folder created", when_staging(out, 0)),
        ("staging folder half written", when_staging(out, max(1, len(sites.new) // 2))),
        ("staging folder complete, before the swap", when_staging(out, len(sites.new))),
    ]
    outcomes: list[str] = []
    for label, when in moments:
        restore(sites)
        killed_at = kill_build(sites.repo, out, when)
        state = published(out, sites.old, sites.new)
        outcomes.append(f"{label}: killed at {killed_at:.2f} s, published site {state}")
    print("\n".join(outcomes))
    assert sum("site old" in o for o in outcomes) >= 3, (
        "too few kills landed before the swap to prove anything"
    )
    # Whatever the last kill left, the next normal build recovers it and publishes the new site.
    build(sites.repo, out)
    assert snapshot(out) == sites.new
    assert not (out.parent / f".{out.name}.old").exists()
    assert staging_folders(out) == []
    assert deleted_in_background(out)


def test_a_build_killed_between_the_renames_is_recovered(sites: Sites, tmp_path: Path) -> None:
    """The state a kill between ``out → .out.old`` and ``staging → out`` leaves (made by hand: the
    window is microseconds wide), plus a stale staging folder: the next build, even killed itself
    half-way, first puts the previous site back; a whole build then publishes the new one."""
    out = tmp_path / "site"
    shutil.copytree(sites.pristine, tmp_path / f".{out.name}.old")
    stale = tmp_path / f".{out.name}.new-stale"
    (stale / "thu-tuc").mkdir(parents=True)
    (stale / "thu-tuc" / "half.html").write_text("<p>half", encoding="utf-8")
    kill_build(sites.repo, out, when_staging(out, max(1, len(sites.new) // 2)))
    assert published(out, sites.old, sites.new) in ("old", "new")
    assert not stale.exists()
    build(sites.repo, out)
    assert snapshot(out) == sites.new
    assert deleted_in_background(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_the_published_site_is_readable_by_a_web_server(sites: Sites, tmp_path: Path) -> None:
    """The staging folder is made private (mkdtemp: 0700) and renamed into place: the published
    folder must still have the permissions any other new folder gets, or a web server running as
    another user (nginx as www-data) answers 403 Forbidden."""
    out = tmp_path / "site"
    build(sites.repo, out)
    reference = tmp_path / "reference"
    reference.mkdir()
    assert oct(stat.S_IMODE(out.stat().st_mode)) == oct(stat.S_IMODE(reference.stat().st_mode))


# ---- the same commit, the same bytes ---------------------------------------------------------------


FAKE_CLOCK = """
import datetime as _datetime, runpy, sys, time as _time
_SHIFT = 3 * 365 * 86400 + 12345.678  # three years and a bit later
_real_time, _real_time_ns = _time.time, _time.time_ns
_time.time = lambda: _real_time() + _SHIFT
_time.time_ns = lambda: _real_time_ns() + int(_SHIFT * 1e9)
class _FakeDatetime(_datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(_time.time(), tz)
    @classmethod
    def utcnow(cls):
        return cls.utcfromtimestamp(_time.time())
    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())
_datetime.datetime = _FakeDatetime
assert _datetime.date.today().year >= 2029, _datetime.date.today()
sys.argv = ["generator", *sys.argv[1:]]
runpy.run_module("generator", run_name="__main__", alter_sys=True)
"""


def test_two_checkouts_build_the_same_bytes(sites: Sites, tmp_path: Path) -> None:
    """The first checkout is the kill tests' repository, whose site at make_site_repo's commit is
    ``sites.old`` (built in its own folder); the second a clone of that commit elsewhere, deeper."""
    origin = make_site_repo(tmp_path)
    clone = tmp_path / "b" / "elsewhere" / "deeper"
    clone.parent.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    second = tmp_path / "out-b" / "site"
    build(clone, second)
    reference = sites.old
    assert len(reference) > 50
    assert snapshot(second) == reference, "two checkouts of one commit built different sites"

    variants = {
        "TZ=Pacific/Kiritimati": {"TZ": "Pacific/Kiritimati"},
        "TZ=America/Adak": {"TZ": "America/Adak"},
        "LANG=C": {"LANG": "C", "LC_ALL": "C"},
        "LANG=vi_VN.UTF-8": {"LANG": "vi_VN.UTF-8", "LC_ALL": "vi_VN.UTF-8"},
        "LANG=tr_TR.UTF-8": {"LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8"},
        # An ASCII locale encoding with Python's UTF-8 mode off, as on a server whose locale is not
        # UTF-8 or on Windows: text read from git or files without encoding="utf-8" changes or fails.
        "LC_ALL=C, no UTF-8 mode": {
            "LANG": "C",
            "LC_ALL": "C",
            "PYTHONUTF8": "0",
            "PYTHONCOERCECLOCALE": "0",
        },
    }
    differences: list[str] = []
    for number, (name, extra) in enumerate(variants.items()):
        out = tmp_path / f"out-variant-{number}"
        done = subprocess.run(
            build_command(clone, out),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
            cwd=clone,
            env={**os.environ, **extra},
        )
        if done.returncode != 0:
            differences.append(f"{name}: the build failed: {done.stderr.strip().splitlines()[-2:]}")
            continue
        found = snapshot(out)
        differences += [
            f"{name}: {path}"
            for path in sorted(set(found) | set(reference))
            if found.get(path) != reference.get(path)
        ]
    # A clock three years ahead: nothing in the site may come from "now".
    out = tmp_path / "out-fake-clock"
    done = subprocess.run(
        [sys.executable, "-c", FAKE_CLOCK, "build", "--repo", str(clone), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=clone,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = snapshot(out)
    differences += [
        f"fake clock: {path}"
        for path in sorted(set(found) | set(reference))
        if found.get(path) != reference.get(path)
    ]
    assert differences == [], "\n".join(differences)


def test_libfaketime_when_installed(sites: Sites, tmp_path: Path) -> None:
    """The same with the whole process's clock faked by libfaketime (Debian package faketime), when
    it is installed; the Python-level fake above runs everywhere. Compared with the site a normal
    build made of the same commit (``sites.old``, in another folder: see the test above)."""
    library = next(
        (
            p
            for p in (
                Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
                Path("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
            )
            if p.is_file()
        ),
        None,
    )
    if library is None:
        pytest.skip("libfaketime is not installed (apt-get install faketime)")
    repo = make_site_repo(tmp_path)
    build(repo, tmp_path / "later", env={**os.environ, "LD_PRELOAD": str(library), "FAKETIME": "+3y"})
    assert snapshot(tmp_path / "later") == sites.old


DELETER = """
import shutil, sys, time
from pathlib import Path
from generator.site import build
shutil.rmtree = lambda *args, **kwargs: time.sleep(6)  # a deletion that takes long (a busy disk)
build.remove_in_background(Path(sys.argv[1]))
print("handed over", flush=True)
"""


def test_background_deletion_holds_none_of_the_commands_output(tmp_path: Path) -> None:
    """The detached process that deletes a previous site or an interrupted build's staging folder
    keeps nothing of the command open: a pipe reading the command's output (CI, `catalog build |
    tee`, a test) ends when the command ends, not when the deletion does (it held them: an
    interrupted build of the real catalog seemed to take 3 s to stop)."""
    old = tmp_path / ".site.old"
    (old / "page").mkdir(parents=True)
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", DELETER, str(old)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    took = time.monotonic() - began
    assert (done.returncode, done.stdout, done.stderr) == (0, "handed over\n", "")
    assert took < 5, f"the output pipes stayed open {took:.1f} s: the deleter holds them"
    assert not old.exists()  # renamed away at once, into a .site.trash-* folder being deleted
    assert [p.name.startswith(".site.trash-") for p in tmp_path.iterdir()] == [True]


REAPED = """
import os, sys, time
from pathlib import Path
from generator.site import build
for n in range(3):
    build.remove_in_background(Path(sys.argv[1]) / f"{n}")
time.sleep(0.3)
try:
    os.waitpid(-1, os.WNOHANG)
    print("a child is left", flush=True)
except ChildProcessError:
    print("no child left", flush=True)
"""


def test_background_deletion_leaves_no_child_process(tmp_path: Path) -> None:
    """`catalog serve` hands a folder to a deleter at every full rebuild: each deleter was a child
    nobody waited for, a zombie until serve stopped (35 after 35 rebuilds). The deleter is now a
    grandchild, adopted by init; the child between is reaped at once."""
    for n in range(3):
        (tmp_path / f"{n}" / "page").mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, "-c", REAPED, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "no child left\n", "")
    deadline = time.monotonic() + 60
    while any((tmp_path / f"{n}").exists() for n in range(3)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any((tmp_path / f"{n}").exists() for n in range(3))  # the deleters did their work
