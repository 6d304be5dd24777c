"""Sandbox launcher (stdlib only, run as a script) for the fallbacks when bubblewrap is not installed.

``python -I -B launch.py CONFIG_JSON``, in one of two modes:

``unshare``: inside fresh user/mount/pid/network/IPC/UTS namespaces (``unshare``), build a new root on an
empty tmpfs holding only the config's plan (the interpreter's paths, bound read-only), a private /tmp of the
config's size, a minimal /dev and a read-only /proc; ``pivot_root`` into it and detach the old root; forbid
new user namespaces; drop every capability; set the resource limits; exec ``python -I -B PROGRAM``.

``none`` (no namespaces here): become a subreaper, fork the program under the resource limits, wait for it,
then kill every process it left (``setsid`` or not: orphans come back to a subreaper); exit as it did.

A failed step makes it exit with status 3 before running anything: the sandbox fails closed.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import sys
import time

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
KEPT_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": 1024}
KEPT_FLAGS |= {"nodiratime": 2048, "relatime": 1 << 21, "strictatime": 1 << 24}
PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 24, 36, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41}
DEVICES = ("null", "zero", "full", "random", "urandom")
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


def mount_points() -> list[tuple[str, list[str]]]:
    """(mount point, per-mount options) of every mount, parents first."""
    out = []
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            out.append((fields[4].encode().decode("unicode_escape"), fields[5].split(",")))
    return out


def bind(source: str, target: str) -> None:
    """Bind ``source`` (and its submounts) on ``target``, creating the mount point (a file or a directory)."""
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "a", encoding="utf-8"):
            pass
    mount(source, target, None, MS_BIND | MS_REC)


def build_root(root: str, plan: list[list[str]], tmp_mb: int) -> None:
    """An empty tmpfs on ``root``: the plan read-only, a writable /tmp of ``tmp_mb`` MiB, /dev and /proc."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    os.mkdir(f"{root}/tmp")
    mount("tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb}m,mode=755")
    for kind, source, dest in plan:
        if kind == "ro":
            bind(source, root + dest)
        else:
            os.makedirs(os.path.dirname(root + dest), exist_ok=True)
            os.symlink(source, root + dest)
    os.mkdir(f"{root}/dev")
    mount("tmpfs", f"{root}/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755")
    for name in DEVICES:
        bind(f"/dev/{name}", f"{root}/dev/{name}")
    for i, name in enumerate(("stdin", "stdout", "stderr")):
        os.symlink(f"/proc/self/fd/{i}", f"{root}/dev/{name}")
    os.symlink("/proc/self/fd", f"{root}/dev/fd")
    os.mkdir(f"{root}/proc")
    mount("proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for point, options in mount_points():  # everything read-only but /tmp (devices stay usable)
        if (point == root or point.startswith(root + "/")) and point != f"{root}/tmp":
            flags = MS_BIND | MS_REMOUNT | MS_RDONLY
            for option in options:
                flags |= KEPT_FLAGS.get(option, 0)
            mount(None, point, None, flags)


def pivot(root: str) -> None:
    """Make ``root`` the root and detach the old one: nothing of it stays reachable."""
    machine = os.uname().machine
    number = SYS_PIVOT_ROOT.get(machine)
    if number is None:
        raise OSError(0, f"pivot_root: unknown system call number on {machine}")
    os.chdir(root)
    _check(_libc.syscall(number, b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")


def write_program(fd: int, program: str) -> None:
    """Copy the program's source from ``fd`` (the caller's) to ``program``, then close ``fd``."""
    os.makedirs(os.path.dirname(program), exist_ok=True)
    os.lseek(fd, 0, os.SEEK_SET)
    with os.fdopen(fd, "rb") as src, open(program, "wb") as dst:
        dst.write(src.read())


def forbid_user_namespaces() -> None:
    """No user namespace may be made below this one (a new one would hold every capability again)."""
    with open("/proc/sys/user/max_user_namespaces", "w", encoding="ascii") as f:
        f.write("0")


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


def lock_down(root: str, plan: list[list[str]], tmp_mb: int, source_fd: int, program: str) -> None:
    """The ``unshare`` mode's steps but the limits, in order (see the module docstring)."""
    build_root(root, plan, tmp_mb)
    write_program(source_fd, root + program)
    forbid_user_namespaces()
    pivot(root)
    os.chdir(os.path.dirname(program))
    _check(_libc.sethostname(b"sandbox", 7), "sethostname")
    drop_capabilities()


def descendants() -> set[int]:
    """Every process below this one now (from the parent pids in /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
    found: set[int] = set()
    todo = [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def kill_the_rest() -> None:
    """SIGKILL and reap every descendant, again until none is left (orphans come back: subreaper)."""
    for _ in range(500):
        for pid in descendants():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        if not descendants():
            return
        time.sleep(0.01)


def supervise(python: str, program: str, limits: dict[str, int]) -> int:
    """The ``none`` mode: run the program as a child, then kill whatever it left; its exit status."""
    _check(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "subreaper")

    def stop(signum: int, frame: object) -> None:
        raise InterruptedError

    signal.signal(signal.SIGTERM, stop)
    child = os.fork()
    if child == 0:
        try:
            set_limits(limits)  # after the fork: RLIMIT_NPROC counts all the user's processes here
            os.execv(python, [python, "-I", "-B", program])
        except OSError as exc:
            print(f"ghostline sandbox: setup failed: {exc}", file=sys.stderr)
        finally:
            os._exit(3)
    status = 0
    try:
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == child:
                break
    except InterruptedError:
        status = signal.SIGKILL
    kill_the_rest()
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


def main() -> None:
    """Lock down and exec the program (``unshare``), or supervise it (``none``)."""
    config = json.loads(sys.argv[1])
    python, program, limits = config["python"], config["program"], config["limits"]
    try:
        if config["mode"] == "none":
            raise SystemExit(supervise(python, program, limits))
        lock_down(config["root"], config["plan"], config["tmp_mb"], config["source_fd"], program)
        set_limits(limits)
    except OSError as exc:
        print(f"ghostline sandbox: setup failed: {exc}", file=sys.stderr)
        raise SystemExit(3) from None
    os.execv(python, [python, "-I", "-B", program])


if __name__ == "__main__":
    main()
