"""What this machine offers a model: cores, memory, GPU offload, the llama.cpp build, models downloaded."""

from __future__ import annotations

import functools
import glob
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ghostline.model import registry

GIB = 1024**3
UNLIMITED = 1 << 60
"""cgroup v1 writes "no limit" as a huge number (9223372036854771712)."""
CGROUP = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Hardware:
    """The facts the ``auto`` model choice and ``ghostline doctor`` use (``probe`` builds them; tests too)."""

    physical_cores: int
    """Distinct physical cores among the CPUs this process may run on (hyper-threads counted once)."""
    logical_cores: int = 0
    """Logical CPUs of the machine (``os.cpu_count``)."""
    usable_cpus: int = 0
    """Logical CPUs this process may run on (its affinity mask)."""
    cpu_quota: float | None = None
    """A cgroup CPU quota in cores (``cpu.max``, ``cpu.cfs_quota_us``), None when there is none."""
    memory_available: int | None = None
    """Bytes available now: ``MemAvailable``, or less when a cgroup limit leaves less; None when unknown."""
    memory_total: int | None = None
    """Bytes of RAM (or the cgroup limit when lower); None when unknown."""
    cgroup_memory_limit: int | None = None
    """The cgroup's memory limit in bytes, None when there is none."""
    gpu_offload: bool = False
    """``llama_supports_gpu_offload()``: this llama.cpp build can offload layers."""
    gpu_device: str = ""
    """A GPU this process can see (``CUDA: 1 NVIDIA device``, ``Metal (Apple arm64)``); empty when none."""
    llama_cpp_version: str = ""
    """The installed llama-cpp-python's version, empty when it cannot be imported."""
    system_info: str = ""
    """``llama_print_system_info()``: the build's CPU features and backends."""
    downloaded: Mapping[str, int] = field(default_factory=dict)
    """Models on disk → bytes: preset names (complete files only) and ``hf:OWNER/REPO/FILE`` files."""
    platform: str = ""

    @property
    def cores(self) -> int:
        """The physical cores a model may use here: fewer when a cgroup quota allows less."""
        cores = self.physical_cores
        if self.cpu_quota is not None:
            cores = min(cores, max(int(self.cpu_quota), 1))
        return max(cores, 1)

    @property
    def gpu(self) -> bool:
        """Whether llama.cpp can offload to a GPU that is actually here."""
        return self.gpu_offload and bool(self.gpu_device)


def probe() -> Hardware:
    """The facts of this machine, in milliseconds (llama.cpp is imported once; no model is loaded)."""
    usable = _usable_cpus()
    limit = _cgroup_memory()
    available, total = _meminfo("MemAvailable"), _total_memory()
    if limit is not None:
        limit_bytes, used = limit
        total = min(total, limit_bytes) if total is not None else limit_bytes
        room = max(limit_bytes - used, 0)
        available = min(available, room) if available is not None else room
    version, offload, info = _llama()
    return Hardware(
        physical_cores=_physical_cores(usable),
        logical_cores=os.cpu_count() or len(usable),
        usable_cpus=len(usable),
        cpu_quota=_cpu_quota(),
        memory_available=available,
        memory_total=total,
        cgroup_memory_limit=limit[0] if limit else None,
        gpu_offload=offload,
        gpu_device=_gpu_device(),
        llama_cpp_version=version,
        system_info=info,
        downloaded=_downloaded(),
        platform=f"{sys.platform} {platform.machine()}",
    )


def downloaded() -> dict[str, int]:
    """Models in the cache → their size: presets whose file is whole, then hub files (``hf:…``)."""
    out: dict[str, int] = {}
    for p in registry.PRESETS.values():
        path = registry.cached_path(p)
        if path.is_file() and path.stat().st_size == p.size:
            out[p.name] = p.size
    hub = registry.models_dir() / "hf"
    for path in sorted(hub.glob("*/*/*.gguf")) if hub.is_dir() else []:
        if path.is_file():
            out["hf:" + path.relative_to(hub).as_posix()] = path.stat().st_size
    return out


def _downloaded() -> dict[str, int]:
    try:
        return downloaded()
    except OSError:  # an unreadable cache folder: nothing counts as downloaded
        return {}


def _usable_cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return list(range(os.cpu_count() or 1))


def physical_cores(cpuinfo: str, usable: list[int]) -> int:
    """Distinct (package, core) pairs among the ``usable`` CPUs in a ``/proc/cpuinfo`` text (0: unknown)."""
    cores: set[tuple[str, str]] = set()
    wanted = set(usable)
    for block in cpuinfo.split("\n\n"):
        pairs = (line.partition(":") for line in block.splitlines())
        fields = {k.strip(): v.strip() for k, _, v in pairs}
        number = fields.get("processor", "")
        if number.isdigit() and int(number) in wanted and "core id" in fields:
            cores.add((fields.get("physical id", "0"), fields["core id"]))
    return len(cores)


def _physical_cores(usable: list[int]) -> int:
    """From /proc/cpuinfo; on macOS ``hw.physicalcpu``; else one core per usable CPU (ARM, containers)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    if found := physical_cores(text, usable):
        return found
    if sys.platform == "darwin":
        try:
            ask = ["sysctl", "-n", "hw.physicalcpu"]
            run = subprocess.run(ask, capture_output=True, text=True, timeout=2, check=False)
            return max(int(run.stdout.strip()), 1)
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    return max(len(usable), 1)


def _own_cgroup() -> str:
    """The cgroup v2 path of this process (``0::/…``), or "/"."""
    try:
        for line in Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines():
            if line.startswith("0::"):
                return line[3:] or "/"
    except OSError:
        pass
    return "/"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _v2_dirs() -> list[Path]:
    """The cgroup v2 directory of this process and its parents (a parent's limit binds too)."""
    here = CGROUP / _own_cgroup().lstrip("/")
    return [d for d in (here, *here.parents) if d == CGROUP or CGROUP in d.parents]


def _cpu_quota() -> float | None:
    quotas: list[float] = []
    for d in _v2_dirs():
        parts = (_read(d / "cpu.max") or "").split()
        if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit() and int(parts[1]):
            quotas.append(int(parts[0]) / int(parts[1]))
    quota, period = _read(CGROUP / "cpu" / "cpu.cfs_quota_us"), _read(CGROUP / "cpu" / "cpu.cfs_period_us")
    if quota and period and quota.isdigit() and period.isdigit() and int(period):
        quotas.append(int(quota) / int(period))
    return min(quotas) if quotas else None


def _cgroup_memory() -> tuple[int, int] | None:
    """(limit, usage) in bytes of the tightest cgroup memory limit, None when there is none."""
    found: list[tuple[int, int]] = []
    for d in _v2_dirs():
        limit, used = _read(d / "memory.max"), _read(d / "memory.current")
        if limit and limit.isdigit() and int(limit) < UNLIMITED:
            found.append((int(limit), int(used) if used and used.isdigit() else 0))
    v1 = CGROUP / "memory"
    limit, used = _read(v1 / "memory.limit_in_bytes"), _read(v1 / "memory.usage_in_bytes")
    if limit and limit.isdigit() and int(limit) < UNLIMITED:
        found.append((int(limit), int(used) if used and used.isdigit() else 0))
    return min(found, key=lambda f: f[0] - f[1]) if found else None


def _meminfo(key: str) -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _total_memory() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return _meminfo("MemTotal")


def _gpu_device() -> str:
    """A GPU this process can see (NVIDIA device nodes, AMD's ``/dev/kfd``, Metal); empty when none."""
    if sys.platform == "darwin":
        return "Metal (Apple arm64)" if platform.machine() == "arm64" else ""
    hidden = os.environ.get("CUDA_VISIBLE_DEVICES", "unset").strip() in ("", "-1", "none", "NoDevFiles")
    nvidia = glob.glob("/dev/nvidia[0-9]*")
    if nvidia and not hidden:
        return f"CUDA: {len(nvidia)} NVIDIA device{'s' if len(nvidia) > 1 else ''}"
    amd_hidden = os.environ.get("HIP_VISIBLE_DEVICES", "unset").strip() in ("", "-1")
    if os.path.exists("/dev/kfd") and not amd_hidden:
        return "ROCm: AMD GPU (/dev/kfd)"
    if os.name == "nt" and shutil.which("nvidia-smi"):
        return "CUDA: NVIDIA driver (nvidia-smi)"
    return ""


@functools.cache
def _llama() -> tuple[str, bool, str]:
    """(llama-cpp-python version, GPU offload support, system info) of the installed build."""
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info()
        offload = bool(llama_cpp.llama_supports_gpu_offload())
    except Exception as exc:  # noqa: BLE001 - not installed, or its library does not load: loading says why
        return "", False, f"llama-cpp-python unavailable ({type(exc).__name__}: {exc})"
    text = info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)
    return str(getattr(llama_cpp, "__version__", "")), offload, text.strip().rstrip("|").strip()
