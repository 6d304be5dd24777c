"""The legacy ctransformers backend (optional extra): the GGUF files its 2023 llama.cpp can load.

ctransformers 0.2.27 (its last release, September 2023) bundles a llama.cpp from August 2023. Tried
here, it loads a llama-architecture GGUF with a SentencePiece vocabulary and its own output matrix; it
refuses tied embeddings (SmolLM2, Qwen2.5 0.5B), and a byte-level BPE vocabulary makes it crash the
whole process. So every file is checked against what that llama.cpp knew *before* it is handed over.
"""

from __future__ import annotations

import codecs
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ghostline.model import fim, resources
from ghostline.model.backend import Generation, GenerationStats, ModelFacts
from ghostline.model.errors import ModelError
from ghostline.model.gguf import GGUFInfo, read_header
from ghostline.model.stops import StopMatcher

ARCHITECTURES = ("llama",)
"""GGUF architectures the bundled llama.cpp loads through ctransformers' ``llama`` model type."""
LAST_KNOWN_TYPE = 15
"""ggml tensor types up to Q8_K existed in August 2023; later quantisations (IQ*, BF16 …) did not."""
USE_LLAMA = 'use the llama.cpp backend instead (model.backend = "llama", the default)'


def unsupported(header: GGUFInfo) -> str | None:
    """Why ctransformers 0.2.27 cannot load this GGUF file, or None when it can."""
    if header.architecture not in ARCHITECTURES:
        return f"its architecture '{header.architecture}' is newer than ctransformers' llama.cpp (2023)"
    tokenizer = header.metadata.get("tokenizer.ggml.model", "llama")
    if tokenizer != "llama":
        return f"its '{tokenizer}' (byte-level BPE) vocabulary crashes ctransformers' llama.cpp"
    if "output.weight" not in header.tensor_types:
        return "it ties the output matrix to the embeddings, which ctransformers' llama.cpp cannot"
    newer = sorted({t for t in header.tensor_types.values() if t > LAST_KNOWN_TYPE})
    if newer:
        return f"it uses ggml tensor types {newer}, newer than ctransformers' llama.cpp (2023)"
    return None


def _import_ctransformers() -> Any:
    try:
        import ctransformers
    except ImportError:
        raise ModelError(
            "model.backend is 'ctransformers' but ctransformers is not installed; install it with "
            "`pip install 'ghostline[ctransformers]'` (ctransformers 0.2.27), or " + USE_LLAMA,
            "model/backend-missing",
        ) from None
    return ctransformers


class CTransformersBackend:
    """A GGUF model through ctransformers; one lock serialises its calls (it is not thread-safe)."""

    def __init__(self, path: str, *, name: str = "", n_ctx: int = 2048, n_threads: int = 0) -> None:
        ctransformers = _import_ctransformers()
        header = read_header(path)
        if (reason := unsupported(header)) is not None:
            raise ModelError(
                f"ctransformers cannot load {os.path.basename(path)}: {reason}; {USE_LLAMA}",
                "model/unsupported",
            )
        resources.check_memory(header, n_ctx)
        self._threads = n_threads or resources.default_threads()
        try:
            self._llm: Any = ctransformers.AutoModelForCausalLM.from_pretrained(
                path, model_type="llama", context_length=n_ctx, threads=self._threads, gpu_layers=0
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"ctransformers could not load {os.path.basename(path)} ({exc}); {USE_LLAMA}",
                "model/unsupported",
            ) from None
        self._lock = threading.Lock()
        vocab = [self._piece(i) for i in range(self._llm.vocab_size)]
        self._eos = self._llm.eos_token_id
        self.facts = ModelFacts(
            name=name or os.path.basename(path),
            path=path,
            architecture=f"{header.architecture} (ctransformers)",
            context_length=header.arch_value("context_length"),
            n_ctx=n_ctx,
            fim=fim.detect(vocab),
            eos_tokens=tuple(vocab[i] for i in (self._eos,) if 0 <= i < len(vocab) and vocab[i]),
        )

    def _piece(self, token: int) -> str:
        return bytes(self._llm.detokenize([token], decode=False)).decode("utf-8", "replace")

    def tokenize(self, text: str) -> list[int]:
        """Tokens of ``text`` (ctransformers adds BOS for llama models)."""
        with self._lock:
            return list(self._llm.tokenize(text))

    def detokenize(self, tokens: list[int]) -> str:
        """Text of ``tokens``."""
        with self._lock:
            return bytes(self._llm.detokenize(tokens, decode=False)).decode("utf-8", "replace")

    def warm(self, prompt: str, should_stop: Callable[[], bool] | None = None) -> GenerationStats:
        """Nothing: ctransformers re-evaluates each prompt, so there is no cache to warm."""
        return GenerationStats(stopped_by="warm")

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
        """Stream the continuation of ``prompt`` (greedy when temperature is 0; no grammars)."""
        if grammar:
            raise ModelError(f"ctransformers does not take grammars; {USE_LLAMA}", "model/unsupported")
        stats = GenerationStats()
        pieces = self._run(prompt, max_tokens, stop, temperature, top_p, should_stop, stats)
        return Generation(pieces, stats)

    def close(self) -> None:
        """Drop the model."""
        with self._lock:
            self._llm = None

    def _run(
        self,
        prompt: str,
        max_tokens: int,
        stop: list[str] | None,
        temperature: float,
        top_p: float,
        should_stop: Callable[[], bool] | None,
        stats: GenerationStats,
    ) -> Iterator[str]:
        with self._lock:
            if self._llm is None:
                raise ModelError("the model was unloaded", "model/closed")
            start = time.perf_counter()
            tokens = list(self._llm.tokenize(prompt))
            stats.prompt_tokens = stats.evaluated_tokens = len(tokens)
            decoder, matcher = codecs.getincrementaldecoder("utf-8")("replace"), StopMatcher(stop)
            stats.stopped_by = "max_tokens"
            greedy = temperature <= 0
            sampled = self._llm.generate(
                tokens,
                top_k=1 if greedy else 40,
                top_p=top_p,
                temperature=temperature if not greedy else 1.0,
                repetition_penalty=1.0,
                threads=self._threads,
                reset=True,
            )
            try:
                for token in sampled:  # the generator itself stops at EOS
                    if should_stop is not None and should_stop():
                        stats.stopped_by = "should_stop"
                        break
                    stats.generated_tokens += 1
                    stats.first_token_ms = stats.first_token_ms or (time.perf_counter() - start) * 1000
                    if text := matcher.feed(
                        decoder.decode(bytes(self._llm.detokenize([token], decode=False)))
                    ):
                        yield text
                    if matcher.stopped:
                        stats.stopped_by = "stop"
                        break
                    if stats.generated_tokens >= max_tokens:
                        break
                else:
                    stats.stopped_by = "eos"
                if stats.stopped_by in ("eos", "max_tokens") and (tail := matcher.flush()):
                    yield tail
            finally:
                sampled.close()
                stats.total_ms = (time.perf_counter() - start) * 1000
