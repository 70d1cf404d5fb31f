"""What a change does to the catalog: procedures added, abolished, changed field by field, moved;
location-independent entries proposed, approved, removed; reference data changed.

Three layers, each usable alone (the review command, the open-data change feed and the site's
per-procedure history can all build on them), all importable from this module:

- :func:`snapshot_at` (in :mod:`generator.review.snapshot`) reads the catalog's files at a git revision (or the working tree) and parses
  them with the strict loader; files that do not parse are recorded, not fatal. Blobs are read with
  one ``git ls-tree`` and one ``git cat-file --batch``, and only the paths asked for are parsed.
- :func:`changed_paths` (:mod:`generator.review.snapshot`) lists the catalog files that differ between two revisions
  (``git diff --name-status -M``), so that a diff parses the changed files only.
- :func:`diff_snapshots` makes each snapshot's typed model (:func:`generator.model.written.revision`:
  the files as written, valid or not, as typed entities) and compares the two entity by entity,
  their contents value by value with :func:`diff_values` (:mod:`generator.review.diff_values`). List items are matched by a natural key (a document by its name, a legal document by its number, a channel by its kind), so an
  inserted document is one addition, not a change of every later item; a file moved or renamed
  with the same procedure code is a move; a status that becomes ``abolished`` is an abolition.

:func:`diff_revisions` puts them together. Snapshots compared with :func:`diff_snapshots` must be
read with the same paths (both sides of every change): an entity whose file exists in a snapshot
but was not loaded counts as unknown, never as added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..diagnostics import Diagnostic
from ..git import GitError, git
from ..model import written
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
    "life-event": 7,
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
    old: written.WrittenProcedure | None = field(default=None, repr=False, compare=False)
    new: written.WrittenProcedure | None = field(default=None, repr=False, compare=False)

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
    before, after = _Side(old, written.revision(old.files)), _Side(new, written.revision(new.files))
    result.procedures = _procedures(before, after)
    result.entities = _entities(before, after)
    result.entries = _entries(before, after)
    result.procedures.sort(key=lambda p: (CHANGE_ORDER[p.change], p.code))
    result.entities.sort(key=lambda e: (ENTITY_ORDER.get(e.kind, 99), e.key))
    result.entries.sort(key=lambda e: (e.list_id, ENTRY_ORDER[e.change], e.code))
    result.names = _names(before, after)
    return result


@dataclass(frozen=True)
class _Side:
    """One side of a diff: what was read (and what could not be), and its typed entities."""

    snapshot: Snapshot
    revision: written.Revision

    def known(self, path: str) -> bool:
        return self.snapshot.known(path)

    def failed(self, path: str) -> bool:
        return path in self.snapshot.failed

    def absent(self, other: written.WrittenDocument | None) -> bool:
        """Whether an entity found on the other side at ``other``'s path is known to be absent here."""
        return other is not None and self.known(other.path) and not self.failed(other.path)


def _procedures(old: _Side, new: _Side) -> list[ProcedureChange]:
    before, after = old.revision.procedures, new.revision.procedures
    changes: list[ProcedureChange] = []
    for code in sorted(set(before) | set(after)):
        was, now = before.get(code), after.get(code)
        if was is None and now is not None:
            if old.failed(now.path):  # it was there but unreadable: changed, in ways that cannot be told
                changes.append(
                    ProcedureChange(code, "changed", now.name, now.path, status_new=now.status, new=now)
                )
            elif old.known(now.path):
                changes.append(
                    ProcedureChange(code, "added", now.name, now.path, status_new=now.status, new=now)
                )
        elif was is not None and now is None:
            if new.known(was.path) and not new.failed(was.path):
                changes.append(
                    ProcedureChange(code, "removed", was.name, was.path, status_old=was.status, old=was)
                )
        elif was is not None and now is not None:
            fields = diff_values(was.content, now.content)
            if not fields and was.path == now.path:
                continue
            kind = "abolished" if now.status == "abolished" and was.status != "abolished" else "changed"
            changes.append(
                ProcedureChange(
                    code,
                    kind,
                    now.name or was.name,
                    now.path,
                    was.path if was.path != now.path else None,
                    was.status,
                    now.status,
                    fields,
                    was,
                    now,
                )
            )
    return changes


def _entities(old: _Side, new: _Side) -> list[EntityChange]:
    changes: list[EntityChange] = []
    for path, (kind, key) in written.COLLECTIONS.items():
        if not (old.known(path) and new.known(path)) or old.failed(path) or new.failed(path):
            continue
        if path not in old.revision.files and path not in new.revision.files:
            continue
        before, after = old.revision.items(path), new.revision.items(path)
        for ident in list(after) + [i for i in before if i not in after]:
            item_was, item_now = before.get(ident), after.get(ident)
            change = _entity_change(kind, ident, item_was, item_now, path, path)
            if change is not None:
                change.pointer = (
                    f"/{key}/{(item_now or item_was or written.WrittenItem(0, '', '', {})).index}"
                )
                changes.append(change)
    province = written.PROVINCE
    if old.known(province) and new.known(province) and not old.failed(province) and not new.failed(province):
        change = _entity_change(
            "province", "province", old.revision.province, new.revision.province, province, province
        )
        if change is not None:
            changes.append(change)
    for kind in written.DOCUMENT_IDS:
        documents_before = old.revision.documents[kind]
        documents_after = new.revision.documents[kind]
        for ident in list(documents_after) + [i for i in documents_before if i not in documents_after]:
            was, now = documents_before.get(ident), documents_after.get(ident)
            if (now is None and not new.absent(was)) or (was is None and not old.absent(now)):
                continue
            there = now or was
            change = _entity_change(
                kind, ident, was, now, there.path if there else "", was.path if was else None
            )
            if change is not None:
                changes.append(change)
    return changes


Written = written.WrittenItem | written.WrittenDocument


def _entity_change(
    kind: str, key: str, was: Written | None, now: Written | None, path: str, old_path: str | None
) -> EntityChange | None:
    if was is None and now is None:
        return None
    named = now if now is not None and now.content else was if was is not None and was.content else None
    name = named.name if named is not None else ""
    if was is None:
        return EntityChange(kind, key, "added", name, path)
    if now is None:
        return EntityChange(kind, key, "removed", name, path)
    skip = {"entries"} if kind == "location-independent" else set()
    fields = diff_values(
        {k: v for k, v in was.content.items() if k not in skip},
        {k: v for k, v in now.content.items() if k not in skip},
    )
    moved = old_path is not None and old_path != path
    if not fields and not moved:
        return None
    return EntityChange(kind, key, "changed", name, path, "", old_path if moved else None, fields)


def _entries(old: _Side, new: _Side) -> list[EntryChange]:
    before = old.revision.documents["location-independent"]
    after = new.revision.documents["location-independent"]
    changes: list[EntryChange] = []
    for list_id in sorted(set(before) | set(after)):
        was, now = before.get(list_id), after.get(list_id)
        if (now is None and not new.absent(was)) or (was is None and not old.absent(now)):
            continue
        old_entries = {e.code: e for e in was.entries} if was else {}
        new_entries = {e.code: e for e in now.entries} if now else {}
        for code in list(new_entries) + [c for c in old_entries if c not in new_entries]:
            o, n = old_entries.get(code), new_entries.get(code)
            change = _entry_change(o.status if o else None, n.status if n else None)
            fields = (
                [f for f in diff_values(o.content, n.content) if f.path != ("status",)] if o and n else []
            )
            if change is None and fields:
                change = "changed"
            if change is None:
                continue
            side, entry = (now, n) if n else (was, o)
            assert entry is not None  # the code is on one side at least
            changes.append(
                EntryChange(
                    list_id,
                    code,
                    change,
                    side.path if side else "",
                    f"/entries/{entry.index}",
                    list(entry.levels),
                    o.status if o else None,
                    n.status if n else None,
                    fields,
                )
            )
    return changes


def _entry_change(old: str | None, new: str | None) -> str | None:
    if old == new:
        return None
    if new == "proposed":
        return "proposed"
    if new == "approved":
        return "approved"
    return "removed" if old in ("proposed", "approved") else None


def _names(old: _Side, new: _Side) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {"agency": {}, "sector": {}, "level": {}, "procedure": {}, "list": {}}
    for side in (old, new):  # the new names win
        revision = side.revision
        for file, (kind, _) in written.COLLECTIONS.items():
            for ident, item in revision.items(file).items():
                if kind in names and item.name:
                    names[kind][ident] = item.name
        for ident, level in written.keyed(written.levels(revision.files.get(written.PROVINCE))).items():
            names["level"][ident] = level.name  # not catalog data: the diff's table of names
        for code, procedure in revision.procedures.items():
            names["procedure"][code] = procedure.name
        for ident, document in revision.documents["location-independent"].items():
            names["list"][ident] = document.name
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
            content = snapshot.files.get(path)
            procedure = written.procedure(path, content) if content else None
            if procedure is not None and procedure.code in missing and procedure.name:
                result.names["procedure"][procedure.code] = procedure.name
                missing.discard(procedure.code)
