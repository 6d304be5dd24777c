"""A deterministic scripted backend for logic tests: each prompt gets the next scripted answer.

It implements the ``Backend`` protocol without a model: answers come from a list (the last one repeats) or a
function of the prompt, stream in pieces of a chosen size with an optional delay per piece, stop when told,
and report stats as a model with a KV cache would (only the tokens after the common prefix with the previous
prompt count as evaluated). Never the only proof of a feature: real-model tests prove behaviour.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence

from ghostline.model.backend import Generation, GenerationStats, ModelFacts
from ghostline.model.fim import FimFormat

_TOKEN = re.compile(r"<\|[a-z_]+\|>|\w+|\s|[^\w\s]")


class FakeBackend:
    """Answers prompts from a script; records every prompt and warm-up it was given."""

    def __init__(
        self,
        answers: Sequence[str] | Callable[[str], str] = ("",),
        *,
        fim: FimFormat | None = None,
        chat: bool = True,
        piece_chars: int = 0,
        delay_s: float = 0.0,
        strict: bool = False,
        name: str = "fake",
    ) -> None:
        """``piece_chars`` 0 streams an answer in one piece; ``strict`` obeys ``stop`` and ``max_tokens``."""
        self.answers = answers
        self.facts = ModelFacts(name, "", "fake", 4096, 4096, fim, ())
        self.chat = chat
        self.piece_chars = piece_chars
        self.delay_s = delay_s
        self.strict = strict
        self.prompts: list[str] = []
        self.warmed: list[str] = []
        self.cached: list[str] = []
        """The token texts of the last prompt evaluated (what a KV cache would hold)."""
        self.lock = threading.Lock()

    def tokenize(self, text: str) -> list[int]:
        """One token per word, blank or punctuation mark (ChatML markers are one token when ``chat``)."""
        if text == "<|im_start|>":
            return [1] if self.chat else [1, 2, 3]
        return [zlib.crc32(t.encode("utf-8", "surrogatepass")) & 0xFFFF for t in _TOKEN.findall(text)]

    def detokenize(self, tokens: list[int]) -> str:
        """Not recoverable from the fake ids: ''."""
        return ""

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
        """Stream the scripted answer for ``prompt``."""
        with self.lock:
            self.prompts.append(prompt)
            answer = self._answer(prompt)
            stats = GenerationStats(prompt_tokens=len(_TOKEN.findall(prompt)))
            stats.evaluated_tokens = self._evaluate(prompt)
            stats.reused_tokens = stats.prompt_tokens - stats.evaluated_tokens
        stats.stopped_by = "eos"
        if self.strict:
            cut = _cut_at_stops(answer, stop)
            stats.stopped_by = "stop" if cut != answer else "eos"
            tokens = _TOKEN.findall(cut)
            if len(tokens) > max_tokens:
                cut, stats.stopped_by = "".join(tokens[:max_tokens]), "max_tokens"
            answer = cut
        return Generation(self._stream(answer, stats, should_stop or (lambda: False)), stats)

    def warm(self, prompt: str, should_stop: Callable[[], bool] | None = None) -> GenerationStats:
        """Remember ``prompt`` as evaluated."""
        with self.lock:
            self.warmed.append(prompt)
            evaluated = self._evaluate(prompt)
        tokens = len(_TOKEN.findall(prompt))
        return GenerationStats(tokens, evaluated, tokens - evaluated, stopped_by="warm")

    def close(self) -> None:
        """Nothing to free."""

    def _answer(self, prompt: str) -> str:
        if callable(self.answers):
            return self.answers(prompt)
        if not self.answers:
            return ""
        return self.answers[min(len(self.prompts) - 1, len(self.answers) - 1)]

    def _evaluate(self, prompt: str) -> int:
        """Tokens of ``prompt`` after its common prefix with the cached one; the cache becomes ``prompt``."""
        tokens = _TOKEN.findall(prompt)
        same = 0
        for a, b in zip(tokens, self.cached, strict=False):
            if a != b:
                break
            same += 1
        self.cached = tokens
        return len(tokens) - same

    def _stream(self, answer: str, stats: GenerationStats, should_stop: Callable[[], bool]) -> Iterator[str]:
        start = time.perf_counter()
        size = self.piece_chars or max(len(answer), 1)
        for piece in (answer[i : i + size] for i in range(0, len(answer), size)):
            if should_stop():
                stats.stopped_by = "should_stop"
                break
            if self.delay_s:
                time.sleep(self.delay_s)
            stats.generated_tokens += len(_TOKEN.findall(piece))
            if not stats.first_token_ms:
                stats.first_token_ms = (time.perf_counter() - start) * 1000
            yield piece
        stats.total_ms = (time.perf_counter() - start) * 1000


def _cut_at_stops(text: str, stop: list[str] | None) -> str:
    """``text`` up to the first stop string (all of it when none occurs)."""
    cut = min((i for s in stop or () if s and (i := text.find(s)) >= 0), default=len(text))
    return text[:cut]
