"""The sandbox contains what untrusted programs try: each limit is proven by a program that breaks it.

Isolation tests run under every kind that works here (bubblewrap, the launcher's own namespaces), so the
fallback is proven too; ``none`` is checked for what it promises (its processes all die).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ghostline import sandbox
from ghostline.eval.datasets import REPO_ROOT
from ghostline.sandbox import cgroup

ISO = sandbox.isolation()
NAMESPACED = ["bwrap", "unshare"]


def works(kind: str) -> sandbox.Isolation:
    found = sandbox.probe(kind)
    if not found.works:
        pytest.skip(f"{kind} does not work here: {found.reason}")
    return found


@pytest.fixture(params=NAMESPACED)
def namespaced(request: pytest.FixtureRequest) -> sandbox.Isolation:
    """Each namespaced isolation that works here."""
    return works(request.param)


@pytest.fixture(params=[*NAMESPACED, "none"])
def any_kind(request: pytest.FixtureRequest) -> sandbox.Isolation:
    """Each isolation that works here, ``none`` included."""
    return works(request.param)


def tagged(body: str) -> tuple[str, str]:
    """``body`` re-run with a unique tag in its command line (its leftovers are found by it), and the tag."""
    tag = f"ghostline-test-{uuid.uuid4().hex}"
    again = f"os.execv(sys.executable, [sys.executable, '-I', '-B', __file__, {tag!r}])"
    return f"import os, sys\nif sys.argv[1:] != [{tag!r}]:\n    {again}\n" + body, tag


def leftovers(tag: str) -> list[int]:
    """Processes whose command line holds ``tag`` (killed, so none are left behind for the next test)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if tag.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    for pid in found:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return found


def test_a_correct_program_passes_and_a_failing_assert_fails() -> None:
    ok = sandbox.run_program("def f(x):\n    return x * 2\n\nassert f(2) == 4\n")
    assert ok.status == "passed" and ok.passed and ok.returncode == 0
    assert ok.isolation == ISO.kind  # the result says which isolation was in force
    bad = sandbox.run_program("assert 1 + 1 == 3, 'arithmetic'\n")
    assert bad.status == "failed" and not bad.passed
    assert "AssertionError: arithmetic" in bad.stderr


def test_the_standard_library_works_inside(any_kind: sandbox.Isolation) -> None:
    program = (
        "import collections, decimal, fractions, hashlib, itertools, json, math, re, sqlite3, subprocess\n"
        "import ctypes, datetime, random, string, heapq, bisect, functools, typing, unittest, doctest, sys\n"
        "assert json.loads(json.dumps({'a': [1]})) == {'a': [1]}\n"
        "assert subprocess.run([sys.executable, '-c', 'print(6 * 7)'], capture_output=True, text=True)"
        ".stdout == '42\\n'\n"
    )
    result = sandbox.run_program(program, using=any_kind)
    assert result.passed, result.stderr
    assert result.isolation == any_kind.kind


def test_an_infinite_loop_times_out(any_kind: sandbox.Isolation) -> None:
    program, tag = tagged("while True:\n    pass\n")
    result = sandbox.run_program(program, sandbox.Limits(timeout_s=1), using=any_kind)
    assert result.status == "timeout" and not result.passed
    assert 1 <= result.seconds < 4
    assert leftovers(tag) == []


def test_a_fork_bomb_is_contained_and_scored_as_a_failure(namespaced: sandbox.Isolation) -> None:
    program, tag = tagged("while True:\n    os.fork()\n")
    result = sandbox.run_program(program, sandbox.Limits(timeout_s=3), using=namespaced)
    assert result.status in ("failed", "timeout") and not result.passed
    assert leftovers(tag) == []  # nothing left behind
    assert sandbox.run_program("print('still fine')", using=namespaced).passed  # the machine still runs
    mine = f"{cgroup.PREFIX}{os.getpid()}-*"
    assert [p for parent in cgroup.parents().values() for p in parent.glob(mine)] == []  # cgroups removed


def test_a_10_gb_allocation_fails_with_memory_error() -> None:
    result = sandbox.run_program("data = bytearray(10 * 1024**3)\nprint(len(data))\n")
    assert result.status == "failed"
    assert "MemoryError" in result.stderr


def test_a_huge_file_is_cut_by_the_file_size_limit() -> None:
    program = "with open('big', 'wb') as f:\n    f.write(b'x' * (64 * 1024 * 1024))\n"
    result = sandbox.run_program(program, sandbox.Limits(file_mb=4))
    assert result.status == "failed"


def test_the_temp_dir_is_the_writable_home_and_the_environment_is_scrubbed(
    any_kind: sandbox.Isolation,
) -> None:
    program = (
        "import os, pathlib\n"
        "pathlib.Path('out.txt').write_text('ok')\n"
        "assert pathlib.Path('out.txt').read_text() == 'ok'\n"
        "assert pathlib.Path.home() == pathlib.Path.cwd(), (pathlib.Path.home(), os.getcwd())\n"
        "assert 'GHOSTLINE_SECRET' not in os.environ\n"
    )
    os.environ["GHOSTLINE_SECRET"] = "1"
    try:
        result = sandbox.run_program(program, using=any_kind)
    finally:
        del os.environ["GHOSTLINE_SECRET"]
    assert result.passed, result.stderr


@pytest.fixture
def outside(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A path outside the sandbox's temp dir: in the real home, the repository or the test's tmp dir."""
    base = {"home": Path.home(), "repo": REPO_ROOT, "tmp": tmp_path}[request.param]
    target = base / f"ghostline-escape-{uuid.uuid4().hex}"
    yield target
    if target.exists():
        target.unlink()


@pytest.mark.parametrize("outside", ["home", "repo", "tmp"], indirect=True)
def test_writing_outside_the_temp_dir_fails(outside: Path, namespaced: sandbox.Isolation) -> None:
    assert os.access(outside.parent, os.W_OK)  # the test itself could write there
    result = sandbox.run_program(f"open({str(outside)!r}, 'w').write('escaped')\n", using=namespaced)
    assert not outside.exists()  # the real file system is untouched
    # Under the system's temp dir (a checkout in /tmp), the sandbox has a private, empty /tmp of its own where
    # the interpreter's directories are mounted: a write there lands in that scratch space and vanishes.
    private = outside.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    assert result.status == "failed" or private, result.stderr


READS = (
    "import os\n"
    "read = []\n"
    "for path in {paths!r}:\n"
    "    try:\n"
    "        with open(path, 'rb') as f:\n"
    "            read.append((path, f.read(40)))\n"
    "    except OSError:\n"
    "        pass\n"
    "assert read == [], read\n"
)


@contextlib.contextmanager
def secrets(*dirs: Path) -> Iterator[list[str]]:
    """A mode-600 secret file in each of ``dirs`` (all removed afterwards, and the dirs made for them)."""
    made: list[Path] = []
    try:
        for d in dirs:
            if not d.exists():
                d.mkdir()
                made.append(d)
            made.append(d / f".ghostline-secret-{uuid.uuid4().hex}")
            made[-1].write_text("private")
            made[-1].chmod(0o600)
        yield [str(p) for p in made if p.is_file()]
    finally:
        for path in reversed(made):
            path.rmdir() if path.is_dir() else path.unlink()


def test_the_home_is_hidden(namespaced: sandbox.Isolation) -> None:
    with secrets(Path.home(), Path.home() / ".ssh-ghostline-test") as paths:
        result = sandbox.run_program(READS.format(paths=paths), using=namespaced)
    assert result.passed, result.stderr


def test_files_outside_the_home_are_not_visible_either(namespaced: sandbox.Isolation, tmp_path: Path) -> None:
    # Security review, issue 15 item 13: a mode-600 secret outside $HOME and /etc/shadow were read.
    with secrets(REPO_ROOT, tmp_path, Path("/var/tmp")) as paths:
        system = ["/etc/shadow", "/etc/passwd", "/etc/hostname", "/sys/kernel/notes"]
        result = sandbox.run_program(READS.format(paths=[*paths, *system]), using=namespaced)
    assert result.passed, result.stderr


def test_the_home_stays_hidden_when_the_temp_dir_lies_inside_it(
    namespaced: sandbox.Isolation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 15 item 13: with TMPDIR inside $HOME the home was not hidden at all (~/.ssh/id_rsa was read).
    inside = Path.home() / f".ghostline-tmp-{uuid.uuid4().hex}"
    inside.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(inside))
    try:
        with secrets(Path.home() / ".ssh-ghostline-test") as paths:
            result = sandbox.run_program(READS.format(paths=paths), using=namespaced)
    finally:
        monkeypatch.undo()
        inside.rmdir()
    assert result.passed, result.stderr


def test_the_program_cannot_undo_the_read_only_mounts(namespaced: sandbox.Isolation) -> None:
    program = (
        "import ctypes\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "assert libc.mount(None, b'/', None, 32 | 4096, None) == 0, 'remount refused'\n"
    )
    result = sandbox.run_program(program, using=namespaced)
    assert result.status == "failed" and "remount refused" in result.stderr
    program = "open('/proc/sys/vm/swappiness', 'w').write(open('/proc/sys/vm/swappiness').read())\n"
    assert not sandbox.run_program(program, using=namespaced).passed  # no sysctl of the host's


def test_no_new_user_namespace_gives_the_capabilities_back(namespaced: sandbox.Isolation) -> None:
    program = (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "assert libc.unshare(0x10000000 | 0x20000) != 0, 'a new user and mount namespace'\n"
    )
    result = sandbox.run_program(program, using=namespaced)
    assert result.passed, result.stderr


def test_opening_a_socket_to_a_local_listener_fails(namespaced: sandbox.Isolation) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # the listener is reachable from outside the sandbox
        program = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
        result = sandbox.run_program(program, using=namespaced)
    assert result.status == "failed"
    assert "OSError" in result.stderr or "ConnectionRefusedError" in result.stderr


def test_unix_sockets_of_the_host_are_out_of_reach(namespaced: sandbox.Isolation, tmp_path: Path) -> None:
    # Issue 15 item 14: sockets in /tmp (ssh-agent, docker, X11, D-Bus) were reachable.
    places = [tmp_path / "agent.sock"]
    if os.access("/run", os.W_OK):
        places.append(Path(f"/run/ghostline-test-{uuid.uuid4().hex}.sock"))
    listeners = []
    try:
        for place in places:
            listeners.append(socket.socket(socket.AF_UNIX))
            listeners[-1].bind(str(place))
            listeners[-1].listen()
        abstract = f"\0ghostline-test-{uuid.uuid4().hex}"
        listeners.append(socket.socket(socket.AF_UNIX))
        listeners[-1].bind(abstract)
        listeners[-1].listen()
        program = (
            "import os, socket, stat\n"
            "reached = []\n"
            f"for address in {[str(p) for p in places] + [abstract]!r}:\n"
            "    try:\n"
            "        socket.socket(socket.AF_UNIX).connect(address)\n"
            "        reached.append(address)\n"
            "    except OSError:\n"
            "        pass\n"
            "for top in ('/tmp', '/run', '/var/run'):\n"
            "    for root, dirs, files in os.walk(top):\n"
            "        reached += [os.path.join(root, f) for f in files\n"
            "                    if stat.S_ISSOCK(os.lstat(os.path.join(root, f)).st_mode)]\n"
            "assert reached == [], reached\n"
        )
        result = sandbox.run_program(program, using=namespaced)
    finally:
        for listener in listeners:
            listener.close()
        for place in places:
            place.unlink(missing_ok=True)
    assert result.passed, result.stderr


MEMORY_HOG = (
    "import os, time\n"
    "r, w = os.pipe()\n"
    "for _ in range(3):\n"
    "    if os.fork() == 0:\n"
    "        os.close(r)\n"
    "        block = b'x' * (300 << 20)\n"
    "        os.write(w, b'1')\n"
    "        time.sleep(1.5)\n"
    "        os._exit(0)\n"
    "os.close(w)\n"
    "got = b''\n"
    "while chunk := os.read(r, 3):\n"
    "    got += chunk\n"
    "assert got == b'111', f'{len(got)} of 3 children held 300 MiB'\n"
)


def test_memory_is_capped_for_the_whole_sandbox_not_per_process(any_kind: sandbox.Isolation) -> None:
    # Issue 15 item 15: three children of 300 MiB each fitted under a 512 MiB cap (it was per process).
    result = sandbox.run_program(MEMORY_HOG, sandbox.Limits(timeout_s=20, memory_mb=512), using=any_kind)
    assert result.status == "failed", result.stderr
    if any_kind.memory_cgroup:
        assert "memory limit reached (512 MiB in all)" in result.stderr


def test_without_a_memory_cgroup_fewer_processes_share_the_memory(namespaced: sandbox.Isolation) -> None:
    bare = dataclasses.replace(namespaced, memory_cgroup=False, pids_cgroup=False)
    result = sandbox.run_program(MEMORY_HOG, sandbox.Limits(timeout_s=20, memory_mb=512), using=bare)
    assert result.status == "failed" and "MemoryError" in result.stderr  # 256 MiB a process, 2 processes
    assert sandbox.Limits(memory_mb=512).shares(memory_cgroup=False) == (2, 256)


def test_everything_written_together_is_capped(namespaced: sandbox.Isolation) -> None:
    # Issue 15 item 15: only each file's size was capped; now the private /tmp is a tmpfs of disk_mb.
    program = (
        "for i in range(6):\n    with open(f'part{i}', 'wb') as f:\n        f.write(b'x' * (10 << 20))\n"
    )
    result = sandbox.run_program(program, sandbox.Limits(file_mb=16, disk_mb=32), using=namespaced)
    assert result.status == "failed" and "No space left on device" in result.stderr


SETSID_ESCAPE = (
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    if os.fork() == 0:\n"
    "        import time\n"
    "        time.sleep(60)\n"
    "    os._exit(0)\n"
    "import time\n"
    "time.sleep(0.3)\n"
)


@pytest.mark.parametrize("cgroups", [True, False], ids=["with-cgroups", "without-cgroups"])
@pytest.mark.parametrize("ends", ["exit", "timeout"])
def test_without_namespaces_a_setsid_grandchild_dies_too(cgroups: bool, ends: str) -> None:
    # Issue 15 item 16: in the no-namespace fallback a setsid child survived.
    bare = sandbox.probe("none")
    if not cgroups:
        bare = dataclasses.replace(bare, memory_cgroup=False, pids_cgroup=False)
    program, tag = tagged(SETSID_ESCAPE + ("while True:\n    pass\n" if ends == "timeout" else ""))
    result = sandbox.run_program(program, sandbox.Limits(timeout_s=2), using=bare)
    assert result.isolation == "none"
    assert result.status == ("passed" if ends == "exit" else "timeout"), result.stderr
    time.sleep(0.2)
    assert leftovers(tag) == []


def test_protections_say_what_is_enforced() -> None:
    lines = sandbox.protections(sandbox.Limits(timeout_s=3, memory_mb=512))
    text = "\n".join(lines)
    assert "timeout 3 s" in text and "RLIMIT_AS 512 MiB" in text
    assert lines[0].startswith(f"isolation: {ISO.kind}")
    assert any("network" in line for line in lines)
    if ISO.namespaces:
        assert "network: none" in text and "a new empty root" in text and "no home" in text
    else:
        assert "NOT enforced: network" in text
    if ISO.memory_cgroup:
        assert "512 MiB for the whole sandbox" in text
    else:
        assert "at most 2 processes × 256 MiB" in text
