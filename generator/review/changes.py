"""The change feed: what changed in the published procedures, commit by commit, from git history.

For each first-parent commit of HEAD that changed the catalog folder, the catalog is read as it was
then and its exported procedure items (:mod:`generator.export.export_items`, the very items of
``procedures.json``) are compared with those of the previous commit. An entry says which procedures
were added (with the whole item), which were removed from the published set (abolished, suspended,
deleted …) and, for each changed one, every top-level field that changed with its old and new
value. Replaying the entries in order onto an earlier ``procedures.json`` gives the later one
(:func:`apply_entry`); commits that changed no published procedure have no entry.

Reading history is incremental: a file is parsed and checked against its schema only when its blob
changes, and items are rebuilt only for the procedures whose file changed, unless a shared file
(province, sectors, agencies, lists) changed.

Old commits are read with today's schemas. An edit that breaks a file that was valid is skipped
(the file keeps its last valid version: a build at that commit would have refused to publish it).
A file that was never valid under today's schemas (the schemas have grown stricter since) is taken
as it is, so that the feed still follows it: the feed's states must be the states a build made
then, or replaying it onto a copy made then would drift; the items are made from the typed model
(:mod:`generator.model`), so a version that today's model cannot hold is passed over like an
unreadable one. Unreadable file versions (and commits whose items cannot be made) are passed over
and listed in :attr:`Feed.skipped`, which build and export report: one bad commit never blocks
publishing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import git
from .. import model as typed
from ..export.export_items import ExportContext, context_of, procedure_item, procedure_items
from ..validation import index as model
from ..validation import schemas
from ..validation.kinds import kind_of
from ..validation.load import Document
from ..validation.yamlload import MAX_FILE_BYTES, Loaded, load_bytes, mapping_of

PAGE_SIZE = 50
NOT_IN_GIT = (
    "The catalog was not exported from a git repository, so there is no change history; "
    "download procedures.json whole."
)
TRUNCATED = (
    "The repository's history is shallow (truncated): the oldest commit shown is a starting "
    "point, not a change; consumers older than it must download procedures.json whole."
)


@dataclass(frozen=True)
class Feed:
    """The feed's entries, newest first, and what a consumer must know about its completeness."""

    entries: list[dict[str, Any]]
    in_git: bool = True
    truncated: bool = False
    # Historic file versions (and commits) that could not be read and were passed over, each
    # ``(commit, path, reason)``: one bad commit never blocks publishing, but it is reported.
    skipped: tuple[tuple[str, str, str], ...] = ()

    @property
    def changes_through(self) -> str | None:
        """The newest entry's commit: the position of a ``procedures.json`` built now."""
        return self.entries[0]["commit"] if self.entries else None

    @property
    def note(self) -> str | None:
        if not self.in_git:
            return NOT_IN_GIT
        return TRUNCATED if self.truncated else None


NO_FEED = Feed([], in_git=False)


def diff_items(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], statuses: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """added / changed / abolished between two sets of items by code. ``statuses`` gives the new
    status of procedures that still have a file (the others were deleted)."""
    added = [new[code] for code in sorted(new.keys() - old.keys())]
    abolished = [
        {"code": code, "name": _name(old[code]), "status": statuses.get(code, "deleted")}
        for code in sorted(old.keys() - new.keys())
    ]
    changed = []
    for code in sorted(old.keys() & new.keys()):
        before, after = old[code], new[code]
        if before == after:
            continue
        fields = []
        for key in sorted(before.keys() | after.keys()):
            if before.get(key, _ABSENT) != after.get(key, _ABSENT):
                change: dict[str, Any] = {"field": key}
                if key in before:
                    change["old"] = before[key]
                if key in after:
                    change["new"] = after[key]
                fields.append(change)
        changed.append({"code": code, "name": _name(after), "fields": fields})
    return {"added": added, "changed": changed, "abolished": abolished}


def _name(item: dict[str, Any]) -> Any:
    return item.get("name", "")  # not catalog data: an item of procedures.json


_ABSENT: Any = object()


def apply_entry(items: dict[str, dict[str, Any]], entry: dict[str, Any]) -> None:
    """Replay one feed entry onto ``items`` (code → item), in place: what a consumer does."""
    for gone in entry["abolished"]:  # not catalog data: a feed entry
        items.pop(gone["code"], None)  # not catalog data: a feed entry
    for item in entry["added"]:
        items[item["code"]] = item  # not catalog data: a feed entry
    for change in entry["changed"]:
        item = dict(items[change["code"]])  # not catalog data: a feed entry
        for one in change["fields"]:
            if "new" in one:
                item[one["field"]] = one["new"]  # not catalog data: a feed entry
            else:
                item.pop(one["field"], None)  # not catalog data: a feed entry
        items[change["code"]] = item  # not catalog data: a feed entry


def entries_since(pages: Iterable[dict[str, Any]], position: str | None) -> list[dict[str, Any]] | None:
    """The entries after commit ``position``, oldest first, reading feed pages newest first (stop
    as soon as it is found); None if it is not in the feed (then download everything again)."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for page in pages:
        for entry in page["entries"]:  # not catalog data: a feed entry
            if entry["commit"] == position:
                return list(reversed(found))
            if entry["commit"] not in seen:  # pages read from two builds may overlap
                seen.add(entry["commit"])
                found.append(entry)
    return list(reversed(found)) if position is None else None


@dataclass
class _State:
    """The catalog as read so far: per path its blob and parsed document (last valid version)."""

    blobs: dict[str, str] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    code_of_path: dict[str, str] = field(default_factory=dict)
    shared: dict[str, str] = field(default_factory=dict)
    ctx: ExportContext | None = None


Parsed = dict[tuple[str, str], tuple[Loaded | None, bool]]


class _History:
    def __init__(self, place: git.Place, preview: bool, seed: Parsed) -> None:
        self.place = place
        self.preview = preview
        self.state = _State()
        self.seed = seed
        self.cache: Parsed = {}
        self.valid: dict[str, bool] = {}
        self.reasons: dict[tuple[str, str], str] = {}  # why a blob could not be read, by (blob, kind)
        self.skipped: list[tuple[str, str, str]] = []

    def advance(self, commit: str, reader: git.BlobReader) -> dict[str, str]:
        """Move the state to ``commit``; return the status of every procedure that has a file."""
        state = self.state
        files = {p: b for p, b in git.tree(self.place, commit).items() if kind_of(p) is not None}
        changed = sorted(p for p in files.keys() | state.blobs.keys() if files.get(p) != state.blobs.get(p))
        cache: Parsed = {}
        for path, blob in files.items():
            key = (blob, kind_of(path) or "")
            if key in self.cache:
                cache[key] = self.cache[key]
        old_codes = {state.code_of_path[p] for p in changed if p in state.code_of_path}
        for path in changed:
            if path not in files:
                state.documents.pop(path, None)
                self.valid.pop(path, None)
                continue
            kind = kind_of(path) or ""
            key = (files[path], kind)
            if key not in cache:
                cache[key] = self.seed.get(key) or self._load(reader, files[path], kind, path)
            loaded, valid = cache[key]
            if loaded is None and key in self.reasons:
                self.skipped.append((commit, f"catalog/{path}", self.reasons[key]))
            if loaded is None or (not valid and self.valid.get(path)):
                continue  # unreadable, or a broken edit of a valid file: the last version stays
            state.documents[path] = Document(Path(path), path, kind, loaded)
            self.valid[path] = valid
        self.cache = cache
        state.blobs = files
        catalog, _ = model.build(
            Path(self.place.prefix or "."), [state.documents[p] for p in sorted(state.documents)], {}
        )
        state.code_of_path = {
            p: model.written_code(d)
            for p, d in state.documents.items()
            if d.kind == "procedure" and d.loaded is not None
        }
        shared = {p: b for p, b in files.items() if kind_of(p) != "procedure"}
        if state.ctx is None or shared != state.shared:
            whole = typed.build(catalog)
            state.ctx = context_of(whole, preview=self.preview)
            state.items = procedure_items(whole, preview=self.preview, ctx=state.ctx)
        else:
            items = dict(state.items)
            for code in old_codes | {state.code_of_path[p] for p in changed if p in state.code_of_path}:
                ref = catalog.procedures.get(code)
                valid = ref is not None and catalog.is_valid(ref)  # not a placeholder of an unreadable file
                item = procedure_item(typed.procedure(ref), state.ctx) if ref is not None and valid else None
                if item is None:
                    items.pop(code, None)
                else:
                    items[code] = item
            state.items = items
        state.shared = shared
        return catalog.statuses()

    def _load(self, reader: git.BlobReader, blob: str, kind: str, path: str) -> tuple[Loaded | None, bool]:
        """The blob parsed (None if it is not a readable YAML mapping) and whether it passes its schema."""
        data = reader.read(blob)
        if len(data) > MAX_FILE_BYTES:
            self.reasons[(blob, kind)] = f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes"
            return None, False
        loaded, problems = load_bytes(data, path)
        if loaded is None or problems or mapping_of(loaded) is None:
            first = problems[0] if problems else None
            self.reasons[(blob, kind)] = (
                f"line {first.line}: {first.pointer or '/'}: {first.message} [{first.code}]"
                if first
                else "the file does not hold a YAML mapping"
            )
            return None, False
        valid = not schemas.validate(kind, loaded, path)
        reason = None if valid else typed.unmodellable(Document(Path(path), path, kind, loaded))
        if reason is not None:  # today's model cannot hold it: passed over like an unreadable file
            self.reasons[(blob, kind)] = f"today's model cannot hold it: {reason}"
            return None, False
        return loaded.bare(path), valid


def history_entries(place: git.Place, *, preview: bool = False, seed: Parsed | None = None) -> Feed:
    """Every feed entry of the catalog's history in ``place``, newest first. ``seed`` holds files
    already parsed and valid, by (blob id, kind): they are not read again."""
    commits = git.history(place)
    shallow = git.shallow_commits(place)
    truncated = bool(commits) and commits[0].id in shallow
    reader_history = _History(place, preview, seed or {})
    entries: list[dict[str, Any]] = []
    previous: str | None = None
    with git.BlobReader(place.top) as reader:
        for index, commit in enumerate(commits):
            before = reader_history.state.items
            try:
                statuses = reader_history.advance(commit.id, reader)
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                # Data today's code cannot turn into items (files valid then, odd now): the commit is
                # passed over, reported, and the feed goes on from the state before it.
                reader_history.skipped.append((commit.id, "", f"cannot be read: {type(exc).__name__}: {exc}"))
                reader_history.state.items = before
                continue
            if truncated and index == 0:
                previous = commit.id
                continue
            diff = diff_items(before, reader_history.state.items, statuses)
            if not any(diff.values()):
                continue
            entries.append(
                {
                    "commit": commit.id,
                    "previous": previous,
                    "date": commit.date,
                    "message": commit.subject,
                    **diff,
                }
            )
            previous = commit.id
    entries.reverse()
    return Feed(entries, in_git=True, truncated=truncated, skipped=tuple(reader_history.skipped))


def feed_for(catalog_dir: Path, *, preview: bool = False, catalog: model.Catalog | None = None) -> Feed:
    """The feed of the catalog at ``catalog_dir``, or an empty one (with a note) outside git.

    ``catalog``, the same catalog already loaded (from the work tree as it is now) and validated,
    saves parsing again the files that have not changed since HEAD: most files of most commits, as
    most files change rarely."""
    place = git.place_of(catalog_dir)
    if place is None:
        return NO_FEED
    return history_entries(
        place, preview=preview, seed=_seed(place, catalog) if catalog is not None else None
    )


def _seed(place: git.Place, catalog: model.Catalog) -> Parsed:
    """The validated catalog's documents by (HEAD blob id, kind), for files clean in the work tree."""
    head = git.tree(place, "HEAD")
    dirty = git.dirty_paths(place)
    root = catalog.root.resolve()
    seed: Parsed = {}
    for document in catalog.documents:
        if document.loaded is None or not catalog.is_valid_document(document):
            continue
        try:
            path = document.path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        if path in head and path not in dirty:
            seed[(head[path], document.kind)] = (document.loaded.bare(path), True)
    return seed


def page_path(page: int) -> str:
    return "changes.json" if page == 1 else f"changes/page-{page}.json"


def pages(
    feed: Feed, header: dict[str, Any], *, page_size: int | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The feed as pages, path relative to the API folder: ``changes.json`` holds the newest
    ``page_size`` (default :data:`PAGE_SIZE`) entries and links to ``changes/page-2.json`` and so on."""
    page_size = page_size or PAGE_SIZE
    chunks = [feed.entries[i : i + page_size] for i in range(0, len(feed.entries), page_size)] or [[]]
    for number, chunk in enumerate(chunks, 1):
        page: dict[str, Any] = {
            **header,
            "count": len(chunk),
            "total": len(feed.entries),
            "page": number,
            "pages": len(chunks),
            "next": page_path(number + 1) if number < len(chunks) else None,
            "changes_through": feed.changes_through,
            "truncated": feed.truncated,
            "entries": chunk,
        }
        if feed.note:
            page["note"] = feed.note
        yield page_path(number), page
