"""What one sandboxed program may use (``Limits``) and how it ended (``RunResult``)."""

from __future__ import annotations

from dataclasses import dataclass

PER_PROCESS_FLOOR_MB = 256
"""Without a memory cgroup, each process keeps at least this much address space (fewer processes instead)."""


@dataclass(frozen=True)
class Limits:
    """What one program may use."""

    timeout_s: float = 5.0
    """Wall clock, then the whole process tree is killed."""
    memory_mb: int = 2048
    """Memory of the whole sandbox: a memory cgroup caps all its processes together (RAM and its tmpfs, no
    swap), RLIMIT_AS each process. Without a memory cgroup, ``processes × RLIMIT_AS`` stays within this."""
    file_mb: int = 16
    """Largest file it may write (RLIMIT_FSIZE)."""
    processes: int = 32
    """Processes and threads at once (a pids cgroup where one can be made, and RLIMIT_NPROC)."""
    open_files: int = 256
    disk_mb: int = 64
    """Everything it may write, together: the size of its private /tmp (a tmpfs)."""

    def shares(self, memory_cgroup: bool) -> tuple[int, int]:
        """(processes, MiB of address space per process): without a memory cgroup the product is capped."""
        if memory_cgroup:
            return self.processes, self.memory_mb
        count = max(1, min(self.processes, self.memory_mb // PER_PROCESS_FLOOR_MB))
        return count, self.memory_mb // count

    def rlimits(self, memory_cgroup: bool = True) -> dict[str, int]:
        """The resource limits, by launcher name."""
        mib = 1 << 20
        processes, memory = self.shares(memory_cgroup)
        return {
            "cpu": int(self.timeout_s) + 1,
            "memory": memory * mib,
            "file_size": self.file_mb * mib,
            "processes": processes,
            "open_files": self.open_files,
            "core": 0,
        }

    def prlimit_args(self, memory_cgroup: bool = True) -> list[str]:
        """The same limits as ``prlimit`` options (util-linux)."""
        names = {"cpu": "cpu", "memory": "as", "file_size": "fsize", "processes": "nproc"}
        names |= {"open_files": "nofile", "core": "core"}
        return [f"--{names[k]}={v}:{v}" for k, v in self.rlimits(memory_cgroup).items()]


@dataclass(frozen=True)
class RunResult:
    """How one program ended."""

    status: str
    """``passed`` (exit 0), ``failed``, ``timeout`` or ``error`` (the sandbox itself could not start it)."""
    returncode: int | None
    stderr: str
    """The last 2,000 characters of its standard error."""
    seconds: float
    isolation: str = ""
    """The isolation that was in force: ``bwrap``, ``unshare`` or ``none`` (see ``Isolation.kind``)."""

    @property
    def passed(self) -> bool:
        """Whether it exited with status 0 in time."""
        return self.status == "passed"
