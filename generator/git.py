"""Every git call of the generator: the commit a catalog was built from, its history, its files at a
commit, the files two revisions differ in.

Every function here reads git and never changes a repository. Where the catalog is not in a git
repository (a copied folder, a tarball), or git is missing, the answers of :func:`place_of` and
:func:`commit_info` are ``None`` and the caller says so in its output: exports never fail for want
of git. Everything else raises the one :class:`GitError`.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

# A stable environment for every git call: no pager, no prompts, no user or system configuration
# that could change the output's format (the caller's repository configuration still applies).
_ENV = {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}


class GitError(Exception):
    """Git is not installed, the folder is not in a repository, a revision is unknown, or git failed."""


@dataclass(frozen=True)
class CommitInfo:
    """The commit an export was built from: full id, committer date (ISO 8601 with offset), and
    whether the catalog had uncommitted changes (then the export is not exactly that commit)."""

    id: str
    date: str
    dirty: bool = False

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "date": self.date, "dirty": self.dirty}


@dataclass(frozen=True)
class Commit:
    """One commit of the catalog's first-parent history."""

    id: str
    date: str
    subject: str


@dataclass(frozen=True)
class Place:
    """Where a catalog folder sits: the repository's top folder and the catalog's path in it
    (POSIX, no trailing slash, empty when the catalog is the repository's top)."""

    top: Path
    prefix: str

    def pathspec(self) -> str:
        return self.prefix or "."


def git(cwd: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """Run git in ``cwd`` and return its standard output; :class:`GitError` with git's last line of
    error output if it fails."""
    env = {**os.environ, **_ENV}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=input_bytes, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except NotADirectoryError:
        raise GitError(f"not a folder: {cwd}") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed with exit code {done.returncode}")
    return done.stdout


def last_commit(cwd: Path, fmt: str) -> str | None:
    """``git log -1 --format=FMT`` in ``cwd``: a field of the last commit, or None outside a
    repository (or before its first commit)."""
    try:
        out = git(cwd, "log", "-1", f"--format={fmt}").decode("utf-8", errors="replace").strip()
    except GitError:
        return None
    return out or None


def head(cwd: Path) -> str | None:
    """The commit HEAD names (``git rev-parse HEAD``: a few milliseconds), or None outside a
    repository or before its first commit."""
    try:
        out = git(cwd, "rev-parse", "--verify", "-q", "HEAD").decode("ascii", errors="replace").strip()
    except GitError:
        return None
    return out or None


def toplevel(path: Path) -> Path | None:
    """The root of the work tree holding ``path``, or None where it is not in one."""
    try:
        top = git(path, "rev-parse", "--show-toplevel").decode("utf-8", errors="replace").strip()
    except GitError:
        return None
    return Path(top) if top else None


def place_of(catalog_dir: Path) -> Place | None:
    """The repository holding ``catalog_dir`` with at least one commit that tracks it, or None."""
    catalog_dir = catalog_dir.resolve()
    if not catalog_dir.is_dir():
        return None
    try:
        top = Path(git(catalog_dir, "rev-parse", "--show-toplevel").decode().strip())
        prefix = git(catalog_dir, "rev-parse", "--show-prefix").decode().strip().rstrip("/")
        tracked = git(top, "ls-tree", "--name-only", "HEAD", "--", prefix or ".")
    except GitError:
        return None
    return Place(top, prefix) if tracked.strip() else None


def commit_info(catalog_dir: Path) -> CommitInfo | None:
    """HEAD of the repository holding the catalog, or None when the catalog is not in git."""
    place = place_of(catalog_dir)
    if place is None:
        return None
    out = git(place.top, "log", "-1", "--format=%H%x00%cI").decode().strip()
    sha, date = out.split("\0")
    status = git(place.top, "status", "--porcelain", "--untracked-files=all", "--", place.pathspec())
    return CommitInfo(sha, date, dirty=bool(status.strip()))


def dirty_paths(place: Place) -> set[str]:
    """Catalog files (relative to the catalog folder) that differ from HEAD in the work tree."""
    out = git(place.top, "status", "--porcelain", "-z", "--untracked-files=all", "--", place.pathspec())
    strip = len(place.prefix) + 1 if place.prefix else 0
    records = out.split(b"\0")
    paths: set[str] = set()
    i = 0
    while i < len(records):
        record = records[i]
        i += 1
        if len(record) < 4:
            continue
        paths.add(record[3:].decode("utf-8", "surrogateescape")[strip:])
        if record[:1] in (b"R", b"C") or record[1:2] in (b"R", b"C"):  # then comes the old path
            paths.add(records[i].decode("utf-8", "surrogateescape")[strip:])
            i += 1
    return paths


def history(place: Place) -> list[Commit]:
    """The first-parent commits of HEAD that changed the catalog folder, oldest first.

    First-parent only: on a main branch where work arrives by merge, each merge is one step and
    the states between two steps are exactly the states the branch was in.
    """
    out = git(
        place.top, "log", "--first-parent", "--format=%H%x00%cI%x00%s%x1e", "HEAD", "--", place.pathspec()
    )
    commits = []
    for record in out.decode("utf-8", "replace").split("\x1e"):
        record = record.strip("\n")
        if record:
            sha, date, subject = record.split("\0", 2)
            commits.append(Commit(sha, date, subject))
    commits.reverse()
    return commits


def tree(place: Place, rev: str) -> dict[str, str]:
    """The catalog's files at ``rev``: path relative to the catalog folder → blob id."""
    out = git(place.top, "ls-tree", "-r", "-z", "--full-tree", rev, "--", place.pathspec())
    files: dict[str, str] = {}
    strip = len(place.prefix) + 1 if place.prefix else 0
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, blob = meta.decode().split(" ")
        if kind == "blob" and mode != "120000":  # symbolic links are not catalog files
            files[path.decode("utf-8", "surrogateescape")[strip:]] = blob
    return files


class BlobReader:
    """Reads many blobs through one ``git cat-file --batch`` process."""

    def __init__(self, top: Path) -> None:
        env = {**os.environ, **_ENV}
        self._process = subprocess.Popen(
            ["git", "cat-file", "--batch"], cwd=top, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )

    def read(self, blob: str) -> bytes:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(blob.encode() + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"cannot read blob {blob}")
        data = stdout.read(int(header[2]))
        stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def shallow_commits(place: Place) -> set[str]:
    """The commits at the edge of a shallow clone (their parents are missing), if any."""
    path = Path(git(place.top, "rev-parse", "--git-path", "shallow").decode().strip())
    if not path.is_absolute():
        path = place.top / path
    try:
        return set(path.read_text(encoding="ascii").split())
    except OSError:
        return set()
