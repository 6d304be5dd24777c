"""Sandbox launcher (stdlib only, run as a script): lock the namespaces down, set limits, exec the program.

Run as ``python -I -B launch.py CONFIG_JSON`` inside fresh user/mount/pid/network namespaces (or none). It
joins a pids cgroup when given one, hides the user's home behind an empty tmpfs (keeping the Python
installation visible), remounts every mount read-only except the work directory, drops every capability,
sets the resource limits and finally replaces itself with ``python -I -B PROGRAM``. Without a program it
only reports, as JSON on stdout, which of these steps worked (the sandbox probes once per process).
A failed step makes it exit with status 3 before running anything: the sandbox fails closed.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
KEPT_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": 1024}
KEPT_FLAGS |= {"nodiratime": 2048, "relatime": 1 << 21, "strictatime": 1 << 24}
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
LIMITS = {
    "cpu": resource.RLIMIT_CPU,
    "memory": resource.RLIMIT_AS,
    "file_size": resource.RLIMIT_FSIZE,
    "processes": resource.RLIMIT_NPROC,
    "open_files": resource.RLIMIT_NOFILE,
    "core": resource.RLIMIT_CORE,
}

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    """Mount (the system call); OSError on failure."""
    args = [s.encode() if s is not None else None for s in (source, target, fstype)]
    _check(_libc.mount(args[0], args[1], args[2], ctypes.c_ulong(flags), data and data.encode()), target)


def umount(target: str) -> None:
    """Lazily unmount ``target`` (MNT_DETACH); OSError on failure."""
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def mount_points() -> list[tuple[str, list[str]]]:
    """(mount point, per-mount options) of every mount, parents first."""
    out = []
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")
            out.append((point, fields[5].split(",")))
    return out


def join_cgroup(path: str) -> None:
    """Move this process into the pids cgroup at ``path`` (children follow)."""
    with open(os.path.join(path, "cgroup.procs"), "w", encoding="ascii") as f:
        f.write(str(os.getpid()))


def hide(home: str, keep: list[str], work: str) -> None:
    """Cover ``home`` with an empty tmpfs; the directories in ``keep`` (inside it) stay visible."""
    staged = []
    for i, path in enumerate(keep):
        stage = os.path.join(work, f".keep{i}")
        os.mkdir(stage)
        mount(path, stage, None, MS_BIND | MS_REC)
        staged.append((path, stage))
    mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    for path, stage in staged:
        os.makedirs(path, exist_ok=True)
        mount(stage, path, None, MS_BIND | MS_REC)
        umount(stage)
        os.rmdir(stage)


def read_only(work: str) -> None:
    """Remount every mount read-only except ``work`` (bound onto itself first, so it is a mount)."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount(work, work, None, MS_BIND)
    for point, options in mount_points():
        if point == work:
            continue
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY
        for option in options:
            flags |= KEPT_FLAGS.get(option, 0)
        mount(None, point, None, flags)


def drop_capabilities() -> None:
    """Empty the bounding set and forbid new privileges: the program cannot mount or undo any of this."""
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as f:
        last = int(f.read())
    for cap in range(last + 1):
        _check(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def set_limits(limits: dict[str, int]) -> None:
    """Soft and hard resource limits."""
    for name, value in limits.items():
        resource.setrlimit(LIMITS[name], (value, value))


def lock_down(config: dict[str, object]) -> list[str]:
    """Every step the config asks for, in order; returns the names of the steps done."""
    done = []
    work = str(config["work"])
    if config.get("cgroup"):
        join_cgroup(str(config["cgroup"]))
        done.append("cgroup")
    if config.get("lockdown"):
        home = str(config.get("home") or "")
        if home and os.path.isdir(home) and not work.startswith(home.rstrip("/") + "/"):
            hide(home, [str(k) for k in config.get("keep", [])], work)  # type: ignore[attr-defined]
            done.append("home")
        read_only(work)
        os.chdir(work)  # the old cwd is the directory under the new mount
        done.append("read_only")
        drop_capabilities()
        done.append("capabilities")
    set_limits({k: int(v) for k, v in config.get("limits", {}).items()})  # type: ignore[attr-defined]
    done.append("limits")
    return done


def main() -> None:
    """Lock down, then exec the program (or print the probe report)."""
    config = json.loads(sys.argv[1])
    try:
        done = lock_down(config)
    except OSError as exc:
        print(f"ghostline sandbox: setup failed: {exc}", file=sys.stderr)
        raise SystemExit(3) from None
    program = config.get("program")
    if not program:
        print(json.dumps({"done": done}))
        return
    python = str(config["python"])
    os.execv(python, [python, "-I", "-B", str(program)])


if __name__ == "__main__":
    main()
