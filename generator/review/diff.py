"""What a change does to the catalog: procedures added, abolished, changed field by field, moved;
location-independent entries proposed, approved, removed; reference data changed.

Three layers, each usable alone (the review command, the open-data change feed and the site's
per-procedure history can all build on them), all importable from this module:

- :func:`snapshot_at` (in :mod:`generator.review.snapshot`) reads the catalog's files at a git revision (or the working tree) and parses
  them with the strict loader; files that do not parse are recorded, not fatal. Blobs are read with
  one ``git ls-tree`` and one ``git cat-file --batch``, and only the paths asked for are parsed.
- :func:`changed_paths` (:mod:`generator.review.snapshot`) lists the catalog files that differ between two revisions
  (``git diff --name-status -M``), so that a diff parses the changed files only.
- :func:`diff_snapshots` compares two snapshots semantically, value by value with
  :func:`diff_values` (:mod:`generator.review.diff_values`). List items are matched by a natural key (a document by its name, a legal document by its number, a channel by its kind), so an
  inserted document is one addition, not a change of every later item; a file moved or renamed
  with the same procedure code is a move; a status that becomes ``abolished`` is an abolition.

:func:`diff_revisions` puts them together. Snapshots compared with :func:`diff_snapshots` must be
read with the same paths (both sides of every change): an entity whose file exists in a snapshot
but was not loaded counts as unknown, never as added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..diagnostics import Diagnostic
from ..git import GitError, git
from ..site.siteconfig import code_keys_changed
from ..validation.kinds import kind_in_repo as kind_of
from .diff_values import FieldChange, ItemKey, PathPart, diff_values
from .snapshot import PathChange, Snapshot, changed_paths, extend, resolve, snapshot_at

__all__ = [
    "CatalogDiff",
    "EntityChange",
    "EntryChange",
    "FieldChange",
    "GitError",
    "ItemKey",
    "PathChange",
    "PathPart",
    "ProcedureChange",
    "Snapshot",
    "changed_paths",
    "diff_revisions",
    "diff_snapshots",
    "diff_values",
    "extend",
    "kind_of",
    "resolve",
    "snapshot_at",
]

# Read on both sides of every diff, for names (agencies, sectors, levels) and because they are small.
CONTEXT_FILES = ("catalog/province.yaml", "catalog/agencies.yaml", "catalog/sectors.yaml")
# Reference files holding one list of items each: file → (entity kind, list key).
COLLECTIONS = {
    "catalog/agencies.yaml": ("agency", "agencies"),
    "catalog/sectors.yaml": ("sector", "sectors"),
    "catalog/service-points.yaml": ("service-point", "service_points"),
}
# Folder documents compared as one entity each: kind → the field that identifies one.
DOCUMENT_IDS = {"decision": "number", "plan": "id", "location-independent": "id"}

CHANGE_ORDER = {"added": 0, "abolished": 1, "removed": 2, "changed": 3}
ENTRY_ORDER = {"proposed": 0, "approved": 1, "changed": 2, "removed": 3}
ENTITY_ORDER = {
    "province": 0,
    "agency": 1,
    "sector": 2,
    "service-point": 3,
    "decision": 4,
    "location-independent": 5,
    "plan": 6,
}


@dataclass
class ProcedureChange:
    """A procedure added, abolished (its status became abolished), removed (its file deleted) or changed.
    A move (``old_path`` set) keeps the code and changes the file's place; it may change nothing else."""

    code: str
    change: str
    name: str
    path: str
    old_path: str | None = None
    status_old: str | None = None
    status_new: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    old: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    new: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def agency(self) -> str:
        """The agency whose folder holds the file (after the change)."""
        return PurePosixPath(self.path).parent.name

    @property
    def moved(self) -> bool:
        return self.old_path is not None and self.old_path != self.path


@dataclass
class EntryChange:
    """A location-independent list entry: proposed, approved, removed (from an approved list, or a
    proposal withdrawn), or changed (its levels or note). ``status_*`` are its effective statuses."""

    list_id: str
    code: str
    change: str
    path: str
    pointer: str
    levels: list[str]
    status_old: str | None = None
    status_new: str | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class EntityChange:
    """A reference entity (agency, sector, service point, province, decision, plan, or a
    location-independent list's own fields) added, removed or changed."""

    kind: str
    key: str
    change: str
    name: str
    path: str
    pointer: str = ""
    old_path: str | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class CatalogDiff:
    base: str | None
    base_commit: str | None
    head: str | None
    head_commit: str | None
    procedures: list[ProcedureChange] = field(default_factory=list)
    entries: list[EntryChange] = field(default_factory=list)
    entities: list[EntityChange] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    # Display names: "agency", "sector", "level", "procedure", "list" → id → name.
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    # Keys of mkdocs.yml that make the build run code (hooks, plugins…) and that the change alters.
    site_code: list[str] = field(default_factory=list)

    def _of(self, change: str) -> list[ProcedureChange]:
        return [p for p in self.procedures if p.change == change]

    @property
    def added(self) -> list[ProcedureChange]:
        return self._of("added")

    @property
    def abolished(self) -> list[ProcedureChange]:
        return self._of("abolished")

    @property
    def removed(self) -> list[ProcedureChange]:
        return self._of("removed")

    @property
    def changed(self) -> list[ProcedureChange]:
        return self._of("changed")

    @property
    def moved(self) -> list[ProcedureChange]:
        return [p for p in self.procedures if p.moved]

    @property
    def empty(self) -> bool:
        return not (self.procedures or self.entries or self.entities or self.problems or self.site_code)


def diff_revisions(repo: Path, base: str, head: str | None = None) -> CatalogDiff:
    """The semantic diff from ``base`` to ``head`` (None: the working tree), parsing only the files
    that changed (plus the small reference files that give names)."""
    changes = changed_paths(repo, base, head)
    old = snapshot_at(repo, base, [c.old for c in changes if c.old] + list(CONTEXT_FILES))
    new = snapshot_at(repo, head, [c.new for c in changes if c.new] + list(CONTEXT_FILES))
    result = diff_snapshots(old, new)
    _name_entries(result, old, new)
    result.site_code = code_keys_changed(_site_config(repo, old.commit), _site_config(repo, new.commit))
    return result


def _site_config(repo: Path, commit: str | None) -> str | None:
    """mkdocs.yml beside catalog/ at ``commit`` (None: the working tree), or None if absent."""
    try:
        data = (
            (repo / "mkdocs.yml").read_bytes()
            if commit is None
            else git(repo, "show", f"{commit}:./mkdocs.yml")
        )
    except (OSError, GitError):
        return None
    return data.decode("utf-8", errors="replace")


def diff_snapshots(old: Snapshot, new: Snapshot) -> CatalogDiff:
    """Compare two snapshots read with the same paths (see the module's documentation)."""
    result = CatalogDiff(old.rev, old.commit, new.rev, new.commit, problems=new.problems)
    result.procedures = _procedures(old, new)
    result.entities = _entities(old, new)
    result.entries = _entries(old, new)
    result.procedures.sort(key=lambda p: (CHANGE_ORDER[p.change], p.code))
    result.entities.sort(key=lambda e: (ENTITY_ORDER.get(e.kind, 99), e.key))
    result.entries.sort(key=lambda e: (e.list_id, ENTRY_ORDER[e.change], e.code))
    result.names = _names(old, new)
    return result


def _of_kind(snapshot: Snapshot, kind: str) -> dict[str, dict[str, Any]]:
    return {path: data for path, data in snapshot.files.items() if kind_of(path) == kind}


def _procedures(old: Snapshot, new: Snapshot) -> list[ProcedureChange]:
    before = _by_code(_of_kind(old, "procedure"))
    after = _by_code(_of_kind(new, "procedure"))
    changes: list[ProcedureChange] = []
    for code in sorted(set(before) | set(after)):
        was, now = before.get(code), after.get(code)
        if was is None and now is not None:
            path, data = now
            if path in old.failed:  # it was there but unreadable: changed, in ways that cannot be told
                changes.append(
                    ProcedureChange(
                        code,
                        "changed",
                        _text(data.get("name")),
                        path,
                        status_new=_text(data.get("status")) or None,
                        new=data,
                    )
                )
            elif old.known(path):
                changes.append(
                    ProcedureChange(
                        code,
                        "added",
                        _text(data.get("name")),
                        path,
                        status_new=_text(data.get("status")) or None,
                        new=data,
                    )
                )
        elif was is not None and now is None:
            path, data = was
            if new.known(path) and path not in new.failed:
                changes.append(
                    ProcedureChange(
                        code,
                        "removed",
                        _text(data.get("name")),
                        path,
                        status_old=_text(data.get("status")) or None,
                        old=data,
                    )
                )
        elif was is not None and now is not None:
            fields = diff_values(was[1], now[1])
            if not fields and was[0] == now[0]:
                continue
            status_old, status_new = _text(was[1].get("status")) or None, _text(now[1].get("status")) or None
            kind = "abolished" if status_new == "abolished" and status_old != "abolished" else "changed"
            changes.append(
                ProcedureChange(
                    code,
                    kind,
                    _text(now[1].get("name")) or _text(was[1].get("name")),
                    now[0],
                    was[0] if was[0] != now[0] else None,
                    status_old,
                    status_new,
                    fields,
                    was[1],
                    now[1],
                )
            )
    return changes


def _by_code(files: dict[str, dict[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(files):
        code = files[path].get("code")
        key = code if isinstance(code, str) and code else PurePosixPath(path).stem
        found.setdefault(key, (path, files[path]))
    return found


def _entities(old: Snapshot, new: Snapshot) -> list[EntityChange]:
    changes: list[EntityChange] = []
    for path, (kind, key) in COLLECTIONS.items():
        if not (old.known(path) and new.known(path)) or path in old.failed or path in new.failed:
            continue
        if path not in old.files and path not in new.files:
            continue
        before = _keyed_items(old.files.get(path, {}).get(key), key)
        after = _keyed_items(new.files.get(path, {}).get(key), key)
        for ident in list(after) + [i for i in before if i not in after]:
            item_was, item_now = before.get(ident), after.get(ident)
            change = _entity_change(
                kind, ident, item_was[1] if item_was else None, item_now[1] if item_now else None, path, path
            )
            if change is not None:
                change.pointer = f"/{key}/{(item_now or item_was or (0, {}))[0]}"
                changes.append(change)
    province = "catalog/province.yaml"
    if (
        old.known(province)
        and new.known(province)
        and province not in old.failed
        and province not in new.failed
    ):
        change = _entity_change(
            "province", "province", old.files.get(province), new.files.get(province), province, province
        )
        if change is not None:
            changes.append(change)
    for kind, ident_key in DOCUMENT_IDS.items():
        documents_before = _documents(old, kind, ident_key)
        documents_after = _documents(new, kind, ident_key)
        for ident in list(documents_after) + [i for i in documents_before if i not in documents_after]:
            was, now = documents_before.get(ident), documents_after.get(ident)
            if (now is None and not _absent(new, was)) or (was is None and not _absent(old, now)):
                continue
            change = _entity_change(
                kind,
                ident,
                was[1] if was else None,
                now[1] if now else None,
                (now or was or ("", {}))[0],
                was[0] if was else None,
            )
            if change is not None:
                changes.append(change)
    return changes


def _absent(snapshot: Snapshot, other: tuple[str, dict[str, Any]] | None) -> bool:
    """Whether an entity found on the other side at ``other``'s path is known to be absent here."""
    return other is not None and snapshot.known(other[0]) and other[0] not in snapshot.failed


def _keyed_items(value: Any, key: str) -> dict[str, tuple[int, dict[str, Any]]]:
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                found.setdefault(_text(item.get("id")) or f"#{i + 1}", (i, item))
    return found


def _documents(snapshot: Snapshot, kind: str, ident_key: str) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, data in sorted(_of_kind(snapshot, kind).items()):
        found.setdefault(_text(data.get(ident_key)) or PurePosixPath(path).stem, (path, data))
    return found


def _entity_change(
    kind: str,
    key: str,
    was: dict[str, Any] | None,
    now: dict[str, Any] | None,
    path: str,
    old_path: str | None,
) -> EntityChange | None:
    if was is None and now is None:
        return None
    name = _entity_name(kind, now or was or {})
    if was is None:
        return EntityChange(kind, key, "added", name, path)
    if now is None:
        return EntityChange(kind, key, "removed", name, path)
    skip = {"entries"} if kind == "location-independent" else set()
    fields = diff_values(
        {k: v for k, v in was.items() if k not in skip}, {k: v for k, v in now.items() if k not in skip}
    )
    moved = old_path is not None and old_path != path
    if not fields and not moved:
        return None
    return EntityChange(kind, key, "changed", name, path, "", old_path if moved else None, fields)


def _entity_name(kind: str, data: dict[str, Any]) -> str:
    if kind == "decision":
        return _text(data.get("number"))
    if kind == "plan":
        return " ".join(filter(None, (_text(data.get("number")), _text(data.get("title")))))
    if kind == "location-independent":
        return _text(data.get("title"))
    return _text(data.get("name"))


def _entries(old: Snapshot, new: Snapshot) -> list[EntryChange]:
    before = _documents(old, "location-independent", "id")
    after = _documents(new, "location-independent", "id")
    changes: list[EntryChange] = []
    for list_id in sorted(set(before) | set(after)):
        was, now = before.get(list_id), after.get(list_id)
        if (now is None and not _absent(new, was)) or (was is None and not _absent(old, now)):
            continue
        old_entries = _list_entries(was[1] if was else None)
        new_entries = _list_entries(now[1] if now else None)
        for code in list(new_entries) + [c for c in old_entries if c not in new_entries]:
            o, n = old_entries.get(code), new_entries.get(code)
            change = _entry_change(o[1] if o else None, n[1] if n else None)
            fields = [f for f in diff_values(o[2], n[2]) if f.path != ("status",)] if o and n else []
            if change is None and fields:
                change = "changed"
            if change is None:
                continue
            side, (index, _, entry) = (now, n) if n else (was, o or (0, "", {}))
            levels = entry.get("levels")
            changes.append(
                EntryChange(
                    list_id,
                    code,
                    change,
                    side[0] if side else "",
                    f"/entries/{index}",
                    [str(v) for v in levels] if isinstance(levels, list) else [],
                    o[1] if o else None,
                    n[1] if n else None,
                    fields,
                )
            )
    return changes


def _list_entries(data: dict[str, Any] | None) -> dict[str, tuple[int, str, dict[str, Any]]]:
    """code → (index, effective status, entry) for one list document."""
    if not data or not isinstance(data.get("entries"), list):
        return {}
    list_status = data.get("status")
    found: dict[str, tuple[int, str, dict[str, Any]]] = {}
    for i, entry in enumerate(data["entries"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            continue
        if list_status == "superseded":
            status = "superseded"
        elif list_status == "proposed" or entry.get("status") == "proposed":
            status = "proposed"
        else:
            status = "approved"
        found.setdefault(entry["code"], (i, status, entry))
    return found


def _entry_change(old: str | None, new: str | None) -> str | None:
    if old == new:
        return None
    if new == "proposed":
        return "proposed"
    if new == "approved":
        return "approved"
    return "removed" if old in ("proposed", "approved") else None


def _names(old: Snapshot, new: Snapshot) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {"agency": {}, "sector": {}, "level": {}, "procedure": {}, "list": {}}
    for snapshot in (old, new):  # the new names win
        for file, (kind, key) in COLLECTIONS.items():
            for ident, (_, item) in _keyed_items(snapshot.files.get(file, {}).get(key), key).items():
                if kind in names and _text(item.get("name")):
                    names[kind][ident] = _text(item.get("name"))
        province = snapshot.files.get("catalog/province.yaml", {})
        for ident, (_, item) in _keyed_items(province.get("levels"), "levels").items():
            names["level"][ident] = _text(item.get("name"))
        for code, (_, data) in _by_code(_of_kind(snapshot, "procedure")).items():
            names["procedure"][code] = _text(data.get("name"))
        for ident, (_, data) in _documents(snapshot, "location-independent", "id").items():
            names["list"][ident] = _text(data.get("title"))
    return names


def _name_entries(result: CatalogDiff, old: Snapshot, new: Snapshot) -> None:
    """Read the few procedure files whose names the entry changes need and the diff did not parse."""
    missing = {e.code for e in result.entries} - set(result.names.get("procedure", {}))
    if not missing:
        return
    for snapshot in (new, old):
        paths = [
            p for p in snapshot.listing if kind_of(p) == "procedure" and PurePosixPath(p).stem in missing
        ]
        extend(snapshot, paths)
        for path in paths:
            data = snapshot.files.get(path)
            code = data.get("code") if data else None
            if isinstance(code, str) and code in missing and _text(data and data.get("name")):
                result.names["procedure"][code] = _text(data and data.get("name"))
                missing.discard(code)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
