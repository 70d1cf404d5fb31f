"""The inputs of a build hold no symbolic links.

A link committed to git in ``site_content/`` (to ``/etc/passwd``, to ``../../.git/config``) would
be copied into the built site, which the pull-request workflow uploads and the publish workflow
deploys; a ``catalog`` that is itself a link would have the validator read files outside the
repository. Every link in the inputs — ``catalog/`` (also checked by the loader, file by file),
``site_content/``, ``site_overrides/``, ``schemas/`` and ``mkdocs.yml`` — is refused with its path.

:func:`walk` is the one walk of an input folder (the loader's, this check's, the diff's listing of
the working tree, the build's fingerprint): it never follows a link and never goes deeper than
:data:`MAX_FOLDER_DEPTH`, reporting the folder where it stopped (:func:`too_deep`) instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .diagnostics import Diagnostic

INPUT_FOLDERS = ("catalog", "site_content", "site_overrides", "schemas")
INPUT_FILES = ("mkdocs.yml",)
CODE = "file-symlink"
MAX_FOLDER_DEPTH = (
    32  # folders deeper than this are refused, not walked (a 1,500-level tree overflowed the stack)
)
MESSAGE = "symbolic links are not allowed in {folder}/; commit the file itself"
DEEP_CODE = "unexpected-file"
DEEP_MESSAGE = f"folders nest deeper than {MAX_FOLDER_DEPTH} levels here; nothing belongs this deep"


def too_deep(display: str) -> Diagnostic:
    """The one diagnostic of a folder whose subfolders are deeper than :data:`MAX_FOLDER_DEPTH`."""
    return Diagnostic(display, 0, 0, "", DEEP_CODE, DEEP_MESSAGE)


def walk(
    top: Path, deep: Callable[[Path], None]
) -> Iterator[tuple[Path, tuple[str, ...], list[str], list[str]]]:
    """Each folder under ``top`` (itself first), top-down, as (folder, its parts relative to ``top``,
    its subfolders, its files), names sorted; links are never followed. The caller may prune the
    subfolders list in place. A folder at :data:`MAX_FOLDER_DEPTH` that has subfolders is passed to
    ``deep`` and not walked below (a 1,500-level tree overflowed the stack)."""
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        rel = here.relative_to(top).parts
        dirnames.sort()
        if len(rel) >= MAX_FOLDER_DEPTH and dirnames:
            deep(here)
            dirnames[:] = []
        yield here, rel, dirnames, sorted(filenames)


def refusal(problems: list[Diagnostic]) -> str:
    """Why a build refuses its inputs, in a few words, from :func:`symlinks`' diagnostics."""
    reasons = []
    if any(d.code == CODE for d in problems):
        reasons.append("the inputs hold symbolic links")
    if any(d.code == DEEP_CODE for d in problems):
        reasons.append(f"folders in the inputs nest deeper than {MAX_FOLDER_DEPTH} levels")
    return " and ".join(reasons) or "the inputs cannot be read"


def symlinks(repo: Path, folders: tuple[str, ...] = INPUT_FOLDERS) -> list[Diagnostic]:
    """A diagnostic for each symbolic link among the inputs of ``repo`` (paths relative to it)."""
    problems: list[Diagnostic] = []
    for name in INPUT_FILES:
        if (repo / name).is_symlink():
            problems.append(_problem(name, "mkdocs.yml is a symbolic link; commit the file itself"))
    for folder in folders:
        top = repo / folder
        if top.is_symlink():
            problems.append(
                _problem(folder, f"the {folder}/ folder is a symbolic link; commit the folder itself")
            )
            continue
        if not top.is_dir():
            continue

        def deep(here: Path) -> None:
            problems.append(too_deep(here.relative_to(repo).as_posix()))

        for here, _, dirnames, filenames in walk(top, deep):
            for name in sorted([*dirnames, *filenames]):
                path = here / name
                if path.is_symlink():
                    problems.append(
                        _problem(path.relative_to(repo).as_posix(), MESSAGE.format(folder=folder))
                    )
            dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
    return problems


def _problem(display: str, message: str) -> Diagnostic:
    return Diagnostic(display, 0, 0, "", CODE, message)
