"""Instruction prompts for code actions: the model's chat format, an answer prefilled with a code fence."""

from __future__ import annotations

import re
from collections.abc import Callable

from ghostline.model.backend import Backend

FENCE = "```"
_NAMES = {"cpp": "cpp", "tsx": "tsx", "bash": "bash"}


def fence_name(language: str | None) -> str:
    """The code-fence tag for a language."""
    return _NAMES.get(language or "", language or "")


def chat_prompt(backend: Backend, system: str, user: str, answer_start: str = "") -> str:
    """A prompt in the model's chat format (ChatML when it has the tokens, else a plain layout)."""
    if has_chat(backend):
        return (
            f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
            f"<|im_start|>assistant\n{answer_start}"
        )
    return f"{system}\n\n### Instruction\n{user}\n\n### Response\n{answer_start}"


def ask_for_code(
    backend: Backend,
    system: str,
    user: str,
    language: str | None,
    *,
    max_tokens: int = 384,
    temperature: float = 0.0,
    should_stop: Callable[[], bool] = lambda: False,
) -> str:
    """The code the model writes for ``user``: its answer starts inside a code fence and ends at the fence."""
    prompt = chat_prompt(backend, system, user, f"{FENCE}{fence_name(language)}\n")
    generation = backend.generate(
        prompt, max_tokens=max_tokens, stop=[FENCE], temperature=temperature, should_stop=should_stop
    )
    text = generation.text()
    if should_stop():
        raise InterruptedError("cancelled")
    return strip_fences(text)


def ask_for_text(
    backend: Backend, system: str, user: str, *, max_tokens: int = 160, should_stop: Callable[[], bool]
) -> str:
    """A short prose answer."""
    generation = backend.generate(
        chat_prompt(backend, system, user), max_tokens=max_tokens, should_stop=should_stop
    )
    text = generation.text()
    if should_stop():
        raise InterruptedError("cancelled")
    return text.strip()


def strip_fences(text: str) -> str:
    """The code inside the first fenced block (or the text itself when it has no fence)."""
    match = re.search(r"```[\w+-]*\n(.*?)(?:```|\Z)", text, re.S)
    body = match.group(1) if match and text.lstrip().startswith(FENCE) else text
    return body.strip("\n").split(FENCE, 1)[0].rstrip()


def has_chat(backend: Backend) -> bool:
    """Whether the model has ChatML's tokens (an instruction-tuned model)."""
    return len(backend.tokenize("<|im_start|>")) == 1
