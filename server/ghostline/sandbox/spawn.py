"""Start one program under one kind of isolation, wait for it, and kill everything it started."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ghostline.sandbox import bwrap, cgroup, layout
from ghostline.sandbox.limits import Limits, RunResult

KINDS = ("bwrap", "unshare", "none")
"""From the strongest isolation to none at all."""
LAUNCHER = Path(__file__).with_name("launch.py")
UNSHARE = ["unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--ipc", "--uts", "--fork"]
UNSHARE += ["--kill-child", "--mount-proc"]
JOIN = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || '
    '{ echo "ghostline sandbox: setup failed: cannot join cgroup $1" >&2; exit 3; }; '
    'n=$((n - 1)); shift; done; exec "$@"'
)
"""``sh -c JOIN sh N FILE… COMMAND…``: join the run's cgroups, then become the command (its forks stay in)."""
SETUP_FAILED = ("ghostline sandbox: setup failed", "bwrap: ", "prlimit: ", "unshare: ")


@contextlib.contextmanager
def _memory_file(content: str = "") -> Iterator[int]:
    """A file descriptor (memory-backed where possible) holding ``content``, at offset 0."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("ghostline-sandbox")
    else:
        fd, name = tempfile.mkstemp(prefix="ghostline-sandbox-")
        os.unlink(name)
    try:
        os.write(fd, content.encode("utf-8"))
        os.lseek(fd, 0, os.SEEK_SET)
        yield fd
    finally:
        os.close(fd)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> int | None:
    """Its exit status, or None after ``timeout`` seconds (woken at once by a pidfd where there is one)."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        with contextlib.suppress(subprocess.TimeoutExpired):
            return proc.wait(timeout=timeout)
        return None
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        ready = poller.poll(max(0, int(timeout * 1000)))
    finally:
        os.close(pidfd)
    return proc.wait() if ready else None


@contextlib.contextmanager
def _host_dir(kind: str) -> Iterator[Path]:
    """A fresh host directory: the new root's mount point (``unshare``), or the program's (``none``)."""
    if kind == "bwrap":
        yield Path("/")  # unused: bwrap makes its root itself
        return
    with tempfile.TemporaryDirectory(prefix="ghostline-sandbox-") as tmp:
        yield Path(tmp).resolve()


def _command(
    kind: str, limits: Limits, memory_cgroup: bool, fd: int, host_dir: Path
) -> tuple[list[str], Path]:
    """The command line for ``kind`` and the directory it starts in."""
    python = sys.executable
    if kind == "bwrap":
        cmd = bwrap.command(limits.prlimit_args(memory_cgroup), limits.disk_mb, fd, python)
        return cmd, Path("/")
    config: dict[str, object] = {"mode": kind, "python": python, "limits": limits.rlimits(memory_cgroup)}
    if kind == "unshare":
        config |= {"root": str(host_dir), "plan": layout.plan(), "tmp_mb": limits.disk_mb, "source_fd": fd}
        config["program"] = layout.PROGRAM
        launch = [sys.executable, "-I", "-B", str(LAUNCHER), json.dumps(config)]
        return [*UNSHARE, *launch], Path("/")
    config["program"] = str(host_dir / "main.py")
    return [sys.executable, "-I", "-B", str(LAUNCHER), json.dumps(config)], host_dir


def _session_pids(leader: int) -> set[int]:
    """Processes whose session or process group is ``leader``'s (the no-namespace run's, as a backstop)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{entry}/stat").read_text(errors="replace").rsplit(")", 1)[1].split()
                if leader in (int(fields[2]), int(fields[3])):
                    found.add(int(entry))
    return found


def _stop(proc: subprocess.Popen[bytes], kind: str, timed_out: bool, group: cgroup.Group | None) -> None:
    """Kill every process of the run (the launcher, its process group, its cgroup, its session)."""
    if kind == "none" and timed_out:
        proc.send_signal(signal.SIGTERM)  # the launcher kills what the program started, then exits
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    if group is not None:
        group.kill()
    if kind == "none":
        for pid in _session_pids(proc.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    proc.wait()


def _status(code: int | None, tail: str) -> str:
    if code is None:
        return "timeout"
    if code == 0:
        return "passed"
    return "error" if code in (1, 3) and tail.lstrip().startswith(SETUP_FAILED) else "failed"


def _tail(fd: int) -> str:
    end = os.lseek(fd, 0, os.SEEK_END)
    return os.pread(fd, 4000, max(0, end - 4000)).decode("utf-8", "replace")[-2000:]


def execute(kind: str, source: str, limits: Limits, cgroups: bool = True) -> RunResult:
    """Run ``source`` under ``kind`` (one of ``KINDS``) and ``limits``; a run's cgroup when ``cgroups``."""
    start = time.perf_counter()
    with (
        _host_dir(kind) as host_dir,
        _memory_file() as err,
        _memory_file(source) as fd,
        cgroup.group(limits, cgroups) as group,
    ):
        if kind == "none":
            (host_dir / "main.py").write_text(source, encoding="utf-8")
        memory_cgroup = group is not None and group.memory_dir is not None
        cmd, cwd = _command(kind, limits, memory_cgroup, fd, host_dir)
        if group is not None:
            files = group.procs_files()
            cmd = ["/bin/sh", "-c", JOIN, "ghostline-sandbox", str(len(files)), *files, *cmd]
        work = str(host_dir) if kind == "none" else layout.WORK
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=layout.env(work), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=err, start_new_session=True, pass_fds=(fd,),
        )  # fmt: skip
        code: int | None = None
        try:
            code = _wait(proc, limits.timeout_s)
        finally:
            _stop(proc, kind, code is None, group)
        tail = _tail(err)
        if group is not None and group.oom_killed():
            note = f"\nghostline sandbox: memory limit reached ({limits.memory_mb} MiB in all)"
            tail = (tail + note)[-2000:]
    return RunResult(_status(code, tail), code, tail, time.perf_counter() - start, kind)
