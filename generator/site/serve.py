"""``catalog serve``: the site on a local address, brought up to date within a second or two of an edit.

The site is built once (generator.site.pipeline); then, on every change under catalog/:

1. the catalog is validated again (the validation cache re-checks only the edited files; the rules
   between files run over everything);
2. while it has problems, the last good site keeps being served, every page with a banner listing
   the problems (file:line:col) — nothing is rebuilt and no request waits;
3. once it is valid, only the pages the edit changed are rendered again (the procedure's page
   first, then the listings, lists and search data it appears in), and the browser reloads.

A change elsewhere (site_content/, site_overrides/, or a catalog file other than a procedure)
rebuilds the whole site into a new folder, while requests go on getting the last good pages; a
changed mkdocs.yml is read again first. A commit (git's HEAD and branches are watched) rewrites the
pages whose change history it changed. docs/dev/speed.md tells the details.
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
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import watchdog.events
import watchdog.observers
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer, _timestamp

from .. import git, model
from ..diagnostics import Diagnostic
from ..model.catalog import known_procedures
from ..validation.validate import validate_catalog, validate_catalog_cached
from .build import BuildError, remove_in_background
from .pipeline import SiteBuild

BANNER_LIMIT = 20
BUILD_ERROR = "build-error"  # the code of a problem serve met while building (not a catalog problem)
UNKNOWN_PLACE = "(không rõ tệp nào)"  # where such a problem is, when no file is known
WRITES = {"created", "modified", "moved", "deleted", "closed"}  # watchdog's events of a file changed
Fingerprint = dict[str, tuple[int, int]]
log = logging.getLogger(__name__)


def banner_html(problems: list[Diagnostic]) -> bytes:
    """The banner shown at the top of every page while the catalog has problems (escaped)."""
    items = []
    for d in problems[:BANNER_LIMIT]:
        where = d.file if d.line == 0 else f"{d.file}:{d.line}:{d.col}"
        if d.code == BUILD_ERROR:  # no JSON pointer (a line, no column): the message as the build said it
            where = f"{d.file}:{d.line}" if d.file and d.line else d.file or UNKNOWN_PLACE
            said = f"<code>{html.escape(where)}</code> {html.escape(d.message)}"
        else:
            said = (
                f"<code>{html.escape(where)}</code> {html.escape(d.pointer or '/')}: {html.escape(d.message)}"
            )
        items.append(f"<li>{said} [{html.escape(d.code)}]</li>")
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


def build_problem(exc: BaseException, repo: Path) -> Diagnostic:
    """What the banner says of an error met while building: where (the file, and its line when
    known: the configuration, a file the system refused, a template of site_overrides/…), and the
    message; no place (the banner says it is not known) when no file of the repository is named."""
    message = str(exc) or type(exc).__name__
    config = "mkdocs.yml: "
    if message.startswith(
        config
    ):  # the configuration (generator.site.siteconfig), as `catalog build` says it
        return Diagnostic("mkdocs.yml", 0, 0, "", BUILD_ERROR, message.removeprefix(config))
    message = f"{type(exc).__name__}: {message}"
    if isinstance(exc, OSError) and exc.filename:  # a file or folder the system refused
        return Diagnostic(_shown(os.fsdecode(exc.filename), repo), 0, 0, "", BUILD_ERROR, message)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Diagnostic(_shown(exc.filename, repo), exc.lineno or 0, 0, "", BUILD_ERROR, message)
    # the innermost frame in a file of the repository (Jinja puts a template's own lines in the
    # traceback), but not in the generator's code or an installed package's
    top, package = repo.resolve(), Path(__file__).resolve().parents[1]
    place: tuple[str, int] | None = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        path = Path(frame.f_code.co_filename)
        installed = {"site-packages", "dist-packages"} & set(path.parts)  # a virtualenv in the repository
        if path.is_absolute() and top in path.parents and package not in path.parents and not installed:
            place = (path.relative_to(top).as_posix(), line)
    if place is not None:
        return Diagnostic(place[0], place[1], 0, "", BUILD_ERROR, message)
    return Diagnostic("", 0, 0, "", BUILD_ERROR, message)


def _shown(name: str, repo: Path) -> str:
    """A file's name as the banner shows it: from the repository's folder when it is inside."""
    path = Path(name)
    with contextlib.suppress(ValueError, OSError):
        return path.resolve().relative_to(repo.resolve()).as_posix()
    return name


# The open data (api/v1/…, generator.export) is written by `catalog build` only: 1.3 s at 2,000
# procedures plus the change feed from git (4.3 s on the real repository) at every full rebuild,
# and stale after every incremental one. Under serve, its links say so instead of a bare 404.
OPEN_DATA = b"api/v1/"
OPEN_DATA_NOTE = (
    "Bản xem trước (<code>catalog serve</code>) không tạo các tệp dữ liệu mở "
    "(<code>api/v1/…</code>): chúng chỉ có trong trang web dựng bằng <code>catalog build</code> "
    "(thư mục <code>site/</code>)."
)
OPEN_DATA_BOX = (
    '<div id="catalog-open-data" role="note" style="background:#e3f2fd;color:#0d47a1;padding:.75rem 1rem;'
    f'font:14px/1.5 system-ui,sans-serif">{OPEN_DATA_NOTE}</div>'
).encode()
OPEN_DATA_MISSING = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Dữ liệu mở chưa được tạo</title>'
    '</head><body style="font:16px/1.5 system-ui,sans-serif;margin:2rem">'
    f"<h1>Dữ liệu mở chưa được tạo</h1><p>{OPEN_DATA_NOTE}</p></body></html>"
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

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """MkDocs' watch, for changes only. watchdog also reports a file opened, or closed
        unwritten, and every rebuild reads catalog files and mkdocs.yml: each rebuild started
        another, without end (each reloading the browsers)."""
        path = os.path.abspath(path)  # noqa: PTH100 - as MkDocs keys its watched paths
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1

        def changed(event: watchdog.events.FileSystemEvent) -> None:
            if not event.is_directory and event.event_type in WRITES:
                self.request_rebuild()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = changed  # type: ignore[method-assign]
        self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    def request_rebuild(self) -> None:
        """What MkDocs' own watch does on a change: the build loop runs the builder."""
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def switch_to(self, new: str) -> None:
        """Serve the folder ``new`` (a full rebuild's); delete the previous one once no request
        reads it (a request holds it for as long as it takes to open one file)."""
        with self._readers_cond:
            old, self.root = self.root, os.path.abspath(new)  # noqa: PTH100 - the server wants a str, normalised
            self._readers_cond.wait_for(lambda: not self._readers.get(old), timeout=10)
        remove_in_background(Path(old))

    def _serve_request(self, environ: Any, start_response: Any) -> Any:
        if str(environ.get("PATH_INFO", "")).startswith("/livereload/"):  # waits for an epoch, reads no file
            return super()._serve_request(environ, start_response)
        with self._readers_cond:
            root = self.root
            self._readers[root] = self._readers.get(root, 0) + 1
        try:
            served = super()._serve_request(environ, start_response)
            if served is None and str(environ.get("PATH_INFO", "")).startswith(self.mount_path + "api/"):
                start_response("404 Not Found", [("Content-Type", "text/html; charset=utf-8")])
                return [OPEN_DATA_MISSING]  # the open data: only in the built site
            return served
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
        if OPEN_DATA in content:  # a page linking to the open data (du-lieu-mo): not made by serve
            banner += OPEN_DATA_BOX
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

    def accept(self, hashes: dict[str, bytes], stats: Fingerprint, checked: dict[str, bytes]) -> None:
        """Record what the published site is made of: for each catalog file, the digest of the
        bytes the validation checked (``checked``, Result.digests) where it has one — a save between
        this watcher's read and the validation's (save, undo, redo) is then seen as a change at the
        next event, instead of the page staying at the middle save."""
        self.good_catalog = {name: checked.get(name, digest) for name, digest in hashes.items()}
        self.good_others = stats


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
    reload: Callable[[str], Any] | None = None,
) -> None:
    """Build the site into a temporary folder and serve it until interrupted. ``reload(site_dir)``:
    mkdocs.yml read again, as a configuration writing into ``site_dir`` (when it changes)."""
    session = Session(repo, config, host=host, port=port, progress=progress, reload=reload)
    server = session.server
    server.watch(str(session.catalog_dir))
    for path in session.watcher.others:
        server.watch(str(path))
    watch_head(server, repo)
    try:
        if on_ready is not None:
            on_ready(server.url)
        server.serve()  # type: ignore[no-untyped-call]
    finally:
        server.shutdown()


class Session:
    """What one ``catalog serve`` keeps between rebuilds: the site, the server, what was built from."""

    def __init__(
        self,
        repo: Path,
        config: Any,
        *,
        host: str,
        port: int,
        progress: Callable[[int, int], None] | None,
        reload: Callable[[str], Any] | None,
    ) -> None:
        self.repo = repo
        self.catalog_dir = repo / "catalog"
        self.site_url = f"http://{host}:{port}/"
        self.progress = progress
        self.reload = reload
        self.config_file = Path(config.config_file_path)
        self.config_digest = _digest(self.config_file)  # of the mkdocs.yml the site was built with
        config.site_url = self.site_url
        self.site = self._site(config)
        self.site.build()
        self.site.prepare_updates()
        others = [Path(config.docs_dir), repo / "site_overrides", self.config_file]
        self.watcher = Watcher(repo, self.catalog_dir, [p for p in others if p.exists()])
        self.full = False  # the next rebuild is a full one (the last one failed)
        self.head = git.head(repo)  # the commit the pages' history and date are from
        built = validate_catalog_cached(self.catalog_dir)  # what the build used (remembered): seeds the reuse
        self.known = known_procedures(built.catalog, built.model)
        self.server = CatalogServer(builder=self.rebuild, host=host, port=port, root=str(config.site_dir))
        self.site.server = self.server
        self.server.error_handler = self.error_page

    def _site(self, config: Any) -> ServedSite:
        return ServedSite(config, progress=self.progress, moved=lambda old, new: self.server.switch_to(new))

    def error_page(self, code: int) -> bytes | None:
        page = Path(self.server.root) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    def rebuild(self) -> None:
        """The build loop's builder: never raises (a failure is said on every page)."""
        self.server.rebuilding()
        try:
            self._rebuild()
        except Exception as exc:  # never leave the server stuck: say it on every page, rebuild in full next
            log.debug("rebuild failed", exc_info=True)
            self.full = True
            self.server.set_problems([build_problem(exc, self.repo)])
        finally:
            self.server.rebuilt()

    def _rebuild(self) -> None:
        hashes, stats, changed, other = self.watcher.changes()
        head = git.head(self.repo)
        config, problems = self._config()
        result = validate_catalog(self.catalog_dir, cache=True, remember=True)
        if not result.diagnostics:  # the typed model, reusing the procedures of files that did not change
            typed = model.build(result.catalog, known=self.known)
            result.__dict__["model"] = typed  # Result.model is a cached property: this is its value
            self.known = known_procedures(result.catalog, typed)
        problems += result.diagnostics
        if problems:
            self.server.set_problems(problems)  # the last good site stays; the loop reloads browsers
            if config is not None:  # read again at the next change
                remove_in_background(Path(config.site_dir))
            return
        if config is not None:  # mkdocs.yml changed: a new site, in a new folder
            self._rebuild_with(config)
        else:
            codes = (
                None
                if other or self.full
                else _changed_codes(changed, result, set(self.watcher.good_catalog))
            )
            if not changed and not other and not self.full and head == self.head:
                self.server.set_problems([])
                return
            context = self.site.plugin.context_for(result.model, self.catalog_dir)
            old = self.site.plugin.context
            if old is None or context.as_of != old.as_of:  # a commit of another day: overdue tasks, dates
                codes = None
            # (a commit's new history lines: SiteBuild.update renders the pages whose history changed)
            self.server.hold_requests(codes is not None)  # pages rewritten in place: requests wait (< 1 s)
            changes = self.site.update(context, codes, publish=self.server.publish)
        self.full = False
        self.head = head
        self.watcher.accept(hashes, stats, result.digests)
        self.server.set_problems([])
        if config is not None or changes.full or len(changes.pages) > len(set(codes or ())):
            self.server.republish()
        if config is not None:
            done = "every page (mkdocs.yml read again)"
        else:
            done = "every page" if changes.full else f"{len(changes.pages)} page(s)"
        print(f"catalog serve: updated {done}", file=sys.stderr)

    def _config(self) -> tuple[Any, list[Diagnostic]]:
        """mkdocs.yml read again if it changed since the site was built: (the configuration, or None
        when it did not change, and the problem when it cannot be used)."""
        digest = _digest(self.config_file)
        if self.reload is None or digest == self.config_digest:
            return None, []
        folder = tempfile.mkdtemp(prefix=self.site.folder_prefix, dir=Path(self.site.config.site_dir).parent)
        try:
            config = self.reload(folder)
        except (BuildError, MkDocsException) as exc:  # "mkdocs.yml: line 62, column 1: invalid YAML: …"
            Path(folder).rmdir()
            return None, [build_problem(exc, self.repo)]
        config.site_url = self.site_url
        return config, []

    def _rebuild_with(self, config: Any) -> None:
        digest = _digest(self.config_file)
        site = self._site(config)
        site.folder_prefix = self.site.folder_prefix  # the names stay short, whatever the reloads
        site.server = self.server
        try:
            site.build()  # the first build of a new SiteBuild: into config.site_dir, the new folder
            site.prepare_updates()
        except BaseException:
            remove_in_background(Path(config.site_dir))
            raise
        self.site, self.config_digest = site, digest
        self.server.switch_to(config.site_dir)


def watch_head(server: CatalogServer, repo: Path) -> None:
    """Rebuild when HEAD names another commit (a commit, a checkout, a reset): the pages show the
    history and the date of that commit. Watched: HEAD, packed-refs and the branches (refs/heads/),
    not the rest of the git folder (the index changes at every ``git status``)."""
    try:
        out = git.git(repo, "rev-parse", "--absolute-git-dir", "--git-common-dir").decode().split("\n")
    except git.GitError:
        return  # not in git: no history to refresh
    gitdir = Path(out[0])
    common = (repo / out[1]).resolve() if out[1] else gitdir  # relative to repo when not absolute
    heads = common / "refs" / "heads"
    wanted = {gitdir / "HEAD", common / "packed-refs"}

    def changed(event: watchdog.events.FileSystemEvent) -> None:
        if event.event_type not in WRITES:  # every git command opens HEAD (so does this rebuild)
            return
        for name in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(os.fsdecode(name)) if name else None
            if path is None or path.name.endswith(".lock"):
                continue
            if path in wanted or heads in path.parents:
                server.request_rebuild()
                return

    handler = watchdog.events.FileSystemEventHandler()
    handler.on_any_event = changed  # type: ignore[method-assign]
    folders = {gitdir: False, common: False, heads: True}  # folder → recursive (one entry when the same)
    for folder, recursive in folders.items():
        if folder.is_dir():
            server.observer.schedule(handler, str(folder), recursive=recursive)


def _digest(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None


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
    try:
        config = load(repo, preview, site_dir=str(site_dir), dev_addr=address)
        serve(
            repo,
            config,
            host=host or "127.0.0.1",
            port=int(port_text),
            progress=progress,
            on_ready=_ready,
            reload=lambda folder: load(repo, preview, site_dir=folder, dev_addr=address),
        )
    finally:
        remove_in_background(site_dir)
        for later in site_dir.parent.glob(f"{site_dir.name}-*"):  # the full rebuilds' folders (SiteBuild)
            remove_in_background(later)


def _ready(url: str) -> None:
    clear = "\r\033[K" if sys.stderr.isatty() else ""  # the build's progress line
    print(f"{clear}catalog serve: serving on {url} (stop with Ctrl+C)", file=sys.stderr, flush=True)
