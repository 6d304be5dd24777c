"""One model call for a completion: context → prompt → streamed generation with stop rules → safe text."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import CompletionContext
from ghostline.engine.completion.finalize import finalize
from ghostline.engine.completion.prompt import build_prompt, unheal
from ghostline.engine.completion.stops import StreamGuard
from ghostline.model.backend import Backend, GenerationStats
from ghostline.model.errors import ModelError
from ghostline.syntax import languages


@dataclass
class Suggestion:
    """A suggestion to insert at ``offset``, with what it cost."""

    text: str
    offset: int
    model: str = ""
    cached: bool = False
    latency_ms: float = 0.0
    stats: GenerationStats = field(default_factory=GenerationStats)
    error: ModelError | None = None
    """Why the model gave nothing (a remote server went away or refused); the suggestion is then empty."""
    prompt: str = ""
    """The exact prompt the model was given ('' when it was not asked)."""
    cut: bool = False
    """Empty because the budget ran out while the model was still working (it goes on in the background)."""
    raw: str = ""
    """What the model wrote, as streamed (before the stop rules and checks); '' when it was not asked."""
    untrimmed: str = ""
    """The suggestion before ``trim_percent`` cut it ('' when it was not cut)."""


def comment_token(language: str | None) -> str:
    """The line-comment marker of a language ('#' when unknown)."""
    return languages.spec(language).line_comment if language else "#"


def prompt_for(backend: Backend, ctx: CompletionContext) -> str:
    """The exact prompt the model gets for this context."""
    return build_prompt(ctx, backend.facts.fim, comment_token(ctx.language))


def generate(
    backend: Backend,
    ctx: CompletionContext,
    settings: CompletionSettings,
    should_stop: Callable[[], bool],
    deadline: float,
    temperature: float = 0.0,
    on_text: Callable[[str], None] | None = None,
) -> Suggestion:
    """Run the model for ``ctx``; the result is checked merged into the document's text.

    ``on_text`` is told the text written so far as it streams (the guard's, stop rules applied).
    """
    start = time.perf_counter()
    if ctx.mode == "none":
        return Suggestion("", ctx.offset, backend.facts.name)
    guard = guard_for(ctx, settings.max_lines)
    max_tokens = settings.max_tokens if ctx.mode == "multi" else min(settings.max_tokens, 48)

    def stop_now() -> bool:
        return guard.done or should_stop() or time.perf_counter() > deadline

    stop = ["\n"] if ctx.mode == "single" else None  # end a single line in the worker, without another eval
    prompt = prompt_for(backend, ctx)
    generation = backend.generate(
        prompt,
        max_tokens=max_tokens,
        stop=stop,
        temperature=temperature,
        should_stop=stop_now,
    )
    pieces = []
    try:
        for piece in generation:  # runs to the end: once the guard is done the model stops within a token
            pieces.append(piece)
            guard.feed(piece)
            if on_text is not None:
                on_text(guard.text)
    except ModelError as exc:  # nothing half-made is shown; the next request starts afresh
        latency = (time.perf_counter() - start) * 1000
        return Suggestion("", ctx.offset, backend.facts.name, False, latency, generation.stats, exc, prompt)
    raw, safe = "".join(pieces), safe_text(ctx, guard)
    cut = trimmed(ctx, settings, raw, generation.stats, settings.trim_percent) if safe else ""
    latency = (time.perf_counter() - start) * 1000
    stats, name = generation.stats, backend.facts.name
    suggestion = Suggestion(safe, ctx.offset, name, False, latency, stats, None, prompt, raw=raw)
    if cut and cut != safe:
        suggestion.text, suggestion.untrimmed = cut, safe
    return suggestion


def trimmed(
    ctx: CompletionContext, settings: CompletionSettings, raw: str, stats: GenerationStats, percent: int
) -> str:
    """The suggestion as if the model had stopped before its first unsure token ('' when it did not matter).

    Unsure: chosen with less than ``percent`` % probability, the first token aside. '' too when what is left
    is not safe to show.
    """
    if percent <= 0 or len(stats.token_logprobs) < 2:
        return ""
    floor = math.log(percent / 100)
    unsure = next((i for i, lp in enumerate(stats.token_logprobs) if i > 0 and lp < floor), None)
    if unsure is None or unsure > len(stats.token_ends):
        return ""
    end = stats.token_ends[unsure - 1]
    if end >= len(raw.rstrip()):
        return ""
    guard = guard_for(ctx, settings.max_lines)
    guard.feed(raw[:end])
    return safe_text(ctx, guard)


def guard_for(ctx: CompletionContext, max_lines: int) -> StreamGuard:
    """The stop rules for a generation at ``ctx``."""
    before = ctx.prefix + ctx.typed
    above = before[:-1].rsplit("\n", 1)[-1] if before.endswith("\n") else ""
    return StreamGuard(ctx.mode, ctx.line_before, ctx.suffix, max_lines, tight=ctx.tight, above=above)


def safe_text(ctx: CompletionContext, guard: StreamGuard) -> str:
    """What of the guard's finished text is safe to insert at ``ctx`` (its healed blanks dropped)."""
    raw = unheal(ctx.line_before, guard.finish())
    return finalize(ctx.language, ctx.text, ctx.offset, raw, ctx.suffix.split("\n", 1)[0], ctx.errors)
