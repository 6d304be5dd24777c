"""Per-run cgroups: the whole sandbox's memory and process count capped, all its processes killed at the end.

cgroup v1 (one hierarchy per controller) and v2 (one unified hierarchy) both work, wherever this process may
create child cgroups: as root, or in a delegated v2 subtree. A run's cgroup sits beside this process's own.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ghostline.sandbox.limits import Limits

CONTROLLERS = ("memory", "pids")
PREFIX = "ghostline-sandbox-"
_counter = iter(range(1 << 62))


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, root inside the hierarchy, options) of every cgroup mount; v2 as option ``cgroup2``."""
    out = []
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if tail and tail[0] in ("cgroup", "cgroup2"):
                options = set(tail[2].split(",")) if tail[0] == "cgroup" else {"cgroup2"}
                out.append((fields[4], fields[3], options))
    return out


def _own() -> dict[str, str]:
    """The cgroup path of this process per v1 controller, and under ``cgroup2`` its v2 path."""
    out = {}
    with open("/proc/self/cgroup", encoding="utf-8") as f:
        for line in f:
            _, names, path = line.rstrip("\n").split(":", 2)
            for name in names.split(",") if names else ["cgroup2"]:
                out[name] = path
    return out


def _usable(path: Path, controller: str, v2: bool) -> bool:
    if not ((path / "cgroup.procs").exists() and os.access(path, os.W_OK)):
        return False
    if not v2:
        return True
    with contextlib.suppress(OSError):
        return controller in (path / "cgroup.subtree_control").read_text().split()
    return False


@functools.cache
def parents() -> dict[str, Path]:
    """Controller → the directory a run's cgroup may be made in (only controllers that can be used here)."""
    try:
        mounts, own = _mounts(), _own()
    except (OSError, ValueError):
        return {}
    found: dict[str, Path] = {}
    for controller in CONTROLLERS:
        for point, root, options in mounts:
            v2 = "cgroup2" in options
            if controller not in options and not v2:
                continue
            mine = own.get("cgroup2" if v2 else controller, "/")
            inside = root == "/" or mine == root or mine.startswith(root.rstrip("/") + "/")
            rel = (mine if root == "/" else mine[len(root) :]).strip("/") if inside else ""
            for path in (Path(point) / rel, Path(point)) if rel else (Path(point),):
                if controller not in found and _usable(path, controller, v2):
                    found[controller] = path
    return found


@dataclass
class Group:
    """One run's cgroup directories (one per hierarchy: a single one on v2)."""

    dirs: list[Path]
    memory_dir: Path | None

    def procs_files(self) -> list[str]:
        """The files a process writes its pid to, to join."""
        return [str(d / "cgroup.procs") for d in self.dirs]

    def pids(self) -> set[int]:
        """Every process in the group now."""
        found: set[int] = set()
        for d in self.dirs:
            with contextlib.suppress(OSError, ValueError):
                found |= {int(p) for p in (d / "cgroup.procs").read_text().split()}
        return found

    def kill(self) -> None:
        """SIGKILL every process in the group, again until none is left (new forks included)."""
        for d in self.dirs:
            with contextlib.suppress(OSError):
                (d / "cgroup.kill").write_text("1")
        for _ in range(200):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.005)

    def oom_killed(self) -> bool:
        """Whether the memory cap made the kernel kill a process of the group."""
        if self.memory_dir is None:
            return False
        for name in ("memory.events", "memory.oom_control"):
            with contextlib.suppress(OSError):
                for line in (self.memory_dir / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and value.strip() not in ("", "0"):
                        return True
        return False

    def remove(self) -> None:
        """Remove the directories (after ``kill``; dying processes leave within milliseconds)."""
        for d in self.dirs:
            for _ in range(100):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)


def _write(path: Path, value: str) -> bool:
    try:
        path.write_text(value)
    except OSError:
        return False
    return True


def _make(parent: Path, name: str, made: list[Path]) -> Path:
    path = parent / name
    if path not in made:
        path.mkdir()
        made.append(path)
    return path


@contextlib.contextmanager
def group(limits: Limits, enabled: bool = True) -> Iterator[Group | None]:
    """A fresh cgroup capping memory (RAM and swap) and process count, killed and removed afterwards.

    None when no controller can be used; the memory controller is left out when its limit cannot be set
    (then fewer processes may run: ``Limits.shares``).
    """
    found = parents() if enabled else {}
    if not found:
        yield None
        return
    name = f"{PREFIX}{os.getpid()}-{next(_counter)}"
    made: list[Path] = []
    memory_dir = None
    try:
        if "memory" in found:
            mem = _make(found["memory"], name, made)
            limit = str(limits.memory_mb << 20)
            if _write(mem / "memory.max", limit) or _write(mem / "memory.limit_in_bytes", limit):
                _write(mem / "memory.swap.max", "0") or _write(mem / "memory.memsw.limit_in_bytes", limit)
                memory_dir = mem
        if "pids" in found:
            pids = _make(found["pids"], name, made)
            if not _write(pids / "pids.max", str(limits.shares(memory_dir is not None)[0])):
                raise OSError("pids.max")
    except OSError:
        Group(made, None).remove()
        yield None
        return
    result = Group(made, memory_dir)
    try:
        yield result
    finally:
        result.kill()
        result.remove()


@functools.cache
def controllers(enabled: bool = True) -> set[str]:
    """The controllers a run's cgroup gets here (made and removed once to check)."""
    with group(Limits(memory_mb=64, processes=8), enabled) as g:
        if g is None:
            return set()
        found = {"memory"} if g.memory_dir else set()
        if any((d / "pids.max").exists() for d in g.dirs):
            found.add("pids")
        return found


def sweep() -> None:
    """Remove run cgroups left by processes that died (empty ones only)."""
    for parent in set(parents().values()):
        for path in parent.glob(f"{PREFIX}*"):
            pid = path.name[len(PREFIX) :].split("-")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                with contextlib.suppress(OSError):
                    path.rmdir()
