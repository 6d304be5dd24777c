"""The remote backend: a shared inference server (llama-server, vLLM, Ollama) over HTTP."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ghostline.config import RemoteSettings
from ghostline.model.backend import Generation, GenerationStats, ModelFacts
from ghostline.model.errors import ModelError
from ghostline.model.fim import FimFormat
from ghostline.model.remote_http import Endpoint, HttpError, Stream
from ghostline.model.remote_probe import LLAMA_CPP, LLAMA_CPP_PYTHON, OLLAMA, ServerInfo, probe
from ghostline.model.stops import StopMatcher

log = logging.getLogger("ghostline")
PSEUDO_TOKEN_BYTES = 3
"""Without a tokenizer endpoint, one pseudo-token stands for this many UTF-8 bytes (BPE on code: ~3-4)."""
_FINISH = {"stop": "eos", "eos": "eos", "length": "max_tokens", "limit": "max_tokens", "word": "stop"}


@dataclass(frozen=True)
class FimParts:
    """A FIM prompt taken apart again, for servers that build the prompt themselves."""

    extra: tuple[tuple[str, str], ...]
    """(file name, text) of each cross-file chunk."""
    prefix: str
    suffix: str
    middle: str


def split_prompt(prompt: str, fmt: FimFormat) -> FimParts | None:
    """Undo ``FimFormat.build`` (and the file chunks before it); None when the markers are not in place."""
    if fmt.order == "psm":
        at_prefix = prompt.find(fmt.prefix)
        at_suffix = prompt.find(fmt.suffix, at_prefix + len(fmt.prefix))
        at_middle = prompt.find(fmt.middle, at_suffix + len(fmt.suffix))
        if min(at_prefix, at_suffix, at_middle) < 0:
            return None
        files, prefix = prompt[:at_prefix], prompt[at_prefix + len(fmt.prefix) : at_suffix]
        suffix = prompt[at_suffix + len(fmt.suffix) : at_middle]
        middle = prompt[at_middle + len(fmt.middle) :]
    else:
        at_suffix = prompt.find(fmt.suffix)
        at_prefix = prompt.find(fmt.prefix, at_suffix + len(fmt.suffix))
        if min(at_prefix, at_suffix) < 0:
            return None
        files, suffix = prompt[:at_suffix], prompt[at_suffix + len(fmt.suffix) : at_prefix]
        prefix, middle = prompt[at_prefix + len(fmt.prefix) :], ""
    return FimParts(_chunks(files, fmt.file_separator), prefix, suffix, middle)


def _chunks(files: str, separator: str) -> tuple[tuple[str, str], ...]:
    if not files:
        return ()
    if not separator or not files.startswith(separator):
        return (("", files),)
    entries = files.split(separator)[1:-1]  # the last entry names the current file
    return tuple((name, text.removesuffix("\n")) for name, _, text in (e.partition("\n") for e in entries))


def api_key(settings: RemoteSettings) -> str:
    """The key from the environment variable named by ``remote.apiKeyEnv`` ('' when none is set)."""
    if not settings.api_key_env:
        return ""
    key = os.environ.get(settings.api_key_env, "")
    if not key:
        raise ModelError(
            f"remote.apiKeyEnv names ${settings.api_key_env}, which is not set in the environment "
            "Ghostline runs in",
            "remote/auth",
        )
    return key


class RemoteBackend:
    """An inference server behind the Backend protocol; thread-safe (each request has its connection)."""

    def __init__(self, settings: RemoteSettings) -> None:
        self.settings = settings
        self.endpoint = Endpoint.parse(
            settings.url, api_key(settings), settings.timeout_ms / 1000, settings.verify_tls
        )
        self.info: ServerInfo = probe(self.endpoint, settings)
        self.api = self._choose_api()
        self._closed = False
        self.facts = ModelFacts(
            name=self.info.model or self.info.kind,
            path=self.endpoint.where,
            architecture=f"remote {self.info.kind} ({self.api})",
            context_length=self.info.n_ctx,
            n_ctx=self.info.n_ctx,
            fim=self.info.fim,
            eos_tokens=(),
        )

    def _choose_api(self) -> str:
        wanted = self.settings.api
        if wanted == "infill" and self.info.fim is None:
            raise ModelError(
                "remote.api is 'infill' but the served model has no fill-in-the-middle tokens "
                "(set remote.fim, or remote.api to 'openai')",
                "remote/api",
            )
        if wanted == "auto":
            return "infill" if self.info.kind == LLAMA_CPP and self.info.fim is not None else "openai"
        return wanted

    # -- tokens ---------------------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        """The server's tokens; without a tokenize endpoint, reversible pseudo-tokens (see below)."""
        if self.info.tokenizer is not None:
            return self.info.tokenizer.tokenize(self.endpoint, text, self.info.model)
        data = text.encode("utf-8", "surrogatepass")
        step = PSEUDO_TOKEN_BYTES
        return [int.from_bytes(b"\x01" + data[i : i + step], "big") for i in range(0, len(data), step)]

    def detokenize(self, tokens: list[int]) -> str:
        """Text of ``tokens`` (pseudo-tokens when the server has no tokenizer endpoint, e.g. Ollama)."""
        if self.info.tokenizer is not None:
            return self.info.tokenizer.detokenize(self.endpoint, tokens, self.info.model)
        data = b"".join(t.to_bytes((t.bit_length() + 7) // 8, "big")[1:] for t in tokens)
        return data.decode("utf-8", "replace")

    # -- generation -----------------------------------------------------------------------------------
    def generate(
        self,
        prompt: str,
        *,
        max_tokens: int = 128,
        stop: list[str] | None = None,
        temperature: float = 0.0,
        top_p: float = 1.0,
        grammar: str | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Generation:
        """Stream the continuation; ``should_stop`` is checked every few ms and closes the stream."""
        stops = list(dict.fromkeys([*(stop or []), *(self.facts.fim.stops if self.facts.fim else ())]))
        body = self._body(prompt, max_tokens, stops, temperature, top_p, grammar)
        stats = GenerationStats()
        return Generation(self._stream(body, stops, should_stop or (lambda: False), stats), stats)

    def warm(self, prompt: str, should_stop: Callable[[], bool] | None = None) -> GenerationStats:
        """llama-server: evaluate ``prompt`` into its cache (n_predict 0); other servers: nothing."""
        stats = GenerationStats(stopped_by="warm")
        if self.info.kind != LLAMA_CPP:
            return stats
        body = self._body(prompt, 0, [], 0.0, 1.0, None)
        try:
            for _ in self._stream(body, [], should_stop or (lambda: False), stats):
                pass
        except ModelError as exc:
            log.debug("warm-up on the server failed: %s", exc)
        stats.stopped_by = "warm" if stats.stopped_by != "should_stop" else "should_stop"
        return stats

    def close(self) -> None:
        """Nothing is held open between requests; later calls fail like an unloaded model's."""
        self._closed = True

    def _body(
        self,
        prompt: str,
        max_tokens: int,
        stops: list[str],
        temperature: float,
        top_p: float,
        grammar: str | None,
    ) -> tuple[str, dict[str, Any]]:
        """(path, JSON body) of the request for this server and API."""
        common: dict[str, Any] = {"temperature": temperature, "top_p": top_p, "stream": True, "stop": stops}
        if self.info.model:
            common["model"] = self.info.model
        if grammar:
            if self.info.kind not in (LLAMA_CPP, LLAMA_CPP_PYTHON):
                raise ModelError("this inference server does not take GBNF grammars", "remote/grammar")
            common["grammar"] = grammar
        parts = split_prompt(prompt, self.facts.fim) if self.facts.fim else None
        if self.api == "infill" and parts is not None:
            extra = [{"filename": name, "text": text} for name, text in parts.extra]
            return "/infill", {
                **common,
                "input_prefix": parts.prefix,
                "input_suffix": parts.suffix,
                "input_extra": extra,
                "prompt": parts.middle,
                "n_predict": max_tokens,
                "cache_prompt": True,
            }
        if self.info.kind == OLLAMA and parts is not None:  # Ollama's template places the FIM tokens itself
            context = "".join(text for _, text in parts.extra)
            body = {**common, "prompt": context + parts.prefix + parts.middle, "suffix": parts.suffix}
            return "/v1/completions", {**body, "max_tokens": max_tokens}
        cache = {"cache_prompt": True} if self.info.kind == LLAMA_CPP else {}
        return "/v1/completions", {**common, **cache, "prompt": prompt, "max_tokens": max_tokens}

    def _stream(
        self,
        request: tuple[str, dict[str, Any]],
        stops: list[str],
        should_stop: Callable[[], bool],
        stats: GenerationStats,
    ) -> Iterator[str]:
        if self._closed:
            raise ModelError("the model was unloaded", "model/closed")
        start = time.perf_counter()
        stopped = False

        def stop_now() -> bool:
            nonlocal stopped
            stopped = stopped or should_stop()
            return stopped

        stream = Stream(self.endpoint, *request)
        matcher, finished = StopMatcher(stops), False
        stats.stopped_by = "error"
        try:
            for event in stream.events(stop_now):
                piece, finish = _piece(event)
                if piece:
                    stats.first_token_ms = stats.first_token_ms or (time.perf_counter() - start) * 1000
                    stats.generated_tokens += 1
                    if text := matcher.feed(piece):
                        yield text
                    if matcher.stopped:
                        stats.stopped_by = "stop"
                        return
                if finish:
                    finished, stats.stopped_by = True, _FINISH.get(finish, finish)
                    _read_usage(event, stats)
            if stopped:
                stats.stopped_by = "should_stop"
                return
            if not finished:
                raise ModelError(
                    f"the inference server at {self.endpoint.where} ended the answer early", "remote/dropped"
                )
            if tail := matcher.flush():
                yield tail
        except HttpError as exc:
            raise _http_message(exc, self.endpoint.where) from None
        finally:
            stream.close()
            stats.total_ms = (time.perf_counter() - start) * 1000


def _piece(event: Any) -> tuple[str, str]:
    """(text, finish reason or '') of one streamed event (OpenAI and llama-server shapes)."""
    if not isinstance(event, dict):
        return "", ""
    if "error" in event:
        error = event["error"]
        message = error.get("message", error) if isinstance(error, dict) else error
        raise ModelError(f"the inference server reported: {message}", "remote/server")
    choices = event.get("choices")
    if isinstance(choices, list) and choices:
        choice = choices[0] if isinstance(choices[0], dict) else {}
        return str(choice.get("text") or ""), str(choice.get("finish_reason") or "")
    stop_type = str(event.get("stop_type") or "eos") if event.get("stop") else ""
    return str(event.get("content") or ""), stop_type


def _read_usage(event: dict[str, Any], stats: GenerationStats) -> None:
    """Prompt figures from llama-server's timings or an OpenAI ``usage`` block, when sent."""
    timings, usage = event.get("timings"), event.get("usage")
    if isinstance(timings, dict):
        stats.evaluated_tokens = int(timings.get("prompt_n") or 0)
        stats.prompt_ms = float(timings.get("prompt_ms") or 0.0)
        stats.prompt_tokens = int(event.get("tokens_evaluated") or stats.evaluated_tokens)
        stats.reused_tokens = max(0, stats.prompt_tokens - stats.evaluated_tokens)
    elif isinstance(usage, dict):
        stats.prompt_tokens = stats.evaluated_tokens = int(usage.get("prompt_tokens") or 0)


def _http_message(exc: HttpError, where: str) -> ModelError:
    """An error answer to a completion, naming the setting that most likely needs fixing."""
    if exc.status in (401, 403):
        hint = "check the key named by remote.apiKeyEnv"
    elif exc.status == 404:
        hint = "check remote.model and remote.url"
    elif exc.status in (400, 422):
        hint = "check remote.model, or set remote.api to 'openai'"
    else:
        hint = "the server failed; see its log"
    return ModelError(f"the inference server at {where} answered {exc} ({hint})", "remote/http")
