"""Which isolation this machine allows (probed once per process), and what it enforces, in words."""

from __future__ import annotations

import functools
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, replace

from ghostline.sandbox import bwrap, cgroup, layout, spawn
from ghostline.sandbox.limits import Limits

PIVOT_ARCHES = ("x86_64", "aarch64", "riscv64")


@dataclass(frozen=True)
class Isolation:
    """One kind of isolation and whether it works here."""

    kind: str
    """``bwrap`` (bubblewrap), ``unshare`` (the launcher's own namespaces) or ``none``."""
    namespaces: bool
    """Fresh user, mount, pid, network, IPC and UTS namespaces and a new root: the host is out of sight."""
    memory_cgroup: bool
    """The whole sandbox's memory is capped by a cgroup."""
    pids_cgroup: bool
    """The whole sandbox's processes and threads are capped by a cgroup."""
    reason: str = ""
    """Why a stronger kind is not in use, or why this one does not work."""
    detail: str = ""
    """The tool, e.g. ``bubblewrap 0.8.0``."""
    works: bool = True


def _probe_program(kind: str, hidden: str) -> str:
    """A program that passes only where ``kind`` isolates: the host directory ``hidden`` is out of sight."""
    if kind == "none":
        return "import sys\n"
    return (
        "import os\n"
        f"assert os.getcwd() == {layout.WORK!r}, os.getcwd()\n"
        f"assert not os.path.exists({hidden!r}), 'the host is visible'\n"
    )


def _unusable(kind: str) -> str:
    if kind == "bwrap":
        return bwrap.missing()
    if kind == "unshare" and shutil.which("unshare") is None:
        return "no unshare (util-linux)"
    if kind == "unshare" and platform.machine() not in PIVOT_ARCHES:
        return f"the launcher has no pivot_root on {platform.machine()}"
    return ""


@functools.cache
def probe(kind: str) -> Isolation:
    """Whether ``kind`` (one of ``spawn.KINDS``) works here: a real program is run under it once."""
    found = cgroup.controllers()
    memory, pids = "memory" in found, "pids" in found
    tools = bwrap.found() if kind == "bwrap" else None
    detail = {"bwrap": tools[1] if tools else "bubblewrap", "unshare": "unshare + pivot_root"}.get(kind, "")
    if why := _unusable(kind):
        return Isolation(kind, False, memory, pids, why, detail, works=False)
    with tempfile.TemporaryDirectory(prefix="ghostline-probe-") as hidden:
        result = spawn.execute(kind, _probe_program(kind, hidden), Limits(timeout_s=30), bool(found))
    if not result.passed:
        why = f"{kind} failed: {result.stderr.strip()[-300:] or result.status}"
        return Isolation(kind, False, memory, pids, why, detail, works=False)
    return Isolation(kind, kind != "none", memory, pids, "", detail)


@functools.cache
def isolation() -> Isolation:
    """The strongest isolation that works here: bubblewrap, else the launcher's namespaces, else none."""
    cgroup.sweep()
    reasons: list[str] = []
    for kind in spawn.KINDS:
        found = probe(kind)
        if found.works or kind == "none":
            return replace(found, reason="; ".join(reasons))
        reasons.append(found.reason)
    raise AssertionError("unreachable")


def _describe(iso: Isolation, limits: Limits) -> list[str]:
    if not iso.namespaces:
        return [
            f"isolation: none ({iso.reason or 'no namespaces here'})",
            "NOT enforced: network, file system and process isolation: the program runs as this user in a "
            "fresh temp dir and can read, write, connect to and signal whatever this user can",
            f"writable: anywhere this user may write; RLIMIT_FSIZE {limits.file_mb} MiB per file, no total",
            "on exit or timeout every process it started is killed (the launcher is a subreaper: setsid does "
            "not escape it; its process group and session are killed too)",
        ]
    tool = "bubblewrap (bwrap)" if iso.kind == "bwrap" else "unshare and the launcher (bubblewrap not used)"
    out = [
        f"isolation: {iso.kind}: {iso.detail} via {tool}" + (f"; {iso.reason}" if iso.reason else ""),
        "network: none (fresh network namespace without interfaces: no host port, no abstract unix socket)",
        "file system: a new empty root; read-only from the host only "
        + ", ".join(layout.visible())
        + "; nothing else (no home, repository, /etc, /run, /var, /sys, nor the host's /tmp and its sockets)",
        f"writable: only a private /tmp (tmpfs, {limits.disk_mb} MiB in all) holding the program's "
        f"directory {layout.WORK} (its cwd, HOME and TMPDIR)",
        "pid, IPC and UTS namespaces: the program cannot see or signal other processes; all die with it",
        "no capabilities, no_new_privs, no new user namespaces: the program cannot mount, remount or "
        "write /proc/sys",
    ]
    if os.geteuid() == 0:
        out.append("run by root: the program's uid maps to root, so every file it can see is readable")
    return out


def protections(limits: Limits | None = None) -> list[str]:
    """What the sandbox enforces on this machine, one line each (printed by ``ghostline eval``)."""
    limits = limits or Limits()
    iso = isolation()
    processes, memory = limits.shares(iso.memory_cgroup)
    root = os.geteuid() == 0
    out = [
        *_describe(iso, limits),
        f"environment scrubbed (PATH={layout.PATH}); python -I -B",
        f"wall-clock timeout {limits.timeout_s:g} s, then every process of the run is killed",
        f"RLIMIT_CPU {int(limits.timeout_s) + 1} s, RLIMIT_AS {memory} MiB per process, "
        f"RLIMIT_FSIZE {limits.file_mb} MiB, RLIMIT_NOFILE {limits.open_files}",
    ]
    if iso.memory_cgroup:
        out.append(f"memory: {limits.memory_mb} MiB for the whole sandbox, no swap (memory cgroup)")
    else:
        capped = iso.pids_cgroup or not root
        out.append(
            f"memory: no memory cgroup here; at most {processes} processes × {memory} MiB"
            + ("" if capped else " (NOT enforced: root ignores RLIMIT_NPROC and there is no pids cgroup)")
        )
    out.append(
        f"processes: RLIMIT_NPROC {processes}"
        + (" (not enforced for root)" if root else "")
        + (f"; pids cgroup max {processes}" if iso.pids_cgroup else "")
    )
    return out
