"""The workspace index in the server: scanned in the background with $/progress, kept current, symbols."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from lsprotocol import types
from pygls.uris import from_fs_path

from ghostline.config import IndexSettings
from ghostline.engine.uris import to_path, to_uri
from ghostline.engine.workspace.index import Entry, IndexLimits
from ghostline.engine.workspace.pending import Added, Pending
from ghostline.lsp.progress import cancel_event, progress, progress_token
from ghostline.lsp.server import GhostlineServer
from ghostline.lsp.symbols import KINDS
from ghostline.syntax import languages

log = logging.getLogger("ghostline")
CHANGE_DEBOUNCE_S = 0.3
"""A document's entries are refreshed this long after its last change (large documents: see below)."""
LARGE_CHARS = 200_000
"""Larger documents are re-indexed (parsed again) at most every ``LARGE_DEBOUNCE_S`` while typing."""
LARGE_DEBOUNCE_S = 3.0
RESCAN_DEBOUNCE_S = 1.0
"""A changed ``.gitignore`` (or workspace folder) rescans after this pause."""
PROGRESS_EVERY_S = 0.2
SYMBOL_LIMIT = 100
WATCHER_ID = "ghostline-workspace-index"
MAX_PENDING = 20_000
"""Watched files waiting to be refreshed; more changed at once and the workspace is scanned again."""


class IndexHost:
    """What the server keeps for its index: the running scan, change timers, the update thread."""

    def __init__(self) -> None:
        self.started = False
        """``initialized`` came: settings changes may scan from now on."""
        self.settings: IndexSettings | None = None
        """The settings of the last scan (None: none ran, or indexing is off)."""
        self.generation = 0
        """Bumped by each new scan: an older scan still running stops."""
        self.scans: set[asyncio.Future[None]] = set()
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.rescan_timer: asyncio.TimerHandle | None = None
        self.updates = ThreadPoolExecutor(1, thread_name_prefix="ghostline-index")
        """Updates run one at a time, in the order the editor sent them."""
        self.watch: asyncio.Future[None] | None = None
        self.complete = False
        """A scan of the whole workspace finished (the index holds every file it allows)."""
        self.on_complete: Callable[[], None] | None = None
        """Called when a scan finishes."""
        self.pending = Pending(MAX_PENDING)
        """Watched files changed or deleted that the update thread has not read yet."""


_HOSTS: WeakKeyDictionary[GhostlineServer, IndexHost] = WeakKeyDictionary()


def host(ls: GhostlineServer) -> IndexHost:
    """The index state of one server."""
    if ls not in _HOSTS:
        _HOSTS[ls] = IndexHost()
    return _HOSTS[ls]


def register(server: GhostlineServer) -> None:
    """Register workspace/symbol and the watched-files and workspace-folder notifications."""

    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(
        ls: GhostlineServer, params: types.WorkspaceSymbolParams
    ) -> list[types.SymbolInformation]:
        found = await asyncio.to_thread(ls.index.search, params.query, SYMBOL_LIMIT)
        return [_symbol(entry) for entry in found]

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: GhostlineServer, params: types.DidChangeWatchedFilesParams) -> None:
        if host(ls).settings is None:
            return
        for change in params.changes:
            path = to_path(change.uri)
            if path is None:
                continue
            if os.path.basename(path) == ".gitignore":
                _schedule_rescan(ls)
            elif change.type == types.FileChangeType.Deleted:
                _watched(ls, Path(path), removed=True)
            elif change.uri not in ls.documents:  # an open document's buffer is the truth
                _watched(ls, Path(path), removed=False)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_workspace_folders(
        ls: GhostlineServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        if host(ls).settings is not None:
            _schedule_rescan(ls)


def start(ls: GhostlineServer) -> None:
    """On ``initialized``: scan the workspace folders and watch their files (when indexing is on)."""
    host(ls).started = True
    configure(ls)


def configure(ls: GhostlineServer) -> None:
    """Follow the ``index`` settings: scan with new limits, or stop and forget when indexing is off."""
    state = host(ls)
    wanted = ls.settings.index
    if not state.started or wanted == state.settings:
        return
    if not wanted.enabled:
        state.generation += 1
        state.settings = None
        ls.index.clear()
        return
    state.settings = wanted
    ls.index.limits = IndexLimits(max_files=wanted.max_files)
    _rescan(ls)


def changed(ls: GhostlineServer, uri: str) -> None:
    """``didChange``: refresh the document's entries from its buffer once the user pauses."""
    state, doc = host(ls), ls.document(uri)
    if state.settings is not None and doc is not None:
        _forget_timer(ls, uri)
        wait = LARGE_DEBOUNCE_S if len(doc.text) > LARGE_CHARS else CHANGE_DEBOUNCE_S
        state.timers[uri] = asyncio.get_running_loop().call_later(wait, _from_buffer, ls, uri)


def saved(ls: GhostlineServer, uri: str) -> None:
    """``didSave``: refresh the document's entries from its buffer now."""
    _forget_timer(ls, uri)
    _from_buffer(ls, uri)


def closed(ls: GhostlineServer, uri: str) -> None:
    """``didClose``: the file on disk is the truth again (unsaved edits are gone)."""
    _forget_timer(ls, uri)
    path = _path(uri)
    if host(ls).settings is not None and path is not None:
        _submit(ls, ls.index.update, path)


def _forget_timer(ls: GhostlineServer, uri: str) -> None:
    if (timer := host(ls).timers.pop(uri, None)) is not None:
        timer.cancel()


def _from_buffer(ls: GhostlineServer, uri: str) -> None:
    host(ls).timers.pop(uri, None)
    doc, path = ls.document(uri), _path(uri)
    if host(ls).settings is not None and doc is not None and path is not None:
        _submit(ls, ls.index.update, path, doc.text)


def _path(uri: str) -> Path | None:
    path = to_path(uri)
    return Path(path) if path and languages.detect(None, path) is not None else None


def _watched(ls: GhostlineServer, path: Path, removed: bool) -> None:
    """A watched file changed or was deleted: refresh it once, however often the client says so.

    Beyond ``MAX_PENDING`` files waiting, the workspace is scanned again instead (bounded by the index's own
    limit), so no client can make the queue grow without bound.
    """
    added = host(ls).pending.add(path, removed)
    if added is Added.OVERFLOW:
        log.info("workspace index: over %s files changed at once; scanning the workspace again", MAX_PENDING)
        _schedule_rescan(ls)
    elif added is Added.START:
        _submit(ls, _drain, ls)


def _drain(ls: GhostlineServer) -> None:
    """On the update thread: refresh the pending watched files, the oldest first, until none is left."""
    pending = host(ls).pending
    while (item := pending.take()) is not None:
        path, removed = item
        try:
            if removed:
                ls.index.remove(path)
            else:
                ls.index.update(path)
        except Exception:  # one odd file must not stop the index
            log.exception("workspace index: updating %s failed", path)


def _submit(ls: GhostlineServer, job: Callable[..., None], *args: Any) -> None:
    """Run an index update on the update thread; a failure is logged, never raised."""

    def run() -> None:
        try:
            job(*args)
        except Exception:  # one odd file must not stop the index
            log.exception("workspace index: updating %s failed", args[0])

    with contextlib.suppress(RuntimeError):  # the executor is shut down: the server is ending
        host(ls).updates.submit(run)


def roots(ls: GhostlineServer) -> list[Path]:
    """The workspace folders (or the root) as local paths."""
    try:
        folders = list(ls.workspace.folders.values())
        root = ls.workspace.root_uri
    except RuntimeError:
        return []
    uris = [f.uri for f in folders] or ([root] if root else [])
    paths = [to_path(uri) for uri in uris]
    return [Path(p) for p in paths if p and os.path.isdir(p)]


def _schedule_rescan(ls: GhostlineServer) -> None:
    state = host(ls)
    if state.rescan_timer is not None:
        state.rescan_timer.cancel()
    state.rescan_timer = asyncio.get_running_loop().call_later(RESCAN_DEBOUNCE_S, _rescan, ls)


def _rescan(ls: GhostlineServer) -> None:
    state = host(ls)
    state.rescan_timer = None
    state.generation += 1
    folders = roots(ls)
    if folders:
        state.scans.add(task := asyncio.ensure_future(_scan(ls, folders, state.generation)))
        task.add_done_callback(_report_failure)
        task.add_done_callback(state.scans.discard)
        if state.watch is None:  # a watcher once there is a folder to watch
            state.watch = asyncio.ensure_future(_watch(ls))


async def _scan(ls: GhostlineServer, roots: list[Path], generation: int) -> None:
    """Scan in a daemon thread with $/progress; requests are answered meanwhile."""
    state = host(ls)
    loop = asyncio.get_running_loop()
    token = await progress_token(ls, "ghostline-index")
    begin = types.WorkDoneProgressBegin(
        title="Ghostline", message="indexing the workspace", percentage=0, cancellable=True
    )
    progress(ls, token, begin)
    cancelled = cancel_event(ls, token)
    last = [0.0]

    def on_progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S and done < total:
            last[0] = now
            report = types.WorkDoneProgressReport(
                message=f"indexing: {done:,} of {total:,} files", percentage=done * 100 // max(total, 1)
            )
            with contextlib.suppress(RuntimeError):  # the loop is closed: the server is ending
                loop.call_soon_threadsafe(progress, ls, token, report)

    def stop() -> bool:
        ending = ls._stop_event is not None and ls._stop_event.is_set()
        return state.generation != generation or cancelled.is_set() or ending or ls.protocol._shutdown

    began = time.perf_counter()
    try:
        await _in_daemon_thread(lambda: ls.index.scan(roots, on_progress, stop))
    finally:
        index = ls.index
        text = f"{index.files:,} files, {index.definitions:,} definitions"
        progress(ls, token, types.WorkDoneProgressEnd(message=text))
    if not stop():
        more = f" (stopped at {index.limits.max_files:,} files: index.maxFiles)" if index.truncated else ""
        log.info("workspace index: %s in %.1f s%s", text, time.perf_counter() - began, more)
        state.complete = True
        if state.on_complete is not None:
            state.on_complete()


async def _in_daemon_thread(job: Callable[[], None]) -> None:
    """Run ``job`` in a daemon thread (one that never holds up the process's exit) and await it."""
    finished: Future[None] = Future()

    def run() -> None:
        try:
            job()
            finished.set_result(None)
        except Exception as exc:  # noqa: BLE001 - handed to the event loop
            finished.set_exception(exc)

    threading.Thread(target=run, name="ghostline-index-scan", daemon=True).start()
    await asyncio.wrap_future(finished)


def _report_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("workspace index: the scan failed: %s", exc, exc_info=exc)


async def _watch(ls: GhostlineServer) -> None:
    """Ask the client to report created, changed and deleted files (when it can register watchers)."""
    caps = ls.client_capabilities.workspace if ls.client_capabilities else None
    watched = caps.did_change_watched_files if caps else None
    if not (watched and watched.dynamic_registration):
        return
    extensions = sorted({ext.lstrip(".") for spec in languages.SPECS for ext in spec.extensions})
    watchers = [
        types.FileSystemWatcher(glob_pattern=f"**/*.{{{','.join(extensions)}}}"),
        types.FileSystemWatcher(glob_pattern="**/.gitignore"),
        types.FileSystemWatcher(glob_pattern="**/*", kind=types.WatchKind.Delete),  # folders removed
    ]
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
    registration = types.Registration(WATCHER_ID, types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
    try:
        await ls.client_register_capability_async(types.RegistrationParams([registration]))
    except Exception as exc:  # noqa: BLE001 - without a watcher the index follows open documents only
        log.warning("workspace index: the client did not register the file watcher: %s", exc)


def _uri(path: str) -> str:
    """The URI of a path as pygls writes it (Windows drive letters as VS Code does), else a byte-exact one."""
    try:
        return from_fs_path(path) or to_uri(path)
    except UnicodeError:  # a file name that is not UTF-8
        return to_uri(path)


def _symbol(entry: Entry) -> types.SymbolInformation:
    start = types.Position(entry.start_line, 0)
    return types.SymbolInformation(
        name=entry.name,
        kind=KINDS.get(entry.kind, types.SymbolKind.Function),
        location=types.Location(
            _uri(entry.path),
            types.Range(start, types.Position(entry.end_line + 1, 0)),
        ),
        container_name=entry.container or None,
    )
