"""``catalog serve``: the site on a local address, brought up to date within a second or two of an edit.

The site is built once (generator.site.pipeline); then, on every change under catalog/:

1. the catalog is validated again (the validation cache re-checks only the edited files; the rules
   between files run over everything);
2. while it has problems, the last good site keeps being served, every page with a banner listing
   the problems (file:line:col) — nothing is rebuilt and no request waits;
3. once it is valid, only the pages the edit changed are rendered again (the procedure's page
   first, then the listings, lists and search data it appears in), and the browser reloads.

A change elsewhere (site_content/, site_overrides/, mkdocs.yml, or a catalog file other than a
procedure) rebuilds the whole site, in the background of the same loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import watchdog.observers
from mkdocs.livereload import LiveReloadServer, _timestamp

from .. import model
from ..diagnostics import Diagnostic
from ..model.catalog import known_procedures
from ..validation.validate import validate_catalog, validate_catalog_cached
from .build import remove_in_background
from .pipeline import SiteBuild

BANNER_LIMIT = 20
Fingerprint = dict[str, tuple[int, int]]
log = logging.getLogger(__name__)


def banner_html(problems: list[Diagnostic]) -> bytes:
    """The banner shown at the top of every page while the catalog has problems (escaped)."""
    items = []
    for d in problems[:BANNER_LIMIT]:
        where = d.file if d.line == 0 else f"{d.file}:{d.line}:{d.col}"
        items.append(
            f"<li><code>{html.escape(where)}</code> {html.escape(d.pointer or '/')}: "
            f"{html.escape(d.message)} [{html.escape(d.code)}]</li>"
        )
    more = len(problems) - BANNER_LIMIT
    if more > 0:
        items.append(f"<li>… và {more} lỗi khác (chạy <code>catalog validate</code> để xem tất cả)</li>")
    count = len(problems)
    return (
        '<div id="catalog-problems" role="alert" style="position:sticky;top:0;z-index:10000;'
        'background:#b71c1c;color:#fff;padding:.75rem 1rem;font:14px/1.5 system-ui,sans-serif">'
        f"<strong>Danh mục đang có {count} lỗi: trang web bên dưới là bản hợp lệ gần nhất, chưa có thay đổi "
        "mới. Sửa các lỗi sau rồi lưu tệp, trang sẽ tự cập nhật.</strong>"
        f'<ul style="margin:.25rem 0 0 1.25rem;padding:0">{"".join(items)}</ul></div>'
    ).encode()


class CatalogServer(LiveReloadServer):
    """MkDocs' live-reload server with a banner, inotify instead of polling where it can, and no
    request waiting for a rebuild but while pages are rewritten in the served folder.

    MkDocs makes every request wait while its build loop runs the builder (``_visible_epoch`` behind
    ``_wanted_epoch``), with the file's path already taken from ``root``: during a full rebuild (10 s
    at 2,000 procedures) every request hung, then got a 404 once the old folder was switched away and
    deleted. Here the loop's new epoch is set aside (``_pending_epoch``) while the builder runs, so
    requests are served from the last good folder at once; they wait only while
    :meth:`hold_requests` says pages are being rewritten in place (the incremental step one, under a
    second). A folder switched away (:meth:`switch_to`) is deleted once no request still reads it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.banner = b""
        self._banner_lock = threading.Lock()
        self._pending_epoch: int | None = None
        self._readers: dict[str, int] = {}  # served folder → requests reading it now
        self._readers_cond = threading.Condition()
        super().__init__(*args, **kwargs)
        self.observer = watchdog.observers.Observer()  # type: ignore[assignment]  # inotify on Linux: an edit is seen at once

    def set_problems(self, problems: list[Diagnostic]) -> None:
        with self._banner_lock:
            self.banner = banner_html(problems) if problems else b""

    def rebuilding(self) -> None:
        """The loop's builder starts: requests go on being served, from the last good pages."""
        with self._epoch_cond:
            self._pending_epoch = self._wanted_epoch
            self._wanted_epoch = self._visible_epoch
            self._epoch_cond.notify_all()

    def hold_requests(self, hold: bool) -> None:
        """Requests wait (``hold``) while pages are rewritten in the served folder, or go on."""
        with self._epoch_cond:
            if hold and self._pending_epoch is not None:
                self._wanted_epoch = max(self._wanted_epoch, self._pending_epoch)
            elif not hold:
                self._wanted_epoch = self._visible_epoch
            self._epoch_cond.notify_all()

    def rebuilt(self) -> None:
        """The builder ends: the loop publishes the new epoch (browsers reload, requests go on)."""
        with self._epoch_cond:
            if self._pending_epoch is not None:
                self._wanted_epoch = max(self._wanted_epoch, self._pending_epoch)
            self._pending_epoch = None

    def publish(self) -> None:
        """Let browsers see what is built so far (the loop publishes again when the build ends)."""
        with self._epoch_cond:
            self._wanted_epoch = max(self._wanted_epoch, self._pending_epoch or 0)
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def republish(self) -> None:
        """A newer version than the one published mid-build: browsers reload again."""
        with self._epoch_cond:
            self._pending_epoch = _timestamp()

    def switch_to(self, new: str) -> None:
        """Serve the folder ``new`` (a full rebuild's); delete the previous one once no request
        reads it (a request holds it for as long as it takes to open one file)."""
        with self._readers_cond:
            old, self.root = self.root, os.path.abspath(new)  # noqa: PTH100 - the server wants a str, normalised
            self._readers_cond.wait_for(lambda: not self._readers.get(old), timeout=10)
        remove_in_background(Path(old))

    def _serve_request(self, environ: Any, start_response: Any) -> Any:
        if str(environ.get("PATH_INFO", "")).startswith(
            "/livereload/"
        ):  # waits for a new epoch, reads no file
            return super()._serve_request(environ, start_response)  # type: ignore[no-untyped-call]
        with self._readers_cond:
            root = self.root
            self._readers[root] = self._readers.get(root, 0) + 1
        try:
            return super()._serve_request(environ, start_response)  # type: ignore[no-untyped-call]
        finally:
            with self._readers_cond:
                self._readers[root] -= 1
                if not self._readers[root]:
                    del self._readers[root]
                    self._readers_cond.notify_all()

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)  # type: ignore[no-untyped-call]
        with self._banner_lock:
            banner = self.banner
        if not banner:
            return content
        start = content.find(b"<body")
        end = content.find(b">", start) + 1 if start >= 0 else 0
        return content[:end] + banner + content[end:]


class ServedSite(SiteBuild):
    """The site as serve builds it: a full build writes into a new folder, so requests held while
    pages were rewritten in place go on meanwhile, from the last good folder."""

    server: CatalogServer | None = None

    def build(self) -> None:
        if self.server is not None:
            self.server.hold_requests(False)
        super().build()


class Watcher:
    """What changed since the last good build: catalog files (by content) and everything else."""

    def __init__(self, repo: Path, catalog_dir: Path, others: list[Path]) -> None:
        self.catalog_dir = catalog_dir
        self.others = others
        self.repo = repo
        self._seen: dict[str, tuple[int, int, bytes]] = {}
        self.good_catalog = self._hashes()
        self.good_others = self._stats()

    def _hashes(self) -> dict[str, bytes]:
        """Each catalog file's SHA-256, read again only if its size or time changed."""
        found = {}
        stats: dict[str, tuple[int, int, bytes]] = {}
        for path in sorted(self.catalog_dir.rglob("*.yaml")):
            name = path.relative_to(self.catalog_dir.parent).as_posix()
            with contextlib.suppress(OSError):
                stat = path.stat()
                known = self._seen.get(name)
                if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
                    digest = known[2]
                else:
                    digest = hashlib.sha256(path.read_bytes()).digest()
                found[name] = digest
                stats[name] = (stat.st_mtime_ns, stat.st_size, digest)
        self._seen = stats
        return found

    def _stats(self) -> Fingerprint:
        found: Fingerprint = {}
        for root in self.others:
            paths = [root] if root.is_file() else sorted(root.rglob("*"))
            for path in paths:
                with contextlib.suppress(OSError):
                    stat = path.stat()
                    found[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return found

    def changes(self) -> tuple[dict[str, bytes], Fingerprint, set[str], bool]:
        """(catalog hashes, other stats, changed catalog files, whether anything else changed)."""
        hashes, stats = self._hashes(), self._stats()
        changed = {
            p for p in hashes.keys() | self.good_catalog.keys() if hashes.get(p) != self.good_catalog.get(p)
        }
        return hashes, stats, changed, stats != self.good_others

    def accept(self, hashes: dict[str, bytes], stats: Fingerprint) -> None:
        self.good_catalog, self.good_others = hashes, stats


def _changed_codes(changed: set[str], result: Any, old_files: set[str]) -> set[str] | None:
    """The procedure codes an edit concerns, or None when a file other than an existing procedure
    file changed (then every page may have)."""
    if not all(p.startswith("catalog/procedures/") for p in changed) or not changed <= old_files:
        return None
    codes = {Path(p).stem for p in changed}
    codes |= {p.code for p in result.model.procedures.values() if p.file in changed}
    return codes


def serve(
    repo: Path,
    config: Any,
    *,
    host: str,
    port: int,
    progress: Callable[[int, int], None] | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Build the site into a temporary folder and serve it until interrupted (then remove it)."""
    catalog_dir = repo / "catalog"
    config.site_url = f"http://{host}:{port}/"

    def moved(old: str, new: str) -> None:  # a full rebuild went into a new folder: serve that one
        server.switch_to(new)

    site = ServedSite(config, progress=progress, moved=moved)
    site.build()
    site.prepare_updates()
    others = [Path(config.docs_dir), repo / "site_overrides", Path(config.config_file_path)]
    watcher = Watcher(repo, catalog_dir, [p for p in others if p.exists()])
    state: dict[str, Any] = {"full": False}
    built = validate_catalog_cached(catalog_dir)  # what the build used (remembered): seeds the reuse
    state["known"] = known_procedures(built.catalog, built.model)

    def rebuild() -> None:
        server.rebuilding()
        try:
            _rebuild(site, server, watcher, catalog_dir, state)
        except Exception as exc:  # never leave the server stuck: say it on every page, rebuild in full next
            log.debug("rebuild failed", exc_info=True)
            state["full"] = True
            server.set_problems([Diagnostic("", 0, 0, "", "build-error", f"{type(exc).__name__}: {exc}")])
        finally:
            server.rebuilt()

    server = CatalogServer(builder=rebuild, host=host, port=port, root=str(config.site_dir))
    site.server = server

    def error_page(code: int) -> bytes | None:
        page = Path(server.root) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    server.watch(str(catalog_dir))
    for path in watcher.others:
        server.watch(str(path))
    try:
        if on_ready is not None:
            on_ready(server.url)
        server.serve()  # type: ignore[no-untyped-call]
    finally:
        server.shutdown()


def _rebuild(
    site: SiteBuild, server: CatalogServer, watcher: Watcher, catalog_dir: Path, state: dict[str, Any]
) -> None:
    hashes, stats, changed, other = watcher.changes()
    result = validate_catalog(catalog_dir, cache=True, remember=True)
    if not result.diagnostics:  # the typed model, reusing the procedures of files that did not change
        typed = model.build(result.catalog, known=state.get("known"))
        result.__dict__["model"] = typed  # Result.model is a cached property: this is its value
        state["known"] = known_procedures(result.catalog, typed)
    if result.diagnostics:
        server.set_problems(result.diagnostics)  # the last good site stays; the loop reloads browsers
        return
    codes = None if other or state["full"] else _changed_codes(changed, result, set(watcher.good_catalog))
    if not changed and not other and not state["full"]:
        server.set_problems([])
        return
    context = site.plugin.context_for(result.model, catalog_dir)
    server.hold_requests(codes is not None)  # pages rewritten in place: requests wait for them (< 1 s)
    changes = site.update(context, codes, publish=server.publish)
    state["full"] = False
    watcher.accept(hashes, stats)
    server.set_problems([])
    if changes.full or len(changes.pages) > len(set(codes or ())):
        server.republish()
    print(
        f"catalog serve: updated {'every page' if changes.full else f'{len(changes.pages)} page(s)'}",
        file=sys.stderr,
    )


def serve_repo(
    repo: Path,
    *,
    preview: bool,
    address: str,
    load: Callable[..., Any],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    host, _, port_text = address.rpartition(":")
    # In memory where there is a tmpfs: written fast, and removed in a moment when serve stops.
    shm = Path("/dev/shm")
    site_dir = Path(
        tempfile.mkdtemp(
            prefix="catalog-serve-", dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None
        )
    )
    config = None
    try:
        config = load(repo, preview, site_dir=str(site_dir), dev_addr=address)
        serve(repo, config, host=host or "127.0.0.1", port=int(port_text), progress=progress, on_ready=_ready)
    finally:
        remove_in_background(site_dir)
        if config is not None and Path(config.site_dir) != site_dir:  # where the last full rebuild went
            remove_in_background(Path(config.site_dir))


def _ready(url: str) -> None:
    clear = "\r\033[K" if sys.stderr.isatty() else ""  # the build's progress line
    print(f"{clear}catalog serve: serving on {url} (stop with Ctrl+C)", file=sys.stderr, flush=True)
