"""Files the import writes: whole or not at all, and only when their content changes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(path: Path, text: str, *, dry_run: bool) -> str:
    """Write ``text`` atomically unless the file already holds exactly it.

    Returns ``"new"``, ``"updated"`` or ``"unchanged"``. The text goes to a temporary file in the
    same folder, is flushed to disk, then replaces the target in one step.
    """
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    if current == text:
        return "unchanged"
    status = "new" if current is None else "updated"
    if dry_run:
        return status
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temp_name).replace(path)  # atomic: a reader sees the old file or the new one
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return status
