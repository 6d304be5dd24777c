"""Fill-in-the-middle formats, recognised from a model's vocabulary (a served model's name as a fallback)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FimFormat:
    """The marker tokens of one FIM family and how a prompt is laid out with them."""

    name: str
    prefix: str
    suffix: str
    middle: str
    order: str = "psm"
    """``psm``: prefix, suffix, middle; ``spm``/``suffix-first``: the suffix comes first."""
    stops: tuple[str, ...] = ()
    """Tokens that end a middle besides EOS/EOT (pad, file separator, EOT)."""
    file_separator: str = ""
    repo_name: str = ""
    """The token that opens a repository-level prompt with the repository's name (Qwen2.5-Coder)."""

    def build(self, prefix: str, suffix: str, middle_start: str = "") -> str:
        """The prompt for filling between ``prefix`` and ``suffix``; ``middle_start`` is already typed."""
        if self.order == "psm":
            return f"{self.prefix}{prefix}{self.suffix}{suffix}{self.middle}{middle_start}"
        return f"{self.suffix}{suffix}{self.prefix}{prefix}{middle_start}"

    @property
    def markers(self) -> tuple[str, ...]:
        """Every marker string this format needs in the vocabulary."""
        return tuple(m for m in (self.prefix, self.suffix, self.middle) if m)


FORMATS: tuple[FimFormat, ...] = (
    FimFormat(
        "qwen",
        "<|fim_prefix|>",
        "<|fim_suffix|>",
        "<|fim_middle|>",
        stops=("<|fim_pad|>", "<|file_sep|>", "<|endoftext|>", "<|im_end|>", "<|fim_prefix|>"),
        file_separator="<|file_sep|>",
        repo_name="<|repo_name|>",
    ),
    FimFormat(
        "starcoder",
        "<fim_prefix>",
        "<fim_suffix>",
        "<fim_middle>",
        stops=("<fim_pad>", "<file_sep>", "<|endoftext|>", "<fim_prefix>"),
        file_separator="<file_sep>",
        repo_name="<repo_name>",
    ),
    FimFormat("codellama", "▁<PRE>", "▁<SUF>", "▁<MID>", stops=("▁<EOT>", "<EOT>")),
    FimFormat(
        "deepseek",
        "<｜fim▁begin｜>",
        "<｜fim▁hole｜>",
        "<｜fim▁end｜>",
        stops=("<｜end▁of▁sentence｜>", "<|EOT|>"),
    ),
    FimFormat("codestral", "[PREFIX]", "[SUFFIX]", "", order="suffix-first", stops=("</s>",)),
)


def detect(vocabulary: Iterable[str]) -> FimFormat | None:
    """The first FIM format whose markers are all tokens of ``vocabulary``; None for prefix-only models."""
    vocab = set(vocabulary)
    for fmt in FORMATS:
        if all(marker in vocab for marker in fmt.markers):
            present = tuple(s for s in fmt.stops if s in vocab)
            repo = fmt.repo_name if fmt.repo_name in vocab else ""
            return FimFormat(
                fmt.name, fmt.prefix, fmt.suffix, fmt.middle, fmt.order, present, fmt.file_separator, repo
            )
    return None


def by_name(name: str) -> FimFormat | None:
    """The format called ``name`` (``qwen``, ``starcoder`` …), None when there is none of that name."""
    return next((fmt for fmt in FORMATS if fmt.name == name), None)


_NAME_HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("qwen2.5-coder", "qwen2.5_coder", "qwen-coder", "qwen3-coder"), "qwen"),
    (("starcoder", "santacoder", "refact"), "starcoder"),
    (("codellama", "code-llama", "code_llama"), "codellama"),
    (("deepseek-coder", "deepseek_coder"), "deepseek"),
    (("codestral",), "codestral"),
)


def guess(model_name: str) -> FimFormat | None:
    """A format guessed from a served model's name, for servers that cannot show their vocabulary.

    Only a fallback: a format read from the vocabulary (``detect``) is always preferred.
    """
    lowered = model_name.lower()
    for hints, name in _NAME_HINTS:
        if any(hint in lowered for hint in hints):
            return by_name(name)
    return None
