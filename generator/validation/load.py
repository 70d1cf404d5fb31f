"""Find the catalog's files, tell their kind from their place, and parse each one strictly."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic
from ..inputs import too_deep, walk
from .kinds import FOLDERS, IGNORED_SUFFIXES, REQUIRED_TOP, TOP_FILES, editor_leftover
from .yamlload import Loaded, load_file


@dataclass
class Document:
    """One catalog file: where it is, what kind it is and, once parsed, its content."""

    path: Path
    display: str
    kind: str
    loaded: Loaded | None = None
    # The bytes the validation cache's key was made of, when there is a cache: the check parses
    # these very bytes, so that an entry can never hold the result of a later save of the file.
    content: bytes | None = None


class CatalogNotFound(Exception):
    """The given path holds no catalog/ folder: a usage error, not a problem in the data."""


def find_catalog(start: Path) -> Path:
    """The catalog folder for ``start``: itself if named catalog, its ``catalog/`` child, or an ancestor."""
    start = Path(os.path.normpath(start.absolute()))  # not resolved: a catalog/ that is a link stays one
    if start.is_file():
        start = start.parent
    for candidate in (start, *start.parents):
        if candidate.name == "catalog" and candidate.is_dir():
            return candidate.parent.resolve() / "catalog"
        if (candidate / "catalog").is_dir():
            return candidate.resolve() / "catalog"
    raise CatalogNotFound(f"no catalog/ folder at or above {start}")


def display_path(path: Path, catalog: Path) -> str:
    """Paths are shown relative to the folder that holds catalog/, e.g. catalog/sectors.yaml."""
    text, base = str(path), str(catalog.parent)
    if text.startswith(base) and text[len(base) : len(base) + 1] == os.sep:  # the common case, fast
        return text[len(base) + 1 :].replace(os.sep, "/")
    try:
        return path.relative_to(catalog.parent).as_posix()
    except ValueError:
        return path.as_posix()


def discover(catalog: Path) -> tuple[list[Document], list[Diagnostic]]:
    """Every catalog file with its kind, in a stable order, plus files that have no place."""
    documents: list[Document] = []
    problems: list[Diagnostic] = []

    def add(path: Path, kind: str) -> None:
        documents.append(Document(path, display_path(path, catalog), kind))

    def stray(path: Path, why: str) -> None:
        problems.append(Diagnostic(display_path(path, catalog), 0, 0, "", "unexpected-file", why))

    if catalog.is_symlink():  # its files would be read from wherever it points
        return [], [
            Diagnostic(
                display_path(catalog, catalog),
                0,
                0,
                "",
                "file-symlink",
                "the catalog/ folder is a symbolic link; commit the folder itself",
            )
        ]
    for name in REQUIRED_TOP:
        if not (catalog / name).exists() and not (catalog / name).is_symlink():
            problems.append(
                Diagnostic(
                    display_path(catalog / name, catalog),
                    0,
                    0,
                    "",
                    "missing-file",
                    "required file is missing",
                )
            )

    def deep(here: Path) -> None:
        problems.append(too_deep(display_path(here, catalog)))

    for here, rel, dirnames, filenames in walk(catalog, deep):
        for link in [d for d in dirnames if (here / d).is_symlink()]:
            stray(here / link, "symbolic links are not allowed in the catalog")
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink()]
        for name in filenames:
            path = here / name
            if name.startswith(".") or name.endswith(IGNORED_SUFFIXES) or editor_leftover(name):
                continue
            _classify(path, rel, name, add, stray)
    documents.sort(key=lambda d: d.display)
    return documents, problems


def _classify(
    path: Path,
    rel: tuple[str, ...],
    name: str,
    add: Callable[[Path, str], None],
    stray: Callable[[Path, str], None],
) -> None:
    if name.endswith(".yml"):
        stray(path, "catalog files end in .yaml, not .yml")
        return
    if not name.endswith(".yaml"):
        stray(path, "only .yaml files belong in the catalog")
        return
    if not rel:
        if name in TOP_FILES:
            add(path, TOP_FILES[name])
        else:
            stray(path, f"unknown top-level file; expected one of {', '.join(sorted(TOP_FILES))}")
    elif rel[0] == "procedures":
        if len(rel) == 2:
            add(path, "procedure")
        else:
            stray(path, "procedure files go in catalog/procedures/<agency-id>/<code>.yaml")
    elif rel[0] in FOLDERS and len(rel) == 1:
        add(path, FOLDERS[rel[0]])
    else:
        stray(
            path,
            "file is not in a known catalog folder "
            "(procedures/<agency>/, decisions/, location-independent/, plans/)",
        )


def parse(documents: list[Document]) -> list[Diagnostic]:
    """Parse every document in place; return the problems of those that could not be parsed."""
    problems: list[Diagnostic] = []
    for document in documents:
        loaded, found = load_file(document.path, document.display, document.content)
        document.content = None
        document.loaded = loaded
        problems.extend(found)
        if loaded is not None and not isinstance(loaded.data, dict):
            kind = "list" if isinstance(loaded.data, list) else "single value"
            line, col = loaded.where("")
            problems.append(
                Diagnostic(
                    document.display,
                    line,
                    col,
                    "",
                    "type",
                    f"the file must hold a YAML mapping (key: value lines), not a {kind}",
                )
            )
            document.loaded = None
    return problems
