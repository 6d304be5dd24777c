"""The one small Protocol every model backend implements, and the facts and stats it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ghostline.model.fim import FimFormat


@dataclass(frozen=True)
class ModelFacts:
    """What a loaded model is: where from, its context, architecture, FIM and end tokens."""

    name: str
    path: str
    architecture: str
    context_length: int
    n_ctx: int
    fim: FimFormat | None
    eos_tokens: tuple[str, ...]
    n_gpu_layers: int = 0
    adapter: str = ""

    @property
    def fim_mode(self) -> str:
        """``fim (<format>)`` or ``prefix-only`` for a model without FIM tokens."""
        return f"fim ({self.fim.name})" if self.fim else "prefix-only (no FIM tokens)"


@dataclass
class GenerationStats:
    """What one call cost: tokens seen, evaluated, reused from the KV cache, generated, and times."""

    prompt_tokens: int = 0
    evaluated_tokens: int = 0
    reused_tokens: int = 0
    generated_tokens: int = 0
    prompt_ms: float = 0.0
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    drafted_tokens: int = 0
    """Tokens guessed by prompt lookup and checked in one batch (greedy generation only)."""
    accepted_draft_tokens: int = 0
    """Of those, the ones the model agreed with (each saved a decoding step)."""
    stopped_by: str = ""
    """``eos``, ``stop``, ``max_tokens``, ``should_stop`` or ``error``."""
    threads: int = 0
    """CPU threads llama.cpp used (0: not a local CPU backend)."""
    token_logprobs: list[float] = field(default_factory=list)
    """Natural log-probability of each token the model chose, in order (embedded backend only)."""
    token_ends: list[int] = field(default_factory=list)
    """Characters of text written once each token was (the same order)."""

    def confidence(self, chars: int) -> tuple[float, float, float, int] | None:
        """(mean, least, first log-probability, count) of the tokens that wrote the first ``chars`` chars.

        None when the backend gives no log-probabilities. Tokens written after them (a part the stop rules
        cut away) do not count: how sure the model was of what is shown, not of what it rambled on to.
        """
        starts = [0, *self.token_ends]
        shown = [lp for lp, start in zip(self.token_logprobs, starts, strict=False) if start < chars]
        if not shown:
            return None
        return sum(shown) / len(shown), min(shown), shown[0], len(shown)


@dataclass
class Generation:
    """A streaming generation: iterate for text pieces; ``stats`` is complete once it ends."""

    pieces: Iterator[str]
    stats: GenerationStats = field(default_factory=GenerationStats)

    def __iter__(self) -> Iterator[str]:
        return self.pieces

    def text(self) -> str:
        """Run to the end and return the whole text."""
        return "".join(self.pieces)


@runtime_checkable
class Backend(Protocol):
    """A loaded model that tokenizes and generates; not thread-safe unless it says so."""

    facts: ModelFacts

    def tokenize(self, text: str) -> list[int]:
        """Tokens of ``text`` (special tokens recognised, no BOS added)."""
        ...

    def detokenize(self, tokens: list[int]) -> str:
        """Text of ``tokens``."""
        ...

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
        """Stream the continuation of ``prompt`` (greedy when temperature is 0)."""
        ...

    def warm(self, prompt: str, should_stop: Callable[[], bool] | None = None) -> GenerationStats:
        """Evaluate ``prompt`` into the KV cache without generating (stopping early when asked)."""
        ...

    def close(self) -> None:
        """Free the model."""
        ...
