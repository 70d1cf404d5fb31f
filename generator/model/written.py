"""The catalog as written at a git revision: typed, and lenient, for the review stage.

A diff must show a proposed change even when it breaks the schema, and ``catalog owners`` and
``catalog new`` must work while the catalog has problems, so what they read cannot be the validated
model (:mod:`generator.model.entities`). This is its lenient twin: each entity with what the review
needs to name it (its code or id, name, status, levels) read once here, tolerating any value, and
its ``content`` as written (the mapping :func:`generator.review.diff_values.diff_values` compares
value by value, without reading keys). A value of the wrong type reads as absent (``""``, None,
``()``), never as an error. This module and :mod:`.records` are the only places after loading that
read catalog mappings by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ..validation.kinds import kind_in_repo

Content = Mapping[str, Any]
# Reference files holding one list of items each: file → (entity kind, list key).
COLLECTIONS = {
    "catalog/agencies.yaml": ("agency", "agencies"),
    "catalog/sectors.yaml": ("sector", "sectors"),
    "catalog/service-points.yaml": ("service-point", "service_points"),
    "catalog/life-events.yaml": ("life-event", "events"),
}
PROVINCE = "catalog/province.yaml"
# Folder documents compared as one entity each: kind → the field that identifies one.
DOCUMENT_IDS = {"decision": "number", "plan": "id", "location-independent": "id"}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> Content:
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------------------------
# Entities as written


@dataclass(frozen=True, slots=True)
class WrittenProcedure:
    """A procedure file: ``code`` as written (None if it is not text), ``key`` what identifies it
    (its code, else its file name)."""

    path: str
    code: str | None
    name: str
    status: str | None  # None: absent, empty or not text
    sector: str | None
    levels: tuple[str, ...]  # the levels written as text
    content: Content = field(repr=False)

    @property
    def key(self) -> str:
        return self.code or PurePosixPath(self.path).stem


def procedure(path: str, content: Content) -> WrittenProcedure:
    levels = content.get("levels")
    return WrittenProcedure(
        path,
        _str(content.get("code")),
        _text(content.get("name")),
        _text(content.get("status")) or None,
        _str(content.get("sector")),
        tuple(v for v in levels if isinstance(v, str)) if isinstance(levels, list) else (),
        content,
    )


@dataclass(frozen=True, slots=True)
class WrittenItem:
    """One item of a reference list (an agency, a sector, a service point, a level): ``id`` its id,
    or ``#n`` (its place) if it has none; the other fields as written, whatever their type."""

    index: int
    id: str
    name: str
    content: Content = field(repr=False)
    written_id: Any = None
    written_name: Any = None
    level: Any = None
    team: Any = None
    until: Any = None
    successor: Any = None


def items(value: Any) -> tuple[WrittenItem, ...]:
    """The mapping items of a reference list as written (anything else in the list is skipped)."""
    if not isinstance(value, list):
        return ()
    return tuple(
        WrittenItem(
            i,
            _text(item.get("id")) or f"#{i + 1}",
            _text(item.get("name", item.get("title"))),  # a life event has a title
            item,
            item.get("id"),
            item.get("name", item.get("title")),
            item.get("level"),
            item.get("team"),
            item.get("until"),
            item.get("successor"),
        )
        for i, item in enumerate(value)
        if isinstance(item, dict)
    )


def keyed(found: Iterable[WrittenItem]) -> dict[str, WrittenItem]:
    """Items by id, the first of each id."""
    out: dict[str, WrittenItem] = {}
    for item in found:
        out.setdefault(item.id, item)
    return out


def collection(path: str, content: Content | None) -> tuple[WrittenItem, ...]:
    """The items of one of the :data:`COLLECTIONS` files (none if absent or not a list)."""
    return items(_mapping(content).get(COLLECTIONS[path][1]))


@dataclass(frozen=True, slots=True)
class WrittenGitHub:
    """``github`` of province.yaml as written (owners work while the catalog has problems)."""

    org: Any = None
    provincial_team: Any = None


def github(province: Content | None) -> WrittenGitHub:
    found = _mapping(province).get("github")
    if not isinstance(found, dict):
        return WrittenGitHub()
    return WrittenGitHub(found.get("org"), found.get("provincial_team"))


def with_implementing(procedure: Content, agency: str) -> dict[str, Any]:
    """A procedure's ``agencies`` as written, with ``agency`` its one implementing agency (``catalog
    new --from-code``)."""
    roles = procedure.get("agencies")
    found = dict(roles) if isinstance(roles, dict) else {}
    found["implementing"] = [agency]
    return found


@dataclass(frozen=True, slots=True)
class WrittenEntry:
    """One entry of a location-independent list: its place, code, effective status (superseded,
    proposed or approved: the list's status decides first) and levels written as text."""

    index: int
    code: str
    status: str
    levels: tuple[str, ...]
    content: Content = field(repr=False)


@dataclass(frozen=True, slots=True)
class WrittenDocument:
    """A folder document (a decision, a plan, a location-independent list) or province.yaml: ``key``
    the field that identifies it (else its file name), ``name`` how a reader knows it."""

    kind: str
    path: str
    key: str
    name: str
    content: Content = field(repr=False)
    entries: tuple[WrittenEntry, ...] = ()  # a location-independent list's entries, first of each code


def document(kind: str, path: str, content: Content) -> WrittenDocument:
    ident = DOCUMENT_IDS.get(kind)
    key = (_text(content.get(ident)) if ident else "") or PurePosixPath(path).stem
    return WrittenDocument(kind, path, key, _document_name(kind, content), content, _entries(kind, content))


def _document_name(kind: str, content: Content) -> str:
    if kind == "decision":
        return _text(content.get("number"))
    if kind == "plan":
        return " ".join(filter(None, (_text(content.get("number")), _text(content.get("title")))))
    if kind == "location-independent":
        return _text(content.get("title"))
    return _text(content.get("name"))


def _entries(kind: str, content: Content) -> tuple[WrittenEntry, ...]:
    written = content.get("entries")
    if kind != "location-independent" or not isinstance(written, list):
        return ()
    list_status = content.get("status")
    found: dict[str, WrittenEntry] = {}
    for i, entry in enumerate(written):
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            continue
        if list_status == "superseded":
            status = "superseded"
        elif list_status == "proposed" or entry.get("status") == "proposed":
            status = "proposed"
        else:
            status = "approved"
        levels = entry.get("levels")
        texts = tuple(str(v) for v in levels) if isinstance(levels, list) else ()
        found.setdefault(entry["code"], WrittenEntry(i, entry["code"], status, texts, entry))
    return tuple(found.values())


def province(content: Content | None) -> WrittenDocument | None:
    return None if content is None else document("province", PROVINCE, content)


def levels(province_content: Content | None) -> tuple[WrittenItem, ...]:
    """The levels of province.yaml as written."""
    return items(_mapping(province_content).get("levels"))


# ---------------------------------------------------------------------------------------------
# A revision


@dataclass(frozen=True)
class Revision:
    """The parsed files of one revision (those that were read), as typed entities."""

    files: Mapping[str, Content] = field(repr=False)
    procedures: dict[str, WrittenProcedure]  # by key, the first file of each in path order
    collections: dict[str, dict[str, WrittenItem]]  # file → id → item, for the files read
    province: WrittenDocument | None
    documents: dict[str, dict[str, WrittenDocument]]  # kind → key → document, first file of each

    def items(self, path: str) -> dict[str, WrittenItem]:
        return self.collections.get(path, {})


def revision(files: Mapping[str, Content]) -> Revision:
    """The typed entities of a revision's parsed files (paths relative to the repository)."""
    procedures: dict[str, WrittenProcedure] = {}
    documents: dict[str, dict[str, WrittenDocument]] = {kind: {} for kind in DOCUMENT_IDS}
    for path in sorted(files):
        kind = kind_in_repo(path)
        if kind == "procedure":
            written = procedure(path, files[path])
            procedures.setdefault(written.key, written)
        elif kind in documents:
            folder_document = document(kind, path, files[path])
            documents[kind].setdefault(folder_document.key, folder_document)
    return Revision(
        files,
        procedures,
        {path: keyed(collection(path, files[path])) for path in COLLECTIONS if path in files},
        province(files.get(PROVINCE)),
        documents,
    )


# ---------------------------------------------------------------------------------------------
# Parts of documents as written (the values of a diff), for the words that describe them


@dataclass(frozen=True, slots=True)
class WrittenDuration:
    amount: Any = None
    unit: Any = None
    text: Any = None


def duration(value: Content) -> WrittenDuration:
    return WrittenDuration(value.get("value"), value.get("unit"), value.get("text"))


@dataclass(frozen=True, slots=True)
class WrittenFee:
    kind: Any = None
    amount: Any = None
    text: Any = None
    description: Any = None


def fee(value: Content) -> WrittenFee:
    return WrittenFee(value.get("kind"), value.get("amount"), value.get("text"), value.get("description"))


@dataclass(frozen=True, slots=True)
class WrittenChannel:
    channel: Any = None
    case: Any = None
    processing_time: Content | None = None  # when written as a mapping
    fees: tuple[WrittenFee, ...] = ()  # those written as mappings


def channel(value: Content) -> WrittenChannel:
    processing = value.get("processing_time")
    return WrittenChannel(
        value.get("channel"),
        value.get("case"),
        processing if isinstance(processing, dict) else None,
        tuple(fee(f) for f in value.get("fees") or () if isinstance(f, dict)),
    )


@dataclass(frozen=True, slots=True)
class WrittenGroup:
    """A dossier case or a group of steps: its case and how many documents or steps it has."""

    case: Any = None
    count: int = 0


def group(value: Content) -> WrittenGroup:
    return WrittenGroup(value.get("case"), len(value.get("documents") or value.get("items") or ()))


@dataclass(frozen=True, slots=True)
class WrittenLegal:
    number: Any = None
    title: Any = None


def legal(value: Content) -> WrittenLegal:
    return WrittenLegal(value.get("number"), value.get("title"))


def name_of(value: Content) -> Any:
    """A form's or a document's ``name`` as written ("" if absent)."""
    return value.get("name", "")


def code_of(value: Content) -> Any:
    """A list entry's ``code`` as written ("" if absent)."""
    return value.get("code", "")
