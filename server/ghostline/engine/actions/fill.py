"""Filling ``{slot}`` placeholders of a template one line at a time with the model (FIM when it has it)."""

from __future__ import annotations

from collections.abc import Callable

from ghostline.model.backend import Backend

SLOT = "\x00slot\x00"
BEFORE_CHARS, AFTER_CHARS = 3000, 2500


def fill_slots(
    backend: Backend,
    before: str,
    template: str,
    after: str,
    fallbacks: list[str],
    should_stop: Callable[[], bool] = lambda: False,
    max_tokens: int = 48,
) -> str:
    """``template`` with each SLOT replaced by one generated line (``fallbacks[i]`` when empty).

    ``before``/``after`` are the document text around where the template goes.
    """
    done = ""
    rest = template
    used: set[str] = set()
    for i in range(template.count(SLOT)):
        head, _, rest = rest.partition(SLOT)
        done += head
        prefix = (before + done)[-BEFORE_CHARS:]
        closing = (
            rest.rstrip("\r\n").rsplit("\n", 1)[-1].replace(SLOT, "") if "\n" in rest.rstrip("\r\n") else ""
        )
        suffix = (rest.split("\n", 1)[0].replace(SLOT, "") + "\n" + closing + "\n" + after)[:AFTER_CHARS]
        fim = backend.facts.fim
        prompt = fim.build(prefix, suffix) if fim else prefix
        line = _first_line(backend, prompt, max_tokens, should_stop).replace('"""', "").strip("*/#\"'` \t")
        lead = prefix.rsplit("\n", 1)[-1].strip("*/#\"'` \t")
        if lead and line.startswith(lead):  # "value: value: the value" → "value: the value"
            line = line[len(lead) :].strip()
        if not any(ch.isalnum() for ch in line) or line in used:
            line = fallbacks[i]  # nothing usable, or a copy of an earlier line
        used.add(line)
        done += line
        if should_stop():
            raise InterruptedError("cancelled")
    return done + rest


def _first_line(backend: Backend, prompt: str, max_tokens: int, should_stop: Callable[[], bool]) -> str:
    """The first non-empty line the model writes (leading blank lines skipped)."""
    text, finished = "", False

    def stop() -> bool:
        return finished or should_stop()

    for piece in backend.generate(prompt, max_tokens=max_tokens, should_stop=stop):
        if not finished:
            text += piece
            finished = "\n" in text.lstrip()
    return text.strip().split("\n", 1)[0].strip()


def infill_line(
    backend: Backend,
    before: str,
    after: str,
    should_stop: Callable[[], bool] = lambda: False,
    max_tokens: int = 48,
) -> str | None:
    """What the model writes between ``before`` and ``after`` up to the end of the line (FIM models only)."""
    fim = backend.facts.fim
    if fim is None:
        return None
    prompt = fim.build(before[-BEFORE_CHARS:], after[:AFTER_CHARS])
    pieces: list[str] = []

    def done() -> bool:
        return should_stop() or "\n" in "".join(pieces)

    for piece in backend.generate(prompt, max_tokens=max_tokens, should_stop=done):
        pieces.append(piece)
    text = "".join(pieces)
    if should_stop():
        raise InterruptedError("cancelled")
    return text.split("\n", 1)[0].rstrip()
