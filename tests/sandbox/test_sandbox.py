"""The sandbox contains what untrusted programs try: each limit is proven by a program that breaks it."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ghostline import sandbox
from ghostline.eval.datasets import REPO_ROOT

ISO = sandbox.isolation()
needs_namespaces = pytest.mark.skipif(not ISO.namespaces, reason=f"no namespaces here: {ISO.reason}")


def sandboxed_processes() -> list[int]:
    """Processes whose command line names a sandbox directory (ours: no other sandbox runs meanwhile)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"ghostline-sandbox-" in cmdline:
                found.append(int(entry.name))
    return found


def test_a_correct_program_passes_and_a_failing_assert_fails() -> None:
    ok = sandbox.run_program("def f(x):\n    return x * 2\n\nassert f(2) == 4\n")
    assert ok.status == "passed" and ok.passed and ok.returncode == 0
    bad = sandbox.run_program("assert 1 + 1 == 3, 'arithmetic'\n")
    assert bad.status == "failed" and not bad.passed
    assert "AssertionError: arithmetic" in bad.stderr


def test_an_infinite_loop_times_out() -> None:
    result = sandbox.run_program("while True:\n    pass\n", sandbox.Limits(timeout_s=1))
    assert result.status == "timeout" and not result.passed
    assert 1 <= result.seconds < 4
    assert sandboxed_processes() == []


def test_a_fork_bomb_is_contained_and_scored_as_a_failure() -> None:
    bomb = "import os\nwhile True:\n    os.fork()\n"
    result = sandbox.run_program(bomb, sandbox.Limits(timeout_s=3))
    assert result.status in ("failed", "timeout") and not result.passed
    assert sandboxed_processes() == []  # nothing left behind
    assert sandbox.run_program("print('still fine')").passed  # and the machine still runs programs
    leftovers = [p.name for p in Path("/sys/fs/cgroup/pids").glob("ghostline-sandbox-*")]
    assert leftovers == []


def test_a_10_gb_allocation_fails_with_memory_error() -> None:
    result = sandbox.run_program("data = bytearray(10 * 1024**3)\nprint(len(data))\n")
    assert result.status == "failed"
    assert "MemoryError" in result.stderr


def test_a_huge_file_is_cut_by_the_file_size_limit() -> None:
    program = "with open('big', 'wb') as f:\n    f.write(b'x' * (64 * 1024 * 1024))\n"
    result = sandbox.run_program(program, sandbox.Limits(file_mb=4))
    assert result.status == "failed"


def test_the_temp_dir_is_the_writable_home_and_the_environment_is_scrubbed() -> None:
    program = (
        "import os, pathlib\n"
        "pathlib.Path('out.txt').write_text('ok')\n"
        "assert pathlib.Path('out.txt').read_text() == 'ok'\n"
        "assert pathlib.Path.home() == pathlib.Path.cwd(), (pathlib.Path.home(), os.getcwd())\n"
        "assert 'GHOSTLINE_SECRET' not in os.environ\n"
    )
    os.environ["GHOSTLINE_SECRET"] = "1"
    try:
        result = sandbox.run_program(program)
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


@needs_namespaces
@pytest.mark.parametrize("outside", ["home", "repo", "tmp"], indirect=True)
def test_writing_outside_the_temp_dir_fails(outside: Path) -> None:
    assert os.access(outside.parent, os.W_OK)  # the test itself could write there
    result = sandbox.run_program(f"open({str(outside)!r}, 'w').write('escaped')\n")
    assert result.status == "failed", result.stderr
    assert not outside.exists()


@needs_namespaces
def test_the_home_is_hidden() -> None:
    if "home" not in ISO.steps:
        pytest.skip("the temp dir lies inside the home here, so it is not hidden")
    secret = Path.home() / f".ghostline-probe-{uuid.uuid4().hex}"
    secret.write_text("private")
    try:
        result = sandbox.run_program(f"print(open({str(secret)!r}).read())\n")
    finally:
        secret.unlink()
    assert result.status == "failed" and "FileNotFoundError" in result.stderr


@needs_namespaces
def test_the_program_cannot_undo_the_read_only_mounts() -> None:
    program = (
        "import ctypes\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "assert libc.mount(None, b'/', None, 32 | 4096, None) == 0, 'remount refused'\n"
    )
    result = sandbox.run_program(program)
    assert result.status == "failed" and "remount refused" in result.stderr


def test_opening_a_socket_to_a_local_listener_fails() -> None:
    if not ISO.namespaces:
        pytest.skip(f"this OS gives no network namespace, so the network is not isolated: {ISO.reason}")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # the listener is reachable from outside the sandbox
        program = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
        result = sandbox.run_program(program)
    assert result.status == "failed"
    assert "OSError" in result.stderr or "ConnectionRefusedError" in result.stderr


def test_protections_say_what_is_enforced() -> None:
    lines = sandbox.protections(sandbox.Limits(timeout_s=3, memory_mb=512))
    text = "\n".join(lines)
    assert "timeout 3 s" in text and "RLIMIT_AS 512 MiB" in text
    if ISO.namespaces:
        assert "network: none" in text
    else:
        assert "NOT enforced" in text
