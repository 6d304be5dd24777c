"""What an inference server is: its kind, served model, context, tokenizer endpoints and FIM format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ghostline.config import RemoteSettings
from ghostline.model import fim
from ghostline.model.errors import ModelError
from ghostline.model.fim import FimFormat
from ghostline.model.remote_http import Endpoint, HttpError, call

LLAMA_CPP, LLAMA_CPP_PYTHON, VLLM = "llama.cpp", "llama-cpp-python", "vllm"
OLLAMA, OPENAI = "ollama", "openai"


@dataclass(frozen=True)
class Tokenizer:
    """One server's tokenize/detokenize endpoints: paths, request builders and answer fields."""

    tokenize_path: str
    tokenize_body: Callable[[str, str], dict[str, Any]]
    tokens_field: str
    detokenize_path: str
    detokenize_body: Callable[[list[int], str], dict[str, Any]]
    text_field: str

    def tokenize(self, endpoint: Endpoint, text: str, model: str) -> list[int]:
        """Token ids of ``text`` (special tokens recognised, no BOS where the server lets us say so)."""
        answer = call(endpoint, "POST", self.tokenize_path, self.tokenize_body(text, model))
        tokens = answer.get(self.tokens_field) if isinstance(answer, dict) else None
        if not isinstance(tokens, list):
            where = endpoint.where + self.tokenize_path
            raise ModelError(f"{where} answered without tokens", "remote/protocol")
        return [int(t["id"]) if isinstance(t, dict) else int(t) for t in tokens]

    def detokenize(self, endpoint: Endpoint, tokens: list[int], model: str) -> str:
        """Text of ``tokens``."""
        answer = call(endpoint, "POST", self.detokenize_path, self.detokenize_body(tokens, model))
        return str(answer.get(self.text_field, "")) if isinstance(answer, dict) else ""


TOKENIZERS = {
    LLAMA_CPP: Tokenizer(  # llama-server
        "/tokenize",
        lambda text, model: {"content": text, "add_special": False, "parse_special": True},
        "tokens",
        "/detokenize",
        lambda tokens, model: {"tokens": tokens},
        "content",
    ),
    VLLM: Tokenizer(
        "/tokenize",
        lambda text, model: {"model": model, "prompt": text, "add_special_tokens": False},
        "tokens",
        "/detokenize",
        lambda tokens, model: {"model": model, "tokens": tokens},
        "prompt",
    ),
    LLAMA_CPP_PYTHON: Tokenizer(
        "/extras/tokenize",
        lambda text, model: {"input": text, **({"model": model} if model else {})},
        "tokens",
        "/extras/detokenize",
        lambda tokens, model: {"tokens": tokens, **({"model": model} if model else {})},
        "text",
    ),
}


@dataclass(frozen=True)
class ServerInfo:
    """What the probe found."""

    kind: str
    model: str
    n_ctx: int
    tokenizer: Tokenizer | None
    fim: FimFormat | None


def _checked(exc: HttpError, endpoint: Endpoint, settings: RemoteSettings) -> ModelError:
    """An HTTP error at start-up turned into a message that names the setting to fix."""
    if exc.status in (401, 403):
        key = (
            f"the key in ${settings.api_key_env} (remote.apiKeyEnv)"
            if settings.api_key_env
            else "no key (set remote.apiKeyEnv to the name of an environment variable holding one)"
        )
        return ModelError(
            f"the inference server at {endpoint.where} refused {key}: HTTP {exc.status} {exc.detail}",
            "remote/auth",
        )
    return ModelError(f"the inference server at {endpoint.where} answered {exc}", "remote/http")


def probe(endpoint: Endpoint, settings: RemoteSettings) -> ServerInfo:
    """Ask the server what it serves; raises ModelError naming the setting to fix when it refuses."""
    try:
        listed = _models(endpoint)
        props = _optional(endpoint, "GET", "/props")
    except HttpError as exc:
        raise _checked(exc, endpoint, settings) from None
    ids = [str(m.get("id", "")) for m in listed]
    if settings.model and ids and settings.model not in ids:
        raise ModelError(
            f"remote.model is '{settings.model}', which the inference server at {endpoint.where} does not "
            f"serve; it serves: {', '.join(ids)}",
            "remote/model",
        )
    model = settings.model or (ids[0] if ids else "")
    entry = next((m for m in listed if m.get("id") == model), {})
    kind, n_ctx = _kind(endpoint, props, entry)
    tokenizer = _tokenizer(endpoint, kind, model)
    if kind == OPENAI and tokenizer is TOKENIZERS[LLAMA_CPP_PYTHON]:
        kind = LLAMA_CPP_PYTHON
    return ServerInfo(kind, model, n_ctx, tokenizer, _fim(endpoint, settings, tokenizer, model))


def _models(endpoint: Endpoint) -> list[dict[str, Any]]:
    answer = _optional(endpoint, "GET", "/v1/models")
    data = answer.get("data") if isinstance(answer, dict) else None
    return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []


def _optional(endpoint: Endpoint, method: str, path: str, body: Any = None) -> Any:
    """A JSON answer, or None when the server does not have this endpoint (404, 405, 501)."""
    try:
        return call(endpoint, method, path, body)
    except HttpError as exc:
        if exc.status in (404, 405, 501):
            return None
        raise


def _kind(endpoint: Endpoint, props: Any, entry: dict[str, Any]) -> tuple[str, int]:
    if isinstance(props, dict) and isinstance(props.get("default_generation_settings"), dict):
        return LLAMA_CPP, int(props["default_generation_settings"].get("n_ctx") or 0)
    owner = str(entry.get("owned_by", ""))
    if owner == "vllm":
        return VLLM, int(entry.get("max_model_len") or 0)
    if owner in ("library", "ollama") or _optional(endpoint, "GET", "/api/version") is not None:
        return OLLAMA, 0
    return OPENAI, 0


def _tokenizer(endpoint: Endpoint, kind: str, model: str) -> Tokenizer | None:
    """The first tokenizer endpoint that answers (kind's own first); None when the server has none."""
    order = [kind, *(k for k in TOKENIZERS if k != kind)] if kind != OLLAMA else []
    for name in order:
        tokenizer = TOKENIZERS.get(name)
        if tokenizer is None:
            continue
        try:
            tokenizer.tokenize(endpoint, "a", model)
        except HttpError as exc:
            if exc.status in (401, 403):
                raise
            continue
        except ModelError:
            continue
        return tokenizer
    return None


def _fim(
    endpoint: Endpoint, settings: RemoteSettings, tokenizer: Tokenizer | None, model: str
) -> FimFormat | None:
    """The setting when given; else the markers the server's vocabulary has; else a guess by name."""
    if settings.fim == "none":
        return None
    if settings.fim != "auto":
        return fim.by_name(settings.fim)
    if tokenizer is None:
        return fim.guess(model)
    base = len(tokenizer.tokenize(endpoint, "", model))

    def single(text: str) -> bool:  # one token: the vocabulary has it as a special token
        return len(tokenizer.tokenize(endpoint, text, model)) == base + 1

    for fmt in fim.FORMATS:
        if all(single(marker) for marker in fmt.markers):
            extras = [s for s in (*fmt.stops, fmt.file_separator) if s and single(s)]
            return fim.detect([*fmt.markers, *extras])
    return None
