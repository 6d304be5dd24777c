"""The bubblewrap (``bwrap``) command line: a new empty root holding only what the interpreter needs."""

from __future__ import annotations

import functools
import shutil
import subprocess

from ghostline.sandbox import layout


@functools.cache
def found() -> tuple[str, str, str] | None:
    """(bwrap, its version, prlimit) when both are installed, else None."""
    bwrap, prlimit = shutil.which("bwrap"), shutil.which("prlimit")
    if bwrap is None or prlimit is None:
        return None
    try:
        version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return bwrap, version.strip() or "bubblewrap", prlimit


def missing() -> str:
    """Why bubblewrap cannot be used ('' when it can)."""
    if shutil.which("bwrap") is None:
        return "no bwrap (Debian/Ubuntu: apt-get install bubblewrap)"
    if shutil.which("prlimit") is None:
        return "no prlimit (util-linux)"
    return ""


def command(rlimits: list[str], disk_mb: int, source_fd: int, python: str) -> list[str]:
    """The command running ``python -I -B PROGRAM`` under ``prlimit rlimits``, the source from ``source_fd``.

    Fresh user, pid, network, IPC, UTS and cgroup namespaces; no capabilities and no further user
    namespaces; the root an empty tmpfs, read-only, with the host paths of ``layout.plan`` bound read-only,
    a new /proc (its /sys read-only), a minimal /dev (read-only) and a private /tmp of ``disk_mb``.
    """
    tools = found()
    if tools is None:
        raise OSError(missing())
    bwrap, _, prlimit = tools
    args = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
    ]
    args += ["--cap-drop", "ALL", "--hostname", "sandbox"]
    args += ["--size", str(disk_mb << 20), "--tmpfs", layout.TMP, "--dir", layout.WORK]
    args += ["--perms", "0644", "--file", str(source_fd), layout.PROGRAM]
    for kind, source, dest in layout.plan():
        args += ["--ro-bind", source, dest] if kind == "ro" else ["--symlink", source, dest]
    args += [
        "--proc",
        "/proc",
        "--ro-bind",
        "/proc/sys",
        "/proc/sys",
        "--dev",
        "/dev",
        "--remount-ro",
        "/dev",
    ]
    args += ["--remount-ro", "/", "--chdir", layout.WORK]
    return [*args, prlimit, *rlimits, "--", python, "-I", "-B", layout.PROGRAM]
