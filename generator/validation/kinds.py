"""The kind of a catalog file, told from its place: one table for the loader, the diff and the feed."""

from __future__ import annotations

from pathlib import PurePosixPath

# The catalog's folder inside its repository, e.g. catalog/procedures/so-tu-phap/1.013818.yaml.
CATALOG = "catalog"
# Single files at the catalog's top, by name.
TOP_FILES = {
    "province.yaml": "province",
    "sectors.yaml": "sectors",
    "agencies.yaml": "agencies",
    "service-points.yaml": "service-points",
    "life-events.yaml": "life-events",  # optional: the ways in by life event (issue 13)
}
# Folders whose *.yaml files are one document each.
FOLDERS = {
    "decisions": "decision",
    "location-independent": "location-independent",
    "plans": "plan",
}
REQUIRED_TOP = ("province.yaml", "sectors.yaml", "agencies.yaml", "service-points.yaml")
IGNORED_SUFFIXES = (".md", ".txt")


def editor_leftover(name: str) -> bool:
    """An editor's backup or auto-save file beside the one being edited (Emacs' ``x.yaml~`` and
    ``#x.yaml#``; Vim's swap files and Emacs' locks start with a dot and are skipped as dotfiles):
    skipped like notes, so that saving in such an editor does not stop ``catalog serve``, and kept
    out of git by ``.gitignore``."""
    return name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def kind_of(path: str) -> str | None:
    """The kind of the catalog file at ``path`` (relative to the catalog folder), as
    :func:`generator.validation.load.discover` tells it, or None for files a build ignores or refuses."""
    parts = PurePosixPath(path).parts
    if not parts or any(p.startswith(".") for p in parts) or not parts[-1].endswith(".yaml"):
        return None
    if len(parts) == 1:
        return TOP_FILES.get(parts[0])
    if parts[0] == "procedures":
        return "procedure" if len(parts) == 3 else None
    return FOLDERS.get(parts[0]) if len(parts) == 2 else None


def kind_in_repo(path: str) -> str | None:
    """The kind of the catalog file at ``path`` relative to the repository (``catalog/...``), or None."""
    parts = PurePosixPath(path).parts
    if len(parts) < 2 or parts[0] != CATALOG:
        return None
    return kind_of(PurePosixPath(*parts[1:]).as_posix())
