"""The workspace index: every definition of a project's source files, by name, kept current, thread-safe."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path, PurePath

from ghostline.engine.workspace.entry import Entry
from ghostline.engine.workspace.ignore import Ignorer
from ghostline.engine.workspace.limits import IndexLimits
from ghostline.engine.workspace.pool import entries_of, extracted
from ghostline.engine.workspace.search import NameTable, rank
from ghostline.engine.workspace.walk import language_of, read_source, skip_dir, source_files, too_odd

__all__ = ["Entry", "IndexLimits", "WorkspaceIndex"]


class WorkspaceIndex:
    """Definitions by file and by name: ``scan`` fills it (in a worker thread), ``update``/``remove`` follow.

    One lock guards the tables; parsing happens outside it, so ``lookup`` and ``search`` from the event loop
    wait at most for a dictionary update. A file whose entries came from an editor's buffer is not read back
    from disk by a scan running meanwhile (a stamp per file tells which result is newer).
    """

    def __init__(self, limits: IndexLimits | None = None) -> None:
        self.limits = limits or IndexLimits()
        self.version = 0
        """Bumped whenever the index content changes."""
        self.truncated = False
        """The last scan stopped at ``limits.max_files`` or ``limits.max_entries``."""
        self._scope: list[tuple[Path, Ignorer]] = []
        self._lock = threading.Lock()
        self._files: dict[str, tuple[Entry, ...]] = {}
        self._names: dict[str, Entry | list[Entry]] = {}
        """Name → its one entry, or its entries (several files or overloads)."""
        self._names_changed = 0
        """Bumped when a name appears or goes (the search table is rebuilt then only)."""
        self._count = 0
        self._stems: dict[str, set[str]] = {}
        """File name without extension → the indexed files of that name."""
        self._folders: dict[str, set[str]] = {}
        """Folder → the indexed files directly in it."""
        self._stamps: dict[str, int] = {}
        self._buffers: set[str] = set()
        self._table: tuple[int, NameTable] | None = None

    @property
    def roots(self) -> list[Path]:
        """The folders of the last scan."""
        return [root for root, _ in self._scope]

    @property
    def files(self) -> int:
        """Files indexed (with or without definitions)."""
        return len(self._files)

    @property
    def definitions(self) -> int:
        """Definitions indexed."""
        return self._count

    def names(self) -> set[str]:
        """Every name defined in the indexed files."""
        with self._lock:
            return set(self._names)

    def scan(
        self,
        roots: list[Path],
        progress: Callable[[int, int], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """Blocking full scan (the LSP runs it in a worker thread); progress(done, total)."""
        absolute = [Path(os.path.abspath(r)) for r in roots]
        self._scope = scope = [(root, Ignorer(root)) for root in absolute]
        found: list[str] = []
        truncated = False
        for root, ignorer in scope:
            budget = self.limits.max_files - len(found)
            if budget <= 0:
                truncated = True
                break
            more, cut = source_files(root, ignorer, self.limits, budget, stop)
            found.extend(more)
            truncated = truncated or cut
        found = list(dict.fromkeys(found))  # nested roots list a file once
        total = len(found)
        with self._lock:
            stamps = dict(self._stamps)  # a file updated or removed meanwhile keeps what that brought
        child = total > self.limits.child_process_files
        files = extracted(found, self.limits, stop or (lambda: False), child)
        for done, (path, entries) in enumerate(files, 1):
            with self._lock:
                if self._stamps.get(path, 0) == stamps.get(path, 0) and path not in self._buffers:
                    truncated = not self._commit(path, entries) or truncated
            if progress is not None:
                progress(done, total)
            if stop is not None and stop():
                return
        keep = set(found)
        with self._lock:
            for path in [p for p in self._files if p not in keep and p not in self._buffers]:
                self._commit(path, None)
            self._stamps = {p: n for p, n in self._stamps.items() if p in self._files}
        self.truncated = truncated

    def update(self, path: Path, text: str | None = None) -> None:
        """(Re)index one file: from ``text`` (an unsaved buffer) or else from disk."""
        key = os.path.abspath(path)
        from_buffer = text is not None
        entries: tuple[Entry, ...] | None = None
        if language_of(key) is not None and self.accepts(key):
            if text is None:
                text = read_source(key, self.limits)
            elif too_odd(text, self.limits):
                text = None
            entries = entries_of(key, text, self.limits) if text is not None else None
        with self._lock:
            self._stamps[key] = self._stamps.get(key, 0) + 1
            if from_buffer:
                self._buffers.add(key)
            else:
                self._buffers.discard(key)
            self._commit(key, entries)

    def remove(self, path: Path) -> None:
        """Forget a file, or every file under a folder."""
        key = os.path.abspath(path)
        with self._lock:
            if key in self._files or self._never_indexed(key):
                below = []
            else:  # a folder (or a file never indexed): what lies below it
                prefix = key.rstrip(os.sep) + os.sep
                below = [p for p in self._files if p.startswith(prefix)]
            for gone in [key, *below]:
                self._stamps[gone] = self._stamps.get(gone, 0) + 1
                self._buffers.discard(gone)
                self._commit(gone, None)

    def clear(self) -> None:
        """Forget every file (indexing was turned off); a running scan stops adding only when told to."""
        with self._lock:
            for path in list(self._files):
                self._stamps[path] = self._stamps.get(path, 0) + 1
                self._commit(path, None)
            self._buffers.clear()
            self._scope = []

    def lookup(self, name: str) -> list[Entry]:
        """Every definition named exactly ``name``, in all files."""
        with self._lock:
            found = self._names.get(name)
        if found is None:
            return []
        return sorted(found, key=_place) if isinstance(found, list) else [found]

    def search(self, query: str, limit: int = 100) -> list[Entry]:
        """workspace/symbol: case-insensitive subsequence/fuzzy match on names, best first."""
        with self._lock:
            if self._table is None or self._table[0] != self._names_changed:
                self._table = (self._names_changed, NameTable.of(list(self._names)))
            table = self._table[1]
        out: list[Entry] = []
        for name in rank(table, query, limit):
            out.extend(self.lookup(name))
            if len(out) >= limit:
                break
        return out[:limit]

    def entries_in(self, path: PurePath) -> list[Entry]:
        """The definitions of one file in document order."""
        with self._lock:
            return list(self._files.get(os.path.abspath(path), ()))

    def files_named(self, stem: str) -> list[Path]:
        """The indexed files whose name without its extension is ``stem`` (a module's files)."""
        with self._lock:
            return [Path(p) for p in sorted(self._stems.get(stem, ()))]

    def files_in(self, folder: str | PurePath) -> list[str]:
        """The indexed files directly in ``folder`` (absolute paths, sorted)."""
        with self._lock:
            return sorted(self._folders.get(os.path.abspath(folder), ()))

    def accepts(self, path: str) -> bool:
        """Whether a file belongs to the index: inside a scanned root, not ignored, not in a skipped folder.

        Before any scan (no roots) every file of a supported language is accepted.
        """
        scope, file = self._scope, Path(path)
        if not scope:
            return True
        for root, ignorer in scope:
            try:
                inside = file.relative_to(root).parts
            except ValueError:
                continue
            folder = str(root)
            for name in inside[:-1]:
                folder = os.path.join(folder, name)
                if skip_dir(name, folder, self.limits):
                    return False
            rel = ignorer.rel(file)
            return bool(inside) and rel is not None and not ignorer.ignored_path(rel)
        return False

    def _never_indexed(self, path: str) -> bool:
        """Whether a path lies in a skipped folder (``.git``, ``node_modules``: deletes come in storms)."""
        file = Path(path)
        for root, _ in self._scope:
            if file.is_relative_to(root):
                return any(part in self.limits.skip_dirs for part in file.relative_to(root).parts)
        return False

    def mark_buffer(self, path: Path) -> None:
        """Note that a file's entries come from an editor's buffer (a scan then leaves it alone)."""
        with self._lock:
            self._buffers.add(os.path.abspath(path))

    def _commit(self, path: str, entries: tuple[Entry, ...] | None) -> bool:
        """Replace a file's entries (None: drop the file), the lock held; False when over the limit."""
        old = self._files.get(path)
        if entries is None and old is None:
            return True
        if old == entries:
            return True
        grow = len(entries or ()) - len(old or ())
        if entries is not None and grow > 0 and self._count + grow > self.limits.max_entries:
            return False
        names = self._names
        for entry in old or ():
            found = names.get(entry.name)
            if isinstance(found, list):
                kept = [e for e in found if e.path != path]
                if kept:
                    names[entry.name] = kept if len(kept) > 1 else kept[0]
                else:
                    del names[entry.name]
                    self._names_changed += 1
            elif found is entry:
                del names[entry.name]
                self._names_changed += 1
        stem = os.path.splitext(os.path.basename(path))[0]
        keys = ((self._stems, stem), (self._folders, os.path.dirname(path)))
        if entries is None:
            del self._files[path]
            for table, key in keys:
                _discard(table, key, path)
        else:
            self._files[path] = entries
            for table, key in keys:
                table.setdefault(key, set()).add(path)
            for entry in entries:
                found = names.get(entry.name)
                if found is None:
                    names[entry.name] = entry
                    self._names_changed += 1
                elif isinstance(found, list):
                    found.append(entry)
                else:
                    names[entry.name] = [found, entry]
        self._count += grow
        self.version += 1
        return True


def _discard(table: dict[str, set[str]], key: str, path: str) -> None:
    """Take ``path`` out of ``table[key]``, and the key out when nothing is left under it."""
    paths = table.get(key, set())
    paths.discard(path)
    if not paths:
        table.pop(key, None)


def _place(entry: Entry) -> tuple[str, int]:
    return entry.path, entry.start_line
