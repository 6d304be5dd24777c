"""Run an untrusted Python program in a subprocess, a fresh temp dir and every isolation this OS allows."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).with_name("launch.py")
UNSHARE_FLAGS = ("--user", "--map-root-user", "--net", "--mount", "--pid", "--fork", "--kill-child")
NAMESPACES = (*UNSHARE_FLAGS, "--mount-proc")
PATH = "/usr/local/bin:/usr/bin:/bin"
_counter = iter(range(1 << 62))


@dataclass(frozen=True)
class Limits:
    """What one program may use."""

    timeout_s: float = 5.0
    """Wall clock, then the whole process tree is killed."""
    memory_mb: int = 2048
    """Address space per process (RLIMIT_AS)."""
    file_mb: int = 16
    """Largest file it may write (RLIMIT_FSIZE)."""
    processes: int = 32
    """Processes and threads at once (RLIMIT_NPROC, and a pids cgroup when one can be made)."""
    open_files: int = 256

    def rlimits(self) -> dict[str, int]:
        """The resource limits, by launcher name."""
        mib = 1 << 20
        return {
            "cpu": int(self.timeout_s) + 1,
            "memory": self.memory_mb * mib,
            "file_size": self.file_mb * mib,
            "processes": self.processes,
            "open_files": self.open_files,
            "core": 0,
        }


@dataclass(frozen=True)
class RunResult:
    """How one program ended."""

    status: str
    """``passed`` (exit 0), ``failed``, ``timeout`` or ``error`` (the sandbox itself could not start it)."""
    returncode: int | None
    stderr: str
    """The last 2,000 characters of its standard error."""
    seconds: float

    @property
    def passed(self) -> bool:
        """Whether it exited with status 0 in time."""
        return self.status == "passed"


@dataclass(frozen=True)
class Isolation:
    """What this machine lets the sandbox do (probed once per process)."""

    namespaces: bool
    """Fresh user, network, mount and pid namespaces (``unshare``)."""
    steps: tuple[str, ...]
    """Launcher steps that worked in the probe: cgroup, home, read_only, capabilities, limits."""
    pids_cgroup: bool
    reason: str = ""


def _python_dirs(home: Path) -> list[str]:
    """The Python installation's directories that lie inside ``home`` (kept visible when it is hidden)."""
    dirs = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, Path(sys.executable).parent)})
    inside = [d for d in dirs if d.startswith(str(home).rstrip("/") + "/")]
    return [d for d in inside if not any(d != o and d.startswith(o + "/") for o in inside)]


def _config(work: Path, limits: Limits, program: str | None, cgroup: str, lockdown: bool) -> str:
    home = Path.home().resolve()
    return json.dumps(
        {
            "work": str(work),
            "program": program,
            "python": sys.executable,
            "limits": limits.rlimits(),
            "lockdown": lockdown,
            "home": str(home),
            "keep": _python_dirs(home),
            "cgroup": cgroup,
        }
    )


def _env(work: Path) -> dict[str, str]:
    return {"PATH": PATH, "HOME": str(work), "TMPDIR": str(work), "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}


def _pids_root() -> Path | None:
    """A pids cgroup directory this process may create children in (root on cgroup v1), else None."""
    for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        usable = (root / "cgroup.procs").exists() and os.access(root, os.W_OK)
        if usable and (root.name == "pids" or "pids" in (root / "cgroup.subtree_control").read_text()):
            return root
    return None


@contextlib.contextmanager
def _pids_cgroup(limit: int, enabled: bool) -> Iterator[str]:
    """A fresh pids cgroup capped at ``limit`` (its path), removed afterwards; '' when unavailable."""
    root = _pids_root() if enabled else None
    if root is None:
        yield ""
        return
    path = root / f"ghostline-sandbox-{os.getpid()}-{next(_counter)}"
    try:
        path.mkdir()
        (path / "pids.max").write_text(str(limit))
    except OSError:
        yield ""
        return
    try:
        yield str(path)
    finally:
        for _ in range(100):  # the killed processes leave within milliseconds
            with contextlib.suppress(OSError):
                path.rmdir()
                break
            time.sleep(0.02)


@functools.cache
def isolation() -> Isolation:
    """Probe once whether namespaces, the pids cgroup and every lock-down step work here."""
    if shutil.which("unshare") is None:
        return Isolation(False, ("limits",), False, "no unshare command")
    with tempfile.TemporaryDirectory(prefix="ghostline-probe-") as tmp, _pids_cgroup(8, True) as cgroup:
        config = _config(Path(tmp).resolve(), Limits(), None, cgroup, True)
        cmd = ["unshare", *NAMESPACES, sys.executable, "-I", "-B", str(LAUNCHER), config]
        run = subprocess.run(cmd, cwd=tmp, env=_env(Path(tmp)), capture_output=True, text=True, timeout=60)
        try:
            steps = tuple(json.loads(run.stdout)["done"])
        except (ValueError, KeyError):
            return Isolation(False, ("limits",), False, f"unshare failed: {run.stderr.strip()[-300:]}")
    return Isolation(True, steps, "cgroup" in steps)


def protections(limits: Limits | None = None) -> list[str]:
    """What the sandbox enforces on this machine, one line each (printed by ``ghostline eval``)."""
    limits = limits or Limits()
    iso = isolation()
    root = os.geteuid() == 0
    out = [
        f"fresh temp dir as cwd and HOME; environment scrubbed (PATH={PATH}); python -I -B",
        f"wall-clock timeout {limits.timeout_s:g} s, then the whole process tree is killed",
        f"RLIMIT_CPU {int(limits.timeout_s) + 1} s, RLIMIT_AS {limits.memory_mb} MiB, "
        f"RLIMIT_FSIZE {limits.file_mb} MiB, RLIMIT_NOFILE {limits.open_files}",
        f"processes: RLIMIT_NPROC {limits.processes}"
        + (" (not enforced for root)" if root else "")
        + (f"; pids cgroup max {limits.processes}" if iso.pids_cgroup else ""),
    ]
    if not iso.namespaces:
        out.append(f"NOT enforced: network, read-only file system, hidden home ({iso.reason})")
        return out
    out.append("network: none (fresh network namespace without interfaces)")
    out.append("pid namespace: the program cannot see or signal other processes; all die with it")
    if "home" in iso.steps:
        out.append(f"home {Path.home()} hidden behind an empty tmpfs (the Python installation stays visible)")
    if "read_only" in iso.steps:
        out.append("file system read-only everywhere except the temp dir")
    if "capabilities" in iso.steps:
        out.append("all capabilities dropped, no_new_privs: the program cannot remount or mount")
    return out


def run_program(source: str, limits: Limits | None = None) -> RunResult:
    """Write ``source`` to a fresh temp dir and run it there under every available protection."""
    limits = limits or Limits()
    iso = isolation()
    start = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="ghostline-sandbox-") as tmp,
        tempfile.TemporaryFile() as err,
        _pids_cgroup(limits.processes, iso.pids_cgroup) as cgroup,
    ):
        work = Path(tmp).resolve()
        (work / "main.py").write_text(source, encoding="utf-8")
        config = _config(work, limits, str(work / "main.py"), cgroup, iso.namespaces)
        prefix = ["unshare", *NAMESPACES] if iso.namespaces else []
        cmd = [*prefix, sys.executable, "-I", "-B", str(LAUNCHER), config]
        proc = subprocess.Popen(
            cmd, cwd=work, env=_env(work), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=err, start_new_session=True,
        )  # fmt: skip
        try:
            code: int | None = proc.wait(timeout=limits.timeout_s)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")[-2000:]
    status = "timeout" if code is None else "passed" if code == 0 else "failed"
    if code == 3 and "ghostline sandbox: setup failed" in tail:
        status = "error"
    return RunResult(status, code, tail, time.perf_counter() - start)
