"""Build the whole site (and the exports) into a temporary folder and swap it in only on success.

Killed at any moment, the previous output stays whole: the new site is written beside it and
renamed into place in two renames at the very end.
"""

from __future__ import annotations

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


def build_site(repo: Path, out: Path, *, preview: bool = False, permissive: bool = False,
               progress: Callable[[int, int], None] | None = None) -> BuildResult:
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
    pages = sum(1 for _ in out.rglob("index.html"))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return BuildResult(out, pages, size, tuple(notes))


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


def _build_locked(repo: Path, out: Path, preview: bool, permissive: bool,
                  progress: Callable[[int, int], None] | None) -> list[str]:
    _recover(out)
    for pattern in (f".{out.name}.new-*", f".{out.name}.trash-*"):  # left by a build that was killed (we hold the lock)
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it 0700; the published folder is served to others
    try:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        SiteBuild(_load(repo, preview, permissive, site_dir=str(staging)), progress=progress).build()
        notes = [] if permissive else _write_exports(repo, staging, preview)  # refused with problems, as it should
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
    """Delete ``folder`` without waiting: renamed out of the way at once (a hidden ``*.trash-*``
    name the next build also clears), then removed by a detached child process, so that an
    interrupted command exits within its 2 s even when deleting thousands of files takes longer."""
    trash = folder.with_name(folder.name.replace(".new-", ".trash-", 1)) if ".new-" in folder.name else folder
    try:
        if trash != folder:
            folder.rename(trash)
    except OSError:
        trash = folder
    if not hasattr(os, "fork"):
        shutil.rmtree(trash, ignore_errors=True)
        return
    try:
        pid = os.fork()
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)
        return
    if pid == 0:  # the child: its own session (no terminal signals), removes, ends silently
        try:
            os.setsid()
            shutil.rmtree(trash, ignore_errors=True)
        finally:
            os._exit(0)


def _write_exports(repo: Path, staging: Path, preview: bool) -> list[str]:
    """The open-data exports into the staging site, from the catalog the plugin just validated."""
    result = validate_catalog_cached(repo / "catalog")
    try:
        return write_exports(result.catalog, staging, preview=preview, typed=result.model, claimed=True).notes()
    except ExportError as exc:
        raise BuildError(str(exc)) from None


def _swap(staging: Path, out: Path) -> None:
    """Exchange ``staging`` and ``out`` in one step where the system can (``out`` is never
    missing), else two renames: out → .out.old, staging → out. Killed between them, ``out`` is
    missing but ``.out.old`` is whole, and the next build puts it back before anything else."""
    old = out.parent / f".{out.name}.old"
    if old.exists():
        shutil.rmtree(old)
    outdir.put_in_place(staging, out, old)
    shutil.rmtree(old, ignore_errors=True)


def _recover(out: Path) -> None:
    """Undo a swap that was cut between its two renames."""
    old = out.parent / f".{out.name}.old"
    if old.exists() and not out.exists():
        old.rename(out)


def serve(repo: Path, *, preview: bool = False, address: str = "127.0.0.1:8000",
          progress: Callable[[int, int], None] | None = None) -> None:
    """Serve the site, re-rendering only what an edit changed (generator.site.serve)."""
    from .serve import serve_repo

    siteconfig.parse(config_path(repo).read_text(encoding="utf-8"))  # no tag but the known ones (issue 15)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        serve_repo(repo, preview=preview, address=address, load=_load, progress=progress)
    except (MkDocsException, WorkerFailed) as exc:
        raise BuildError(str(exc)) from None
