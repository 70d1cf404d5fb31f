"""The validation cache: each file's own check (parse, schema, text rules) kept between runs.

``catalog validate``, ``catalog build`` and ``catalog serve`` re-check only the files whose content
changed since the last run. An entry is keyed by the SHA-256 of

- the file's bytes and its place (``catalog/procedures/x/1.001193.yaml``, which the diagnostics name),
- the *version* of its kind: the schema files its schema reaches through ``$ref``, the source of the
  modules that do the per-file check, and the versions of Python and of the libraries they use.

So an edited file, a changed schema (only the kinds that use it) or changed per-file rules
invalidate exactly the entries they concern. The rules between files are never cached: they run on
every validation, over the cached and the fresh results alike.

The cache lives in ``.catalog-cache/validate.sqlite`` beside ``catalog/`` (git ignores it). It is
never trusted blindly: every entry carries an HMAC made with a key kept outside the repository
(``$XDG_CACHE_HOME/tthc-catalog/cache-key``), so an entry that was corrupted, or written by anyone
else (a ``.catalog-cache/`` committed in a pull request), fails its check and the file is checked
again; a database that cannot be read is deleted and rebuilt. Set ``CATALOG_CACHE=off`` to bypass it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import marshal
import os
import re
import secrets
import shutil
import sqlite3
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import schemastore
from ..diagnostics import Diagnostic

FORMAT = 1
CACHE_DIR = ".catalog-cache"
DB_NAME = "validate.sqlite"
PACKAGE = Path(__file__).resolve().parents[1]  # generator/
# The modules whose code decides a file's own result (check_file and what it calls), from generator/.
CODE_FILES = (
    "validation/yamlload.py",
    "validation/load.py",
    "validation/schemas.py",
    "validation/kinds.py",
    "validation/textrules.py",
    "validation/rules.py",
    "validation/index.py",
    "validation/validate.py",
    "diagnostics.py",
)
LIBRARIES = ("pyyaml", "fastjsonschema", "jsonschema-rs", "jsonschema", "referencing")
_REF = re.compile(r'"\$ref"\s*:\s*"([^"#]*)')


@dataclass(frozen=True)
class Entry:
    """A file's own result: its parsed data (None if it did not parse) and its problems."""

    data: Any
    parsed: bool
    diagnostics: tuple[Diagnostic, ...]


def encode(entry: Entry) -> bytes | None:
    """The stored form of an entry (``marshal`` of plain values); None if marshal cannot hold a value."""
    try:
        return marshal.dumps(
            (FORMAT, entry.data, entry.parsed, [tuple(vars(d).values()) for d in entry.diagnostics])
        )
    except ValueError:
        return None


def decode(payload: bytes) -> Entry | None:
    """The entry of a payload :func:`encode` made. Only for bytes this machine made: checked by their
    HMAC when read from the cache, or just made by a worker of this process."""
    try:
        version, data, parsed, problems = marshal.loads(payload)
        diagnostics = tuple(Diagnostic(*fields) for fields in problems)
    except (ValueError, TypeError, EOFError):
        return None
    if version != FORMAT:
        return None
    return Entry(data, bool(parsed), diagnostics)


def enabled() -> bool:
    return os.environ.get("CATALOG_CACHE", "").lower() not in ("off", "0", "no", "false")


@cache
def _code_version() -> bytes:
    digest = hashlib.sha256(f"format {FORMAT}\0{sys.version}\0".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} none\0".encode())
    for name in CODE_FILES:
        digest.update(name.encode() + b"\0" + (PACKAGE / name).read_bytes() + b"\0")
    return digest.digest()


@cache
def kind_version(kind: str, schema_dir: Path) -> bytes:
    """The version of one kind's per-file check: the code, and every schema file its schema reaches."""
    digest = hashlib.sha256(_code_version())
    seen: set[str] = set()
    todo = [f"{kind}.schema.json"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = schema_dir / name
        try:
            text = path.read_bytes()
        except OSError:
            text = b"missing"
        digest.update(name.encode() + b"\0" + text + b"\0")
        todo += [Path(ref).name for ref in _REF.findall(text.decode("utf-8", "replace")) if ref]
    return digest.digest()


def schema_dir() -> Path:
    """The folder of the catalog's schemas (package data, a folder in the source tree and in a wheel)."""
    return Path(str(schemastore.directory()))


def entry_key(version: bytes, display: str, content: bytes) -> bytes:
    return hashlib.sha256(version + display.encode() + b"\0" + content).digest()


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file, never through a symbolic link; None when it is anything else
    (the per-file check then reports why, and no entry is made)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO must not block
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _secret() -> bytes | None:
    """This machine's key for the entries' HMAC, made on first use; None if it cannot be kept."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tthc-catalog"
    path = base / "cache-key"
    try:
        if path.is_file():
            key = path.read_bytes()
            if len(key) == 32:
                return key
        base.mkdir(parents=True, exist_ok=True)
        temp = base / f".cache-key.{os.getpid()}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        temp.replace(path)
        key = path.read_bytes()  # another process may have won the race: use what is there
        return key if len(key) == 32 else None
    except OSError:
        return None


class ValidationCache:
    """The entries of one catalog; every failure to read or write the cache turns into a miss."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder = folder
        self.secret = secret
        self.rejected = 0  # entries that failed their check (corrupted or forged), deleted
        self.db: sqlite3.Connection | None = self._connect()

    @classmethod
    def open(cls, catalog_dir: Path) -> ValidationCache | None:
        if not enabled():
            return None
        secret = _secret()
        if secret is None:
            return None
        cache_dir = catalog_dir.parent / CACHE_DIR
        try:
            if cache_dir.is_symlink() or (cache_dir.exists() and not cache_dir.is_dir()):
                return None
            cache_dir.mkdir(exist_ok=True)
        except OSError:
            return None
        found = cls(cache_dir, secret)
        return found if found.db is not None else None

    def _connect(self) -> sqlite3.Connection | None:
        path = self.folder / DB_NAME
        if not self._only_regular(path):
            return None
        for attempt in range(2):
            try:
                db = sqlite3.connect(path, timeout=5, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # disposable: a torn write is detected and rebuilt
                db.execute(
                    "CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, payload BLOB, mac BLOB)"
                )
                db.execute("SELECT count(*) FROM entries").fetchone()
                return db
            except sqlite3.Error:
                if attempt:
                    return None
                self._discard(path)  # not a database (corrupted, or something else): rebuilt
        return None

    @staticmethod
    def _only_regular(path: Path) -> bool:
        """Whether the database and its journal files are regular files or absent, after removing
        anything else in their place: sqlite follows a symbolic link, and one committed as
        ``.catalog-cache/validate.sqlite`` would make a validation write wherever it points."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            here = Path(f"{path}{suffix}")
            try:
                mode = os.lstat(here).st_mode
            except FileNotFoundError:
                continue
            except OSError:
                return False
            if stat.S_ISREG(mode):
                continue
            try:
                if stat.S_ISDIR(mode):
                    shutil.rmtree(here)
                else:
                    here.unlink()  # a link itself, never what it points to
            except OSError:
                return False
        return True

    @staticmethod
    def _discard(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink()

    def _mac(self, key: bytes, payload: bytes) -> bytes:
        return hmac.digest(self.secret, key + payload, "sha256")

    def lookup(self, keys: Iterable[bytes]) -> dict[bytes, Entry]:
        wanted = list(keys)
        if self.db is None or not wanted:
            return {}
        rows: list[tuple[bytes, bytes, bytes]] = []
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows += self.db.execute(
                    f"SELECT key, payload, mac FROM entries WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
        except sqlite3.Error:
            self._reset()
            return {}
        found: dict[bytes, Entry] = {}
        bad: list[bytes] = []
        for key, payload, mac in rows:
            entry = self._decode(key, payload, mac)
            if entry is None:
                bad.append(key)
            else:
                found[key] = entry
        if bad:
            self.rejected += len(bad)
            self._delete(bad)
        return found

    def _decode(self, key: Any, payload: Any, mac: Any) -> Entry | None:
        if not all(isinstance(v, bytes) for v in (key, payload, mac)):
            return None
        if not hmac.compare_digest(self._mac(key, payload), mac):
            return None
        return decode(payload)  # one this machine's key signed: marshal of plain values only

    def sign(self, key: bytes, payload: bytes) -> bytes:
        """The MAC of an entry's payload (a forked worker signs the entries it makes)."""
        return self._mac(key, payload)

    def store(self, entries: Iterable[tuple[bytes, Entry]]) -> None:
        rows = []
        for key, entry in entries:
            payload = encode(entry)
            if payload is not None:  # else a value marshal cannot hold: that file is simply not cached
                rows.append((key, payload, self._mac(key, payload)))
        self.store_signed(rows)

    def store_signed(self, rows: list[tuple[bytes, bytes, bytes]]) -> None:
        """Entries already encoded and signed: (key, payload, MAC)."""
        if self.db is None or not rows:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
        except sqlite3.Error:
            self._reset()

    def _delete(self, keys: list[bytes]) -> None:
        try:
            if self.db is not None:
                with self.db:
                    self.db.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in keys])
        except sqlite3.Error:
            self._reset()

    def _reset(self) -> None:
        if self.db is not None:
            self.db.close()
        self._discard(self.folder / DB_NAME)
        self.db = self._connect()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __iter__(self) -> Iterator[bytes]:  # the stored keys (tests)
        if self.db is None:
            return iter(())
        return iter([row[0] for row in self.db.execute("SELECT key FROM entries")])
