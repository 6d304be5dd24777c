"""The embedded llama.cpp backend: one persistent model owned by one worker thread, KV prefix reuse."""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ghostline.model import fim, heal, resources
from ghostline.model.adapter import check_adapter
from ghostline.model.backend import Generation, GenerationStats, ModelFacts
from ghostline.model.draft import last_logits, note_logprob, verify_draft
from ghostline.model.errors import ModelError
from ghostline.model.gguf import read_header
from ghostline.model.lookup import DRAFT_MIN_TOKENS, DraftPolicy, NgramIndex
from ghostline.model.merge import llama_weights
from ghostline.model.stops import StopMatcher
from ghostline.model.threads import CallPace, CpuMeter, ThreadTuner
from ghostline.model.worker import ModelWorker

_DONE = object()
EVAL_CHUNK = 64
"""Prompt tokens evaluated between checks of should_stop."""
FLUSH_EVERY = 8
"""Generated pieces passed on together when no line ends sooner."""


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
        import llama_cpp.llama as high_level
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ModelError(f"llama-cpp-python is not installed ({exc})", "model/backend-missing") from None
    # With verbose=False, llama-cpp-python silences loading by dup2-ing fds 1 and 2 to /dev/null for the
    # whole process; in a language server that swallows JSON-RPC written by other threads meanwhile.
    # So we always pass verbose=True and keep llama.cpp's own log quiet through its logger instead.
    high_level.set_verbose = _quiet_llama_log  # type: ignore[attr-defined]
    _quiet_llama_log(True)
    return llama_cpp


def _quiet_llama_log(verbose: bool) -> None:
    """llama.cpp log lines below ERROR are dropped (they would go to stderr)."""
    logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)


def gpu_offload_supported() -> bool:
    """Whether this llama.cpp build can offload layers (CUDA, Metal, Vulkan …)."""
    return bool(_import_llama_cpp().llama_supports_gpu_offload())


def decode_steps(stats: GenerationStats) -> int:
    """Model steps a generation has taken so far (what its decoding speed is measured in).

    Neither its first token (sampled from the prompt's logits: no step of its own) nor a drafted token the
    model accepted (checked in one batch with others) counts.
    """
    return max(stats.generated_tokens - stats.accepted_draft_tokens - 1, 0)


class LlamaBackend:
    """A GGUF model in-process. Every llama.cpp call runs on the one worker thread."""

    def __init__(
        self,
        path: str,
        *,
        name: str = "",
        n_ctx: int = 4096,
        n_threads: int = 0,
        n_gpu_layers: int = -1,
        flash_attn: bool = False,
        seed: int = 0,
        adapter: str = "",
        merge_adapter: bool = True,
        speculative: bool = True,
    ) -> None:
        if n_ctx < 1 or n_threads < 0:  # llama.cpp's own error would blame the model or this build
            raise ModelError(
                f"model.nCtx must be at least 1 and model.nThreads at least 0 (got {n_ctx} and {n_threads})",
                "model/bad-setting",
            )
        header = read_header(path)
        self.speculative = speculative
        self._seed, self._draws = seed, 0
        resources.check_memory(header, n_ctx)
        if adapter:
            check_adapter(adapter, header, name)  # llama.cpp would only log a mismatch, or crash on it
        weights, adapted = llama_weights(path, adapter, merge_adapter)
        self._worker = ModelWorker()
        layers = n_gpu_layers if n_gpu_layers >= 0 else (-1 if gpu_offload_supported() else 0)
        cores = resources.default_threads()
        self._tuner = ThreadTuner(cores, CpuMeter()) if not n_threads and layers == 0 else None
        """With ``model.nThreads`` 0 on the CPU: the thread count follows the free cores, call by call."""
        self._threads = n_threads or cores
        options = {
            "n_ctx": n_ctx,
            "n_threads": self._threads,
            "n_threads_batch": self._threads,
            "n_gpu_layers": layers,
            "flash_attn": flash_attn,
            "seed": seed,
            "n_batch": 512,
            "verbose": True,
            **adapted,
        }
        self._llm: Any = self._worker.call(lambda: self._load(weights, header.architecture, options))
        vocab = self._worker.call(self._vocabulary)
        fmt = fim.detect(vocab)
        eos = tuple(
            dict.fromkeys(t for t in (self._token_text(self._llm.token_eos()), self._eot_text()) if t)
        )
        self.facts = ModelFacts(
            name=name or os.path.basename(path),
            path=path,
            architecture=header.architecture,
            context_length=header.arch_value("context_length"),
            n_ctx=n_ctx,
            fim=fmt,
            eos_tokens=eos,
            n_gpu_layers=layers,
            adapter=adapter,
        )
        end_texts = set(eos) | set(fmt.stops if fmt else ())
        self._end_ids = {i for i, text in enumerate(vocab) if text in end_texts}
        self._firsts = heal.first_chars(vocab)
        self.healing = True
        """Token healing of prompts ending in a punctuation mark (``model/heal.py``); the raw baselines of
        ``ghostline eval`` turn it off, as a plain FIM call has none."""

    def _load(self, path: str, architecture: str, options: dict[str, Any]) -> Any:
        llama_cpp = _import_llama_cpp()
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # its Python-side banner (metadata, template)
                return llama_cpp.Llama(model_path=path, **options)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(
                f"llama.cpp {llama_cpp.__version__} could not load {os.path.basename(path)} "
                f"(architecture '{architecture}'): {exc}. The architecture may be newer than this "
                "llama-cpp-python build; upgrade it or pick another model.",
                "model/unsupported",
            ) from None

    def _vocabulary(self) -> list[str]:
        model = self._llm._model
        return [self._token_text(i) for i in range(model.n_vocab())]

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        raw = self._llm._model.token_get_text(token)
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)

    def _eot_text(self) -> str:
        return self._token_text(self._llm._model.token_eot())

    # -- Backend protocol ----------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        """Tokens of ``text``, special tokens recognised; BOS only when the model asks for one."""
        return list(self._llm.tokenize(text.encode("utf-8", "surrogatepass"), add_bos=True, special=True))

    def detokenize(self, tokens: list[int]) -> str:
        """Text of ``tokens``."""
        return bytes(self._llm.detokenize(tokens)).decode("utf-8", "replace")

    def warm(self, prompt: str, should_stop: Callable[[], bool] | None = None) -> GenerationStats:
        """Evaluate ``prompt`` into the KV cache and generate nothing (stops early when asked)."""
        stats = GenerationStats()

        def job() -> bool:
            self._choose_threads()
            return self._evaluate(self.tokenize(prompt), stats, should_stop)

        self._worker.call(job)
        stats.stopped_by = stats.stopped_by or "warm"
        return stats

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
        """Stream the continuation of ``prompt``; ``should_stop`` is checked before every token."""
        out: queue.Queue[object] = queue.Queue()
        cancelled = threading.Event()
        stats = GenerationStats()

        def stop_now() -> bool:
            return cancelled.is_set() or bool(should_stop and should_stop())

        def job() -> None:
            try:
                self._generate(
                    prompt, max_tokens, stop, temperature, top_p, grammar, stop_now, out.put, stats
                )
            except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer
                stats.stopped_by = "error"
                out.put(exc)
            finally:
                out.put(_DONE)

        def fail(exc: BaseException) -> None:
            out.put(exc)
            out.put(_DONE)

        self._worker.submit(job, fail)
        return Generation(_drain(out, cancelled), stats)

    def close(self) -> None:
        """Stop the worker and free the model."""
        if self._worker.alive and not self._worker.closed:
            self._worker.call(self._free)
            self._worker.close()

    def _free(self) -> None:
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    # -- on the worker thread ------------------------------------------------------------------------
    def _evaluate(
        self, tokens: list[int], stats: GenerationStats, should_stop: Callable[[], bool] | None = None
    ) -> bool:
        """Bring the KV cache to ``tokens``, re-evaluating only what differs from what it holds.

        Evaluates in chunks so that ``should_stop`` can end it early; returns False when it did.
        """
        llm = self._llm
        if len(tokens) >= llm.n_ctx():
            raise ModelError(
                f"prompt of {len(tokens)} tokens does not fit the context window of {llm.n_ctx()} "
                "(raise model.nCtx or shorten the context)",
                "model/prompt-too-long",
            )
        start = time.perf_counter()
        cached = llm._input_ids[: llm.n_tokens].tolist()
        common = 0
        for a, b in zip(cached, tokens, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(tokens) - 1)  # the last token is re-evaluated for fresh logits
        llm.n_tokens = common
        stats.prompt_tokens, stats.reused_tokens = len(tokens), common
        finished = True
        for at in range(common, len(tokens), EVAL_CHUNK):
            if should_stop is not None and should_stop():
                stats.stopped_by, finished = "should_stop", False
                break
            llm.eval(tokens[at : at + EVAL_CHUNK])
        stats.evaluated_tokens = llm.n_tokens - common
        stats.prompt_ms = (time.perf_counter() - start) * 1000
        return finished

    def _generate(
        self,
        prompt: str,
        max_tokens: int,
        stop: list[str] | None,
        temperature: float,
        top_p: float,
        grammar: str | None,
        should_stop: Callable[[], bool],
        emit: Callable[[object], None],
        stats: GenerationStats,
    ) -> None:
        llama_cpp, llm = _import_llama_cpp(), self._llm
        start = time.perf_counter()
        stats.threads = self._choose_threads()
        tokens, healed = self.tokenize(prompt), ""
        if self.healing:
            tokens, healed = heal.heal(tokens, self._token_text)
        if not self._evaluate(tokens, stats, should_stop):
            stats.total_ms = (time.perf_counter() - start) * 1000
            return
        pace = CallPace(self._tuner, self._threads) if self._tuner is not None else None
        compiled = llama_cpp.LlamaGrammar.from_string(grammar, verbose=True) if grammar else None
        if temperature > 0:  # each sampled call draws anew (same sequence of draws for the same seed)
            self._draws += 1
            llm.set_seed(self._seed + self._draws)
        llm._sampler = llm._init_sampler(
            top_k=0 if temperature > 0 else 1,
            top_p=top_p,
            min_p=0.0,
            temp=temperature,
            repeat_penalty=1.0,
            grammar=compiled,
        )
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        matcher = StopMatcher(stop)
        stats.stopped_by = "max_tokens"
        index = (
            NgramIndex(llm._input_ids[: llm.n_tokens].tolist())
            if self._speculate(temperature, grammar, max_tokens)
            else None
        )

        pending: list[str] = []
        skip = [len(healed)]

        def send(text: str, flush: bool = False) -> None:
            """Pass text on by whole lines (or every few tokens).

            Waking the reader for every token takes a core from llama.cpp's threads on a small machine.
            """
            pending.append(text)
            if flush or "\n" in text or len(pending) >= FLUSH_EVERY:
                if joined := "".join(pending):
                    emit(joined)
                pending.clear()

        def take(token: int) -> bool:
            """Handle one generated token; False once generation must end."""
            if should_stop():
                stats.stopped_by = "should_stop"
                return False
            if token in self._end_ids or llama_cpp.llama_vocab_is_eog(llm._model.vocab, token):
                stats.stopped_by = "eos"
                return False
            if stats.generated_tokens == 0:
                stats.first_token_ms = (time.perf_counter() - start) * 1000
            stats.generated_tokens += 1
            steps = decode_steps(stats)
            if pace is not None and (fewer := pace.tick(steps)) is not None:
                self._set_threads(fewer)  # crawling beside another program: one thread fewer, now
            piece = decoder.decode(bytes(llm.detokenize([token])))
            if skip[0]:  # the healed character starts the first token: the prompt had it already
                cut = min(skip[0], len(piece))
                piece, skip[0] = piece[cut:], skip[0] - cut
            stats.token_ends.append((stats.token_ends[-1] if stats.token_ends else 0) + len(piece))
            if text := matcher.feed(piece):
                send(text)
            if matcher.stopped:
                stats.stopped_by = "stop"
                return False
            return stats.generated_tokens < max_tokens

        policy = DraftPolicy()

        def sample() -> int:
            token = int(llm.sample())
            note_logprob(last_logits(llama_cpp, llm), token, stats)  # how sure: the stay-silent gate's cue
            return token

        try:
            token = self._healed_first(healed, temperature, stats) if healed else sample()
            while take(token):
                if index is not None:
                    index.append(token)
                allowance = policy.allowance() if index is not None else 0
                draft = index.draft(allowance) if index is not None and allowance else []
                if index is not None and draft:
                    accepted = stats.accepted_draft_tokens
                    token = verify_draft(_import_llama_cpp(), self._llm, token, draft, index, take, stats)
                    policy.update(len(draft), stats.accepted_draft_tokens - accepted)
                    if token < 0:
                        break
                else:
                    llm.eval([token])
                    token = sample()
            send(matcher.feed(decoder.decode(b"", final=True)) + matcher.flush())
        finally:
            send("", flush=True)
            llm._sampler = None
            stats.total_ms = (time.perf_counter() - start) * 1000
            if pace is not None:
                pace.finish(decode_steps(stats))

    def _healed_first(self, mark: str, temperature: float, stats: GenerationStats) -> int:
        """The first token of a healed prompt (``model/heal.py``), its log-probability noted."""
        logits = last_logits(_import_llama_cpp(), self._llm)
        token, masked = heal.first_token(logits, self._firsts, mark, temperature, self._seed + self._draws)
        note_logprob(masked, token, stats)
        return token

    def _choose_threads(self) -> int:
        """Set llama.cpp's thread count for the next call (when it is automatic)."""
        if self._tuner is None:
            return self._threads
        self._set_threads(self._tuner.pick())
        return self._threads

    def _set_threads(self, threads: int) -> None:
        if threads != self._threads:
            _import_llama_cpp().llama_set_n_threads(self._llm._ctx.ctx, threads, threads)
            self._threads = threads

    @property
    def threads(self) -> int:
        """llama.cpp's thread count now."""
        return self._threads

    def _speculate(self, temperature: float, grammar: str | None, max_tokens: int) -> bool:
        """Prompt-lookup drafts apply to greedy generation without a grammar that may run long.

        Short answers (a rest of line) end before drafts pay for their verification: measured with
        ``ghostline bench latency``, drafting made them slower, and longer ones faster.
        """
        return self.speculative and temperature <= 0 and grammar is None and max_tokens >= DRAFT_MIN_TOKENS


def _drain(out: queue.Queue[object], cancelled: threading.Event) -> Iterator[str]:
    """Yield pieces from the worker until it is done; closing early cancels the generation."""
    try:
        while (item := out.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, str)
            yield item
    finally:
        cancelled.set()
