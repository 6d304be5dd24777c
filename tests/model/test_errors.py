"""Every model error gives a clear message (and an interrupted pull never leaves a file behind)."""

from __future__ import annotations

import logging
import os
import shutil
import struct
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from lsprotocol import types

from ghostline.config import ModelSettings, RemoteSettings
from ghostline.lsp.model_host import ModelHost
from ghostline.model import fetch, loader, registry
from ghostline.model.errors import ModelError
from ghostline.model.gguf import read_header
from ghostline.model.llama import LlamaBackend


def test_unknown_preset_lists_valid_ones() -> None:
    with pytest.raises(ModelError) as raised:
        registry.resolve("gpt-5")
    assert "qwen2.5-coder-0.5b" in raised.value.message and "smollm2-135m" in raised.value.message
    assert raised.value.code == "model/unknown"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found") as raised:
        registry.resolve(str(tmp_path / "nope.gguf"))
    assert raised.value.code == "model/missing"


def test_not_a_gguf_file(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_text("definitely not a model\n")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        LlamaBackend(str(fake))


@pytest.mark.model
def test_truncated_gguf(tmp_path: Path, smollm_path: Path) -> None:
    cut = tmp_path / "cut.gguf"
    with smollm_path.open("rb") as src, cut.open("wb") as dst:
        dst.write(src.read(20_000_000))
    with pytest.raises(ModelError, match="truncated or corrupt") as raised:
        LlamaBackend(str(cut))
    assert raised.value.code == "model/corrupt"


@pytest.mark.model
def test_architecture_llama_cpp_cannot_load(tmp_path: Path, smollm_path: Path) -> None:
    odd = tmp_path / "odd.gguf"
    shutil.copyfile(smollm_path, odd)
    with odd.open("r+b") as f:
        head = f.read(4096)
        at = head.index(b"general.architecture") + len(b"general.architecture") + 4 + 8
        assert head[at : at + 5] == b"llama"
        f.seek(at)
        f.write(b"zzzzz")
    with pytest.raises(ModelError, match="architecture 'zzzzz'") as raised:
        LlamaBackend(str(odd))
    assert raised.value.code == "model/unsupported"


@pytest.mark.model
def test_not_enough_memory_for_context(smollm_path: Path) -> None:
    with pytest.raises(ModelError, match="not enough memory for n_ctx") as raised:
        LlamaBackend(str(smollm_path), n_ctx=400_000_000)
    assert "model.nCtx" in raised.value.message


def test_not_downloaded_without_auto_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelError, match="ghostline model pull smollm2-135m"):
        loader.locate(ModelSettings(name="smollm2-135m", auto_pull=False))


@pytest.mark.model
def test_checksum_mismatch_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    real = registry.PRESETS["smollm2-135m"]
    wrong = registry.Preset(real.name, real.filename, real.size, "0" * 64, "", real.sources[1:])
    monkeypatch.setitem(registry.PRESETS, real.name, wrong)
    with pytest.raises(ModelError, match="sha256 mismatch"):
        fetch.pull(registry.resolve(real.name))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.model
def test_interrupted_pull_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    messages: list[str] = []

    def interrupt(done: int, total: int, message: str) -> None:
        messages.append(message)
        if "(3/6)" in message:
            raise KeyboardInterrupt

    resolved = registry.resolve("qwen2.5-coder-0.5b")
    with pytest.raises(KeyboardInterrupt):
        fetch.pull(resolved, interrupt)
    assert any("(2/6)" in m for m in messages)
    assert not resolved.path.exists()
    assert list(tmp_path.iterdir()) == []


def _kv(key: bytes, kind: int, value: bytes) -> bytes:
    return struct.pack("<Q", len(key)) + key + struct.pack("<I", kind) + value


FORGED = {  # GGUF v3 header bodies after magic and version: (tensor count, metadata count, entries)
    "key length 2^62": (struct.pack("<QQQ", 0, 1, 2**62) + b"general", "metadata key #0"),
    "tensor count 2^62": (struct.pack("<QQ", 2**62, 0), "tensor count of 4,611,686,018,427,387,904"),
    "string past the end": (
        struct.pack("<QQ", 0, 1) + _kv(b"general.name", 8, struct.pack("<Q", 1000) + b"Smol"),
        "string value of general.name",
    ),
    "array of 2^60 floats": (
        struct.pack("<QQ", 0, 1) + _kv(b"tokenizer.ggml.scores", 9, struct.pack("<IQ", 6, 2**60)),
        "array tokenizer.ggml.scores of 1,152,921,504,606,846,976 elements",
    ),
    "array of 2^60 strings": (
        struct.pack("<QQ", 0, 1) + _kv(b"tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 2**60)),
        "array tokenizer.ggml.tokens of 1,152,921,504,606,846,976 elements",
    ),
}


@pytest.mark.parametrize("case", list(FORGED))
def test_forged_header_lengths_are_model_errors(tmp_path: Path, case: str) -> None:
    body, what = FORGED[case]
    forged = tmp_path / "forged.gguf"
    forged.write_bytes(b"GGUF" + struct.pack("<I", 3) + body + bytes(64))
    with pytest.raises(ModelError) as raised:
        read_header(str(forged))  # was MemoryError / ValueError for the key and the array
    assert raised.value.code == "model/corrupt"
    assert what in raised.value.message and "past the end of the file" in raised.value.message
    with pytest.raises(ModelError, match="truncated or corrupt"):
        loader.load(ModelSettings(name=str(forged)))


def test_nested_arrays_and_odd_alignment_are_corrupt(tmp_path: Path) -> None:
    nested = tmp_path / "nested.gguf"
    nested.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + _kv(b"a", 9, struct.pack("<IQ", 9, 2)))
    with pytest.raises(ModelError, match="array of arrays"):
        read_header(str(nested))
    odd = tmp_path / "odd.gguf"
    odd.write_bytes(
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + _kv(b"general.alignment", 4, struct.pack("<I", 0))
    )
    with pytest.raises(ModelError, match=r"general\.alignment is 0"):
        read_header(str(odd))


def test_nonsense_context_size_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"model\.nCtx must be at least 1") as raised:
        LlamaBackend(str(tmp_path / "any.gguf"), n_ctx=-5)  # not "upgrade llama-cpp-python"
    assert raised.value.code == "model/bad-setting"


def test_directory_is_not_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for attempt in (registry.resolve, read_header, lambda p: loader.load(ModelSettings(name=p))):
        with pytest.raises(ModelError, match="is a directory") as raised:
            attempt(str(tmp_path))
        assert raised.value.code == "model/is-directory"
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    (tmp_path / registry.PRESETS["smollm2-135m"].filename).mkdir()
    with pytest.raises(ModelError, match="is a directory"):  # pulling over it would not help
        loader.locate(ModelSettings(name="smollm2-135m", auto_pull=False))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "model.gguf"
    os.mkfifo(fifo)
    errors: list[ModelError] = []

    def attempts() -> None:  # opening a FIFO for reading blocks until a writer comes: never do it
        for attempt in (registry.resolve, read_header, lambda p: loader.load(ModelSettings(name=p))):
            try:
                attempt(str(fifo))
            except ModelError as exc:
                errors.append(exc)

    thread = threading.Thread(target=attempts, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "a FIFO was opened and the read blocked"
    assert [e.code for e in errors] == ["model/not-regular-file"] * 3
    assert all("is not a regular file (a named pipe (FIFO))" in e.message for e in errors)


class _FakeServer:
    """Just enough of a LanguageServer for ModelHost: records notifications, progress and messages."""

    def __init__(self) -> None:
        window = types.WindowClientCapabilities(work_done_progress=True)
        self.client_capabilities = types.ClientCapabilities(window=window)
        self.messages: list[types.ShowMessageParams] = []
        self.progress: list[Any] = []

        async def create_async(token: str) -> None:
            return None

        def record(token: str, value: Any) -> None:
            self.progress.append(value)

        progress = SimpleNamespace(
            create_async=create_async, begin=record, report=record, end=record, tokens={}
        )
        self.protocol = SimpleNamespace(notify=lambda method, params: None, progress=progress)

    def window_show_message(self, params: types.ShowMessageParams) -> None:
        self.messages.append(params)


async def test_any_exception_while_loading_ends_in_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: object) -> None:
        raise MemoryError

    monkeypatch.setattr(loader, "load", explode)
    server = _FakeServer()
    host = ModelHost(server)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, "ghostline"):
        host.start(ModelSettings(name="forged.gguf"), RemoteSettings())
        assert host.loading is not None
        await host.loading  # raised MemoryError, leaving the state "loading"
    assert host.state == "error" and "MemoryError" in host.message
    [message] = server.messages
    assert message.type == types.MessageType.Error and "forged.gguf" in message.message
    assert isinstance(server.progress[0], types.WorkDoneProgressBegin)
    [end] = [v for v in server.progress if isinstance(v, types.WorkDoneProgressEnd)]
    assert end.message == "failed" and server.progress[-1] is end
    [record] = [r for r in caplog.records if "forged.gguf" in r.getMessage()]
    assert record.exc_info is not None  # the traceback goes to the server log


async def test_unexpected_error_while_reconnecting_ends_in_error(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def load(*args: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ModelError("server away", "remote/unreachable")
        raise RuntimeError("bug")

    monkeypatch.setattr(loader, "load", load)
    monkeypatch.setattr("ghostline.lsp.model_host.RECONNECT_FIRST_S", 0.0)
    server = _FakeServer()
    host = ModelHost(server)  # type: ignore[arg-type]
    host.start(ModelSettings(backend="remote"), RemoteSettings())
    assert host.loading is not None
    await host.loading
    assert host.state == "error" and "RuntimeError: bug" in host.message
    assert len(server.messages) == 2  # "retrying in the background", then the failure
