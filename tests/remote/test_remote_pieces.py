"""Remote backend pieces that need no server: URLs, prompt splitting, FIM by name, SSE, settings."""

from __future__ import annotations

import io

import pytest

from ghostline import config
from ghostline.model import fim
from ghostline.model.errors import ModelError
from ghostline.model.remote import FimParts, split_prompt
from ghostline.model.remote_http import Endpoint, _sse_data


def test_endpoint_drops_v1_and_hides_the_key() -> None:
    endpoint = Endpoint.parse("https://gpu-box.lan/llm/v1/", api_key="s3cret")
    assert (endpoint.scheme, endpoint.host, endpoint.port, endpoint.base) == (
        "https",
        "gpu-box.lan",
        443,
        "/llm",
    )
    assert "s3cret" not in repr(endpoint)
    assert endpoint.headers()["Authorization"] == "Bearer s3cret"
    assert "Authorization" not in Endpoint.parse("http://h:8080").headers()


def test_endpoint_rejects_what_is_not_http() -> None:
    with pytest.raises(ModelError, match=r"remote\.url"):
        Endpoint.parse("gpu-box:8080")


def test_split_prompt_undoes_the_fim_layout_with_file_chunks() -> None:
    qwen = fim.by_name("qwen")
    assert qwen is not None
    files = "<|file_sep|>lib/a.py\ndef helper():\n    pass\n<|file_sep|>src/main.py\n"
    prompt = files + qwen.build("import a\n\nx = ", "\nprint(x)\n", "    y")
    parts = split_prompt(prompt, qwen)
    assert parts == FimParts(
        (("lib/a.py", "def helper():\n    pass"),), "import a\n\nx = ", "\nprint(x)\n", "    y"
    )


def test_split_prompt_suffix_first_and_missing_markers() -> None:
    codestral = fim.by_name("codestral")
    assert codestral is not None
    parts = split_prompt(codestral.build("def f():", "\nf()\n", "  re"), codestral)
    assert parts is not None and (parts.prefix, parts.suffix) == ("def f():  re", "\nf()\n")
    starcoder = fim.by_name("starcoder")
    assert starcoder is not None
    assert split_prompt("plain prefix-only prompt", starcoder) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Qwen/Qwen2.5-Coder-7B", "qwen"),
        ("qwen2.5-coder:1.5b-base", "qwen"),
        ("bigcode/starcoder2-15b", "starcoder"),
        ("codellama:7b-code", "codellama"),
        ("deepseek-coder-6.7b-base", "deepseek"),
        ("llama3.1:8b", None),
    ],
)
def test_fim_guess_by_served_model_name(name: str, expected: str | None) -> None:
    guessed = fim.guess(name)
    assert (guessed.name if guessed else None) == expected


def test_sse_parsing_skips_comments_and_stops_at_done() -> None:
    stream = io.BytesIO(
        b': ping\n\ndata: {"a": 1}\n\nevent: x\ndata: {"b":\ndata: 2}\n\ndata: [DONE]\n\ndata: {"c": 3}\n\n'
    )
    assert list(_sse_data(stream)) == [{"a": 1}, {"b": 2}]  # type: ignore[arg-type]


def test_remote_settings_are_validated() -> None:
    settings, problems = config.load(
        {"model": {"backend": "remote"}, "remote": {"url": "http://h:1", "api": "grpc", "verifyTls": "no"}}
    )
    assert settings.model.backend == "remote"
    assert settings.remote.url == "http://h:1"
    assert settings.remote.api == "auto" and settings.remote.verify_tls is True
    assert len(problems) == 2
