"""Build the whole site (and the exports) into a temporary folder and swap it in only on success.

Killed at any moment, the previous output stays whole: the new site is written beside it and
renamed into place in two renames at the very end.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import MkDocsException

from .. import git, inputs, outdir
from ..diagnostics import Diagnostic, render_text
from ..export.export import ExportError, write_exports
from ..validation.validate import validate_catalog_cached
from ..workers import WorkerFailed
from . import siteconfig
from .pipeline import SiteBuild


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    bytes: int
    notes: tuple[str, ...] = ()  # what the exports' change feed passed over (see Summary.notes)


class BuildError(Exception):
    """The build failed; the message says why. The previous output was left as it was."""


def config_path(repo: Path) -> Path:
    return repo / "mkdocs.yml"


def commit_epoch(repo: Path) -> str | None:
    return git.last_commit(repo, "%ct")


def _load(repo: Path, preview: bool, permissive: bool = False, **overrides: Any) -> Any:
    try:  # read safely: MkDocs's own loader would run a !!python/object tag
        config = siteconfig.load(config_path(repo), **overrides)
    except siteconfig.SiteConfigError as exc:
        raise BuildError(str(exc)) from None
    plugin = config.plugins.get("catalog")
    if plugin is None:
        raise BuildError(f"{config_path(repo)} does not use the catalog plugin")
    plugin.config.preview = preview
    plugin.config.permissive = permissive
    return config


def build_site(
    repo: Path,
    out: Path,
    *,
    preview: bool = False,
    permissive: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the site of the repository ``repo`` into ``out`` (replaced whole, or not at all).

    ``out`` must be a folder the tool may replace (:func:`generator.outdir.check_folder`:
    :class:`~generator.outdir.OutputRefused` otherwise); while one build writes it, another is
    refused (:class:`~generator.outdir.OutputBusy`). ``permissive`` (tests only) lets text that
    fails the validator's markup rules through, to test that rendering neutralises it."""
    out = outdir.check_folder(out, repo)
    linked = input_symlinks(repo)
    if linked:
        raise BuildError(f"{inputs.refusal(linked)}:\n" + render_text(linked))
    epoch = commit_epoch(repo)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:  # sitemap dates and gzip headers from the commit, not the clock
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:  # an OSError here (the output's folder cannot be written) is the caller's to report
        with outdir.claim(out):
            notes = _build_locked(repo, out, preview, permissive, progress)
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    pages, size = _tally(out)
    return BuildResult(out, pages, size, tuple(notes))


def _tally(folder: Path) -> tuple[int, int]:
    """The pages (``index.html`` files) and the bytes of every file under ``folder``, in one walk
    (two ``rglob`` walks took seconds at 10,000 pages)."""
    pages = size = 0
    todo = [str(folder)]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif entry.is_file():
                    size += entry.stat().st_size
                    pages += entry.name == "index.html"
    return pages, size


def input_symlinks(repo: Path) -> list[Diagnostic]:
    """Every symbolic link among the build's inputs: the repository's and the tool's own schemas/."""
    from .. import schemastore

    found = inputs.symlinks(repo)
    # The schemas the tool reads and publishes (package data; in a source tree, the repository's own
    # schemas/ reached through the package's link to it, which is the tool's, not an input).
    store = Path(str(schemastore.directory())).resolve()
    if store != (repo / "schemas").resolve():
        found += inputs.symlinks(store.parent, (store.name,))
    return found


def _build_locked(
    repo: Path, out: Path, preview: bool, permissive: bool, progress: Callable[[int, int], None] | None
) -> list[str]:
    _recover(out)
    for stale in out.parent.glob(f".{out.name}.trash-*"):  # a deleter that died, or is still at work
        remove_in_background(stale)
    for stale in out.parent.glob(f".{out.name}.new-*"):  # left by a build that was killed (we hold the lock)
        remove_in_background(stale)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it 0700; the published folder is served to others
    try:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        SiteBuild(_load(repo, preview, permissive, site_dir=str(staging)), progress=progress).build()
        # MkDocs' pages, navigation and configuration are cycles: collected here, not held while
        # the exports are made (at 10,000 procedures the build's peak memory was in the exports)
        gc.collect()  # 0.1–0.2 s at 2,000, 0.8 s at 10,000: the peak fell from 909 to 823 MB there
        notes = (
            [] if permissive else _write_exports(repo, staging, preview)
        )  # refused with problems, as it should
        outdir.write_marker(staging)
        _swap(staging, out)
    except (MkDocsException, OSError, WorkerFailed) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(str(exc)) from None
    except BaseException:  # Ctrl-C, SIGTERM: gone at once, however large the half-built site
        remove_in_background(staging)
        raise
    return notes


def remove_in_background(folder: Path) -> None:
    """Delete ``folder`` without waiting. A build's staging folder (``.site.new-*``) or previous
    site (``.site.old``) is first renamed out of the way, to a new hidden ``.site.trash-*`` folder
    that the next build also clears; then a detached child process removes it. An interrupted
    command so exits within its 2 s, and a build does not wait for the previous site's thousands
    of files to be deleted (37 % of a rebuild's time, minutes on a busy disk at 10,000 pages)."""
    if not (folder.exists() or folder.is_symlink()):
        return
    trash = folder
    name = folder.name
    if name.startswith(".") and (".new-" in name or name.endswith(".old")):
        published = name[1:].split(".new-")[0].removesuffix(".old")
        try:
            holder = Path(tempfile.mkdtemp(prefix=f".{published}.trash-", dir=folder.parent))
        except OSError:
            holder = None
        if holder is not None:
            try:
                folder.rename(holder / "old")
                trash = holder
            except OSError:
                holder.rmdir()
    if not hasattr(os, "fork"):
        shutil.rmtree(trash, ignore_errors=True)
        return
    try:
        pid = os.fork()
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)
        return
    if pid != 0:  # the child forks the deleter and exits at once: reaped here, no zombie left
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        return
    try:  # the child, then the deleter (its child, adopted by init): its own session, removes, ends
        gc.disable()  # a collection would write to every inherited object: copies of the parent's memory
        if os.fork() != 0:
            os._exit(0)
        os.setsid()
        # nothing of the parent's kept open: not its output (a pipe reading the command's
        # output would wait for the deletion), not its output folder's lock
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, _MAX_FD)
        shutil.rmtree(trash, ignore_errors=True)
    finally:
        os._exit(0)


_MAX_FD = 1 << 16


def _write_exports(repo: Path, staging: Path, preview: bool) -> list[str]:
    """The open-data exports into the staging site, from the catalog the plugin just validated."""
    result = validate_catalog_cached(repo / "catalog")
    try:
        return write_exports(
            result.catalog, staging, preview=preview, typed=result.model, claimed=True
        ).notes()
    except ExportError as exc:
        raise BuildError(str(exc)) from None


def _swap(staging: Path, out: Path) -> None:
    """Exchange ``staging`` and ``out`` in one step where the system can (``out`` is never
    missing), else two renames: out → .out.old, staging → out. Killed between them, ``out`` is
    missing but ``.out.old`` is whole, and the next build puts it back before anything else."""
    old = out.parent / f".{out.name}.old"
    if old.exists():  # left by a build killed just after its swap
        shutil.rmtree(old)
    outdir.put_in_place(staging, out, old)
    remove_in_background(old)  # renamed away now, deleted by a detached process


def _recover(out: Path) -> None:
    """Undo a swap that was cut between its two renames."""
    old = out.parent / f".{out.name}.old"
    if old.exists() and not out.exists():
        old.rename(out)


def serve(
    repo: Path,
    *,
    preview: bool = False,
    address: str = "127.0.0.1:8000",
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Serve the site, re-rendering only what an edit changed (generator.site.serve)."""
    from .serve import serve_repo

    siteconfig.parse(config_path(repo).read_text(encoding="utf-8"))  # no tag but the known ones (issue 15)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        serve_repo(repo, preview=preview, address=address, load=_load, progress=progress)
    except (MkDocsException, WorkerFailed) as exc:
        raise BuildError(str(exc)) from None
