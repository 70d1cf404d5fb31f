"""Each procedure's change history for its page, from the catalog's semantic diff between commits.

One ``git log --raw`` call lists, for every first-parent commit that changed the catalog, the blob
of each changed file before and after. A procedure file's versions are compared value by value
(:func:`generator.diff_values.diff_values`, the diff the review command and the change feed use) and
said in Vietnamese (:func:`generator.diff_render.describe`): "Phí, lệ phí › Mức thu: 50.000 đ →
100.000 đ". A commit's subject is never shown: it is written for developers, in English.

The history comes from commits only: it is computed once per commit HEAD names (1.7-2.9 s on the
real repository) and then kept, so that every rebuild of ``catalog serve`` does not pay it again.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import git as gitinfo
from ..review import diff_render
from ..review.diff_values import FieldChange, diff_values
from ..validation.yamlload import parse_version

MAX_LINES = 8  # lines shown per change; the rest are counted
CREATED = "Thủ tục được đưa vào danh mục."
UNREADABLE = "Nội dung thủ tục được cập nhật."


@dataclass(frozen=True)
class Change:
    date: str  # ISO date of the commit
    created: bool = False  # the file's first version
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)
    unreadable: bool = False  # one side did not parse: the change is known, not its content

    def lines(self, names: dict[str, dict[str, str]]) -> list[str]:
        """The change in Vietnamese, at most MAX_LINES lines."""
        if self.created:
            return [CREATED]
        if self.unreadable or not self.fields:
            return [UNREADABLE]
        shown = [diff_render.describe(f, names) for f in self.fields[:MAX_LINES]]
        if len(self.fields) > MAX_LINES:
            shown.append(f"và {len(self.fields) - MAX_LINES} thay đổi khác.")
        return shown


History = dict[str, list["Change"]]
# (repository's top, catalog's prefix) → (the commit HEAD named, the history at that commit)
_computed: dict[tuple[Path, str], tuple[str, History]] = {}


def git_history(catalog_dir: Path) -> History:
    """Each procedure file's changes, newest first, keyed by its path from the folder holding the
    catalog (``catalog/procedures/stp/1.001193.yaml``); {} outside git. Computed again only when
    HEAD names another commit (a commit, a checkout); the same value otherwise (never changed by
    its readers)."""
    place = gitinfo.place_of(catalog_dir)
    if place is None:
        return {}
    head = gitinfo.head(place.top)
    known = _computed.get((place.top, place.prefix))
    if head is not None and known is not None and known[0] == head:
        return known[1]
    history = _history(place)
    if head is not None:
        _computed[(place.top, place.prefix)] = (head, history)
    return history


def _history(place: gitinfo.Place) -> History:
    try:
        out = gitinfo.git(
            place.top,
            "log",
            "--first-parent",
            "--no-renames",
            "--raw",
            "--no-abbrev",
            "--format=%x00%cs",
            "HEAD",
            "--",
            place.pathspec(),
        )
    except gitinfo.GitError:
        return {}
    prefix = place.prefix + "/" if place.prefix else ""
    versions: dict[str, list[tuple[str, str, str, str]]] = defaultdict(
        list
    )  # path → (date, status, old, new)
    for block in out.decode("utf-8", "replace").split("\x00")[1:]:
        day, _, raw = block.partition("\n")
        for line in raw.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) < 5 or not path.startswith(prefix + "procedures/"):
                continue
            versions["catalog/" + path[len(prefix) :]].append((day.strip(), parts[4][:1], parts[2], parts[3]))
    wanted = {
        blob
        for changes in versions.values()
        for _, status, old, new in changes
        if status == "M"
        for blob in (old, new)
    }
    texts = _read(place, sorted(wanted))
    history: dict[str, list[Change]] = {}
    for path, changes in versions.items():
        found = []
        for day, status, old, new in changes:  # newest first, as git log gives them
            if status == "A":
                found.append(Change(day, created=True))
            elif status == "M":
                before, after = texts.get(old), texts.get(new)
                if before is None or after is None:
                    found.append(Change(day, unreadable=True))
                else:
                    fields = tuple(diff_values(before, after))
                    if fields:
                        found.append(Change(day, fields=fields))
        history[path] = found
    return history


def _read(place: gitinfo.Place, blobs: list[str]) -> dict[str, Any]:
    """Each blob parsed as YAML (a mapping), or left out when it does not parse."""
    parsed: dict[str, Any] = {}
    if not blobs:
        return parsed
    try:
        with gitinfo.BlobReader(place.top) as reader:
            contents = [(blob, reader.read(blob)) for blob in blobs]
        for blob, data in contents:
            # A version the strict loader refuses is "unreadable", as the change feed treats it.
            value, _problems = parse_version(blob, data)
            if value is not None:
                parsed[blob] = value
    except (gitinfo.GitError, OSError, subprocess.SubprocessError):
        return parsed
    return parsed
