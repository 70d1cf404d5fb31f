"""The inputs of a build hold no symbolic links.

A link committed to git in ``site_content/`` (to ``/etc/passwd``, to ``../../.git/config``) would
be copied into the built site, which the pull-request workflow uploads and the publish workflow
deploys; a ``catalog`` that is itself a link would have the validator read files outside the
repository. Every link in the inputs — ``catalog/`` (also checked by the loader, file by file),
``site_content/``, ``site_overrides/``, ``schemas/`` and ``mkdocs.yml`` — is refused with its path.
"""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Diagnostic

INPUT_FOLDERS = ("catalog", "site_content", "site_overrides", "schemas")
INPUT_FILES = ("mkdocs.yml",)
CODE = "file-symlink"
MAX_FOLDER_DEPTH = (
    32  # folders deeper than this are refused, not walked (a 1,500-level tree overflowed the stack)
)
MESSAGE = "symbolic links are not allowed in {folder}/; commit the file itself"


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
        for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
            here = Path(dirpath)
            if len(here.relative_to(top).parts) >= MAX_FOLDER_DEPTH and dirnames:
                problems.append(
                    Diagnostic(
                        here.relative_to(repo).as_posix(),
                        0,
                        0,
                        "",
                        "folder-too-deep",
                        f"folders nest deeper than {MAX_FOLDER_DEPTH} levels here",
                    )
                )
                dirnames[:] = []
            for name in sorted([*dirnames, *filenames]):
                path = here / name
                if path.is_symlink():
                    problems.append(
                        _problem(path.relative_to(repo).as_posix(), MESSAGE.format(folder=folder))
                    )
            dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink())
    return problems


def _problem(display: str, message: str) -> Diagnostic:
    return Diagnostic(display, 0, 0, "", CODE, message)
