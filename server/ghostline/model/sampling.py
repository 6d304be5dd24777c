"""A backend wrapper that samples at a fixed temperature (the engine itself always decodes greedily)."""

from __future__ import annotations

from collections.abc import Callable

from ghostline.model.backend import Backend, Generation, GenerationStats


class Sampling:
    """A backend whose generations use a fixed temperature (the engine itself always decodes greedily)."""

    def __init__(self, backend: Backend, temperature: float) -> None:
        self.inner = backend
        self.facts = backend.facts
        self.temperature = temperature

    def tokenize(self, text: str) -> list[int]:
        """Delegates."""
        return self.inner.tokenize(text)

    def detokenize(self, tokens: list[int]) -> str:
        """Delegates."""
        return self.inner.detokenize(tokens)

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
        """Generate with this wrapper's temperature (top_p 0.95 when sampling, as the harnesses do)."""
        sampled = self.temperature > 0
        return self.inner.generate(
            prompt, max_tokens=max_tokens, stop=stop, temperature=self.temperature,
            top_p=0.95 if sampled else top_p, grammar=grammar, should_stop=should_stop,
        )  # fmt: skip

    def warm(self, prompt: str, should_stop: Callable[[], bool] | None = None) -> GenerationStats:
        """Delegates."""
        return self.inner.warm(prompt, should_stop)

    def close(self) -> None:
        """Delegates."""
        self.inner.close()


def sampling(backend: Backend, temperature: float) -> Backend:
    """``backend`` itself when ``temperature`` is 0, else a wrapper that samples at that temperature."""
    return Sampling(backend, temperature) if temperature > 0 else backend
