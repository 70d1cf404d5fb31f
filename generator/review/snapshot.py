"""The catalog's files at a git revision or in the working tree, and the files two revisions differ in.

:func:`snapshot_at` reads the files with one ``git ls-tree`` and one ``git cat-file --batch`` (not
one process per file) and parses only the paths asked for, with the strict loader; a file that does
not parse is recorded with its problems, never fatal. :func:`changed_paths` lists the catalog files
that differ between two revisions (``git diff --name-status -M``), so that a diff parses the changed
files only. Paths are relative to the repository folder, e.g. ``catalog/procedures/so-tu-phap/1.013818.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..diagnostics import Diagnostic
from ..git import GitError, git
from ..inputs import too_deep, walk
from ..validation.kinds import CATALOG
from ..validation.yamlload import parse_version, symlink_problem


@dataclass
class Snapshot:
    """The catalog's files at one revision (``commit`` None: the working tree).

    ``listing`` holds every catalog ``.yaml`` path that exists there (with its blob id in git);
    ``files`` the parsed content of those that were asked for and parsed into a mapping;
    ``failed`` the problems of those that could not be read. Paths are relative to ``repo``,
    e.g. ``catalog/procedures/so-tu-phap/1.013818.yaml``.
    """

    repo: Path
    rev: str | None
    commit: str | None
    listing: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: dict[str, list[Diagnostic]] = field(default_factory=dict)

    @property
    def problems(self) -> list[Diagnostic]:
        return [d for path in sorted(self.failed) for d in self.failed[path]]

    def known(self, path: str) -> bool:
        """Whether the content of ``path`` here is known: loaded, unreadable, or not there at all."""
        return path in self.files or path in self.failed or path not in self.listing


def resolve(repo: Path, rev: str) -> str:
    """The full commit id of ``rev`` in the repository at ``repo``; GitError naming it if unknown."""
    if not repo.is_dir():
        raise GitError(f"no such folder: {repo}")
    if not rev or rev.startswith("-"):
        raise GitError(f"not a revision: {rev!r}")
    try:
        inside = git(repo, "rev-parse", "--is-inside-work-tree").strip()
    except GitError:
        inside = b""
    if inside != b"true":
        raise GitError(f"{repo} is not inside a git repository")
    try:
        return (
            git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
            .decode()
            .strip()
        )
    except GitError:
        raise GitError(
            f"unknown revision '{rev}': not a commit, branch or tag of this repository "
            "(for a pull request's base, fetch it first: git fetch origin main)"
        ) from None


def _listing_git(repo: Path, commit: str) -> tuple[dict[str, str], dict[str, list[Diagnostic]]]:
    out = git(repo, "ls-tree", "-r", "-z", commit, "--", CATALOG)
    listing: dict[str, str] = {}
    failed: dict[str, list[Diagnostic]] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, blob = meta.decode().split(" ")
        path = raw_path.decode("utf-8", errors="surrogateescape")
        if not _is_catalog_yaml(path) or kind != "blob":
            continue
        listing[path] = blob
        if mode == "120000":
            failed[path] = [symlink_problem(path)]
    return listing, failed


def _listing_worktree(repo: Path) -> tuple[dict[str, str], dict[str, list[Diagnostic]]]:
    """The catalog files of the working tree, and the folders too deep to list (the loader's rule)."""
    root = repo / CATALOG
    listing: dict[str, str] = {}
    failed: dict[str, list[Diagnostic]] = {}

    def deep(here: Path) -> None:
        display = here.relative_to(repo).as_posix()
        failed[display] = [too_deep(display)]

    for here, _, dirnames, filenames in walk(root, deep):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = (here / name).relative_to(repo).as_posix()
            if _is_catalog_yaml(path):
                listing[path] = ""
    return listing, failed


def _is_catalog_yaml(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return (
        len(parts) >= 2
        and parts[0] == CATALOG
        and parts[-1].endswith(".yaml")
        and not any(p.startswith(".") for p in parts)
    )


def snapshot_at(repo: Path, rev: str | None, paths: Iterable[str] | None = None) -> Snapshot:
    """The catalog at ``rev`` (a commit, branch or tag; None: the working tree), with the files in
    ``paths`` parsed (default: every catalog file). Raises GitError for an unknown revision."""
    repo = Path(repo)
    if rev is None:
        listing, failed = _listing_worktree(repo)
        snapshot = Snapshot(repo, None, None, listing, failed=failed)
    else:
        commit = resolve(repo, rev)
        listing, failed = _listing_git(repo, commit)
        snapshot = Snapshot(repo, rev, commit, listing, failed=failed)
    extend(snapshot, snapshot.listing if paths is None else paths)
    return snapshot


def extend(snapshot: Snapshot, paths: Iterable[str]) -> None:
    """Parse more of the snapshot's files (those of ``paths`` that exist there and are not yet read)."""
    wanted = sorted({p for p in paths if p in snapshot.listing and not snapshot.known(p)})
    if not wanted:
        return
    for path, data in zip(wanted, _read(snapshot, wanted), strict=True):
        if isinstance(data, Diagnostic):
            snapshot.failed[path] = [data]
            continue
        parsed, problems = parse_version(path, data)
        if parsed is None:
            snapshot.failed[path] = problems
        else:
            snapshot.files[path] = parsed


def _read(snapshot: Snapshot, paths: list[str]) -> list[bytes | Diagnostic]:
    if snapshot.commit is None:
        found: list[bytes | Diagnostic] = []
        for path in paths:
            full = snapshot.repo / path
            try:
                if full.is_symlink():
                    found.append(symlink_problem(path))
                else:
                    found.append(full.read_bytes())
            except OSError as exc:
                found.append(
                    Diagnostic(path, 0, 0, "", "file-unreadable", f"cannot read file: {exc.strerror}")
                )
        return found
    request = "".join(f"{snapshot.listing[p]}\n" for p in paths).encode()
    out = git(snapshot.repo, "cat-file", "--batch", input_bytes=request)
    blobs: list[bytes | Diagnostic] = []
    offset = 0
    for path in paths:
        end = out.index(b"\n", offset)
        header = out[offset:end].split(b" ")
        if len(header) != 3:
            blobs.append(Diagnostic(path, 0, 0, "", "file-unreadable", "git cannot read this file"))
            offset = end + 1
            continue
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        offset = end + 1 + size + 1
    return blobs


# ---------------------------------------------------------------------------------------------
# Changed paths


@dataclass(frozen=True)
class PathChange:
    """One changed catalog file: ``status`` is git's letter (A added, M modified, D deleted,
    R renamed, C copied, T type changed); ``old``/``new`` its path before and after."""

    status: str
    old: str | None
    new: str | None


def changed_paths(repo: Path, base: str, head: str | None = None) -> list[PathChange]:
    """The catalog files that differ between ``base`` and ``head`` (None: the working tree, including
    files not yet added to git), renames detected (``git diff --name-status -M``)."""
    args = [
        "diff",
        "--relative",
        "--name-status",
        "-z",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
        resolve(repo, base),
    ]
    if head is not None:
        args.append(resolve(repo, head))
    out = git(repo, *args, "--", CATALOG)
    tokens = out.decode("utf-8", errors="surrogateescape").split("\0")
    changes: list[PathChange] = []
    i = 0
    while i < len(tokens) and tokens[i]:
        status = tokens[i][0]
        if status in "RC":
            changes.append(PathChange(status, tokens[i + 1] if status == "R" else None, tokens[i + 2]))
            i += 3
        else:
            path = tokens[i + 1]
            changes.append(
                PathChange(status, None if status == "A" else path, None if status == "D" else path)
            )
            i += 2
    if head is None:
        untracked = git(repo, "ls-files", "--others", "--exclude-standard", "-z", "--", CATALOG)
        for path in untracked.decode("utf-8", errors="surrogateescape").split("\0"):
            if path:
                changes.append(PathChange("A", None, path))
    return [c for c in changes if any(p and _is_catalog_yaml(p) for p in (c.old, c.new))]
