"""Typed, fully-defaulted settings read from initializationOptions and didChangeConfiguration."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin, get_type_hints

MAX_THREADS = 256
"""Upper bound of ``model.nThreads``: fixed (not this machine's core count) so that a settings file checks
the same everywhere; it covers the largest common servers, and llama.cpp gains nothing from more threads."""


@dataclass(frozen=True)
class Range:
    """The inclusive bounds of a numeric setting."""

    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.low} to {self.high}"


def ranged(default: int, low: int, high: int) -> Any:
    """A dataclass field for an integer setting that must lie in ``low``..``high`` (inclusive)."""
    if not low <= default <= high:
        raise ValueError(f"default {default} is outside its own range {low} to {high}")
    return field(default=default, metadata={"range": Range(low, high)})


def range_of(f: dataclasses.Field[Any]) -> Range | None:
    """The bounds declared on a settings field, if it has any."""
    bounds = f.metadata.get("range")
    return bounds if isinstance(bounds, Range) else None


@dataclass(frozen=True)
class DiagnosticsSettings:
    """Syntax diagnostics."""

    enabled: bool = True
    """Publish tree-sitter syntax diagnostics."""
    debounce_ms: int = ranged(150, 0, 5000)
    """Wait this long after the last change before publishing diagnostics."""
    max_problems: int = ranged(100, 1, 10_000)
    """At most this many syntax problems per document."""
    ai: Literal["off", "onSave"] = "off"
    """AI review: on save, the model points out likely bugs in changed functions (Information, opt-in)."""


@dataclass(frozen=True)
class ComplexitySettings:
    """Cyclomatic complexity hints (no model involved)."""

    enabled: bool = True
    """Report functions whose cyclomatic complexity is above the threshold."""
    threshold: int = ranged(10, 1, 1000)
    """Functions above this complexity get an Information diagnostic on their name."""


@dataclass(frozen=True)
class ModelSettings:
    """The model: embedded (llama.cpp), on an inference server, or through ctransformers."""

    backend: Literal["llama", "remote", "ctransformers"] = "llama"
    """``llama``: llama.cpp in-process; ``remote``: an inference server (``remote.*``); ``ctransformers``."""
    name: str = "auto"
    """``auto`` (a preset fit for this machine), a preset name, a ``.gguf`` path or ``hf:OWNER/REPO/FILE``."""
    auto_pull: bool = True
    """Download the model on first start when it is missing."""
    n_ctx: int = ranged(4096, 256, 131_072)
    """Context window in tokens."""
    n_threads: int = ranged(0, 0, MAX_THREADS)
    """CPU threads for inference (0: all physical cores)."""
    n_gpu_layers: int = ranged(-1, -1, 1000)
    """Layers to offload to the GPU (-1: all when the build has CUDA or Metal, else none)."""
    flash_attn: bool = False
    """Use flash attention where the build supports it."""
    seed: int = ranged(0, 0, 2**32 - 1)
    """Sampling seed."""
    adapter: str = ""
    """Path to a GGUF LoRA adapter to load on top of the model."""
    merge_adapter: bool = True
    """Fold the adapter into a cached copy of the model (its base's speed; ~the model's size on disk)."""
    speculative: bool = True
    """Prompt-lookup drafts: guess upcoming tokens from the context and check them in one batch."""


@dataclass(frozen=True)
class RemoteSettings:
    """An inference server shared by a team (used when ``model.backend`` is ``remote``)."""

    url: str = "http://127.0.0.1:8080"
    """Base URL of the server (llama-server, vLLM, Ollama, any OpenAI-compatible ``/v1/completions``)."""
    model: str = ""
    """Model name sent with each request (empty: the server's first model)."""
    api_key_env: str = ""
    """Name of the environment variable holding the API key (the key itself is never stored or logged)."""
    timeout_ms: int = ranged(10_000, 100, 600_000)
    """Connect timeout and the longest silence tolerated while a response streams."""
    verify_tls: bool = True
    """Check the server's TLS certificate for ``https://`` URLs."""
    api: Literal["auto", "openai", "infill"] = "auto"
    """``openai`` (``/v1/completions``), ``infill`` (llama-server's ``/infill``) or ``auto``."""
    fim: Literal["auto", "none", "qwen", "starcoder", "codellama", "deepseek", "codestral"] = "auto"
    """Fill-in-the-middle template; ``auto`` asks the server's tokenizer, then guesses from the model name."""


@dataclass(frozen=True)
class CompletionSettings:
    """Inline completion (ghost text)."""

    enabled: bool = True
    """Offer inline completions."""
    debounce_ms: int = ranged(25, 0, 5000)
    """Wait at least this long for more keystrokes before asking the model."""
    adaptive_debounce: bool = True
    """Wait longer while the user types fast (up to 1 s), from the measured pace of their keystrokes."""
    max_latency_ms: int = ranged(2000, 50, 600_000)
    """Time budget per request; when it runs out the answer is empty and the model goes on (see below)."""
    background_ms: int = ranged(20_000, 0, 120_000)
    """How long a suggestion may go on once the budget ran out; the client is told when it is ready."""
    context_tokens: int = ranged(1024, 64, 32_768)
    """Token budget for the text around the cursor (prefix and suffix)."""
    cross_file_tokens: int = ranged(256, 0, 8192)
    """Token budget for snippets from other open or recently edited documents (0: off).

    Only documents related to the code at the cursor count: one it imports, or one defining a name used
    near the cursor that the document itself does not define."""
    definition_tokens: int = ranged(384, 0, 8192)
    """Token budget for the signatures and docs of names used near the cursor and defined in other files of
    the workspace (from the workspace index; 0: off)."""
    recent_edits: int = ranged(0, 0, 10)
    """How many of the session's recent edits (as diffs) the prompt shows the model (0: none; off until
    measured: with the 0.5B model a diff of the function just written can make it answer nothing)."""
    max_tokens: int = ranged(128, 1, 4096)
    """Most tokens generated for one suggestion."""
    max_lines: int = ranged(12, 1, 200)
    """Most lines in a multi-line suggestion."""
    warmup: bool = True
    """Evaluate the prompt ahead of time when a document opens or the cursor moves to a new line."""
    prefetch: bool = True
    """While idle after showing a suggestion, compute what would follow once it is accepted."""
    gate: bool = True
    """Learn locally which suggestions you take (features only) and stay silent on unlikely ones."""
    trim_percent: int = ranged(0, 0, 100)
    """End a suggestion before the first token (after its first) the model chose with less than this
    probability, in percent (0: never); an active stay-silent gate trained with a cut applies its own."""
    next_edits: bool = True
    """After a rename, an occurrence later on the cursor's line is the inline suggestion (no model call)."""


@dataclass(frozen=True)
class IndexSettings:
    """The workspace index: the definitions of the workspace's source files (``workspace/symbol``)."""

    enabled: bool = True
    """Index the workspace folders' source files in the background (``.gitignore`` respected)."""
    max_files: int = ranged(20_000, 0, 1_000_000)
    """Most files indexed; the rest of a larger workspace is left out (shallow folders first)."""


@dataclass(frozen=True)
class Settings:
    """Every Ghostline setting, with its default."""

    diagnostics: DiagnosticsSettings = field(default_factory=DiagnosticsSettings)
    completion: CompletionSettings = field(default_factory=CompletionSettings)
    complexity: ComplexitySettings = field(default_factory=ComplexitySettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    remote: RemoteSettings = field(default_factory=RemoteSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    log_level: Literal["error", "warning", "info", "debug"] = "info"
    """How much the server logs to stderr / window/logMessage."""


def camel(name: str) -> str:
    """``debounce_ms`` → ``debounceMs``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def load(raw: object, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client's JSON (camelCase keys); invalid values keep defaults and are reported."""
    problems: list[str] = []
    if raw is None:
        return base or Settings(), problems
    if isinstance(raw, dict) and isinstance(raw.get("ghostline"), dict):
        raw = raw["ghostline"]
    settings = _structure(Settings, raw, base or Settings(), "", problems)
    return settings, problems


def _structure(cls: type[Any], raw: object, base: Any, path: str, problems: list[str]) -> Any:
    if not isinstance(raw, dict):
        problems.append(f"{path.rstrip('.') or 'settings'}: expected an object, got {type(raw).__name__}")
        return base
    hints = get_type_hints(cls)
    known = {camel(f.name): f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        f = known.get(key)
        where = f"{path}{key}"
        if f is None:
            problems.append(f"{where}: unknown setting")
            continue
        current = getattr(base, f.name)
        if dataclasses.is_dataclass(current):
            values[f.name] = _structure(type(current), value, current, where + ".", problems)
        elif (checked := _check(hints[f.name], value, range_of(f))) is not None:
            problems.append(f"{where}: {checked}; using {current!r}")
        else:
            values[f.name] = value
    return dataclasses.replace(base, **values)


def _check(hint: Any, value: object, bounds: Range | None = None) -> str | None:
    """None when ``value`` fits the type (and the bounds, if any), else why not."""
    if get_origin(hint) is Literal:
        options = get_args(hint)
        return None if value in options else f"expected one of {', '.join(map(repr, options))}"
    if hint is bool:
        return None if isinstance(value, bool) else "expected true or false"
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):  # floats too: 1e400 is inf, NaN no number
            return f"expected an integer from {bounds}" if bounds else "expected an integer"
        if bounds is not None and value not in bounds:
            shown = f"{value}" if value.bit_length() <= 64 else "a number that large"
            return f"{shown} is out of range (allowed: {bounds})"
        return None
    if hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else "expected a number"
    if hint is str:
        return None if isinstance(value, str) else "expected a string"
    return f"unsupported type {hint!r}"


def describe() -> list[tuple[str, str, str]]:
    """(dotted camelCase key, default, doc) for every leaf setting, for docs and ``--help``.

    The doc of a numeric setting ends with its allowed range (``Range: 0 to 5000.``).
    """
    out: list[tuple[str, str, str]] = []
    _describe(Settings, Settings(), "", out)
    return out


def _describe(cls: type[Any], obj: Any, prefix: str, out: list[tuple[str, str, str]]) -> None:
    docs = _field_docs(cls)
    for f in dataclasses.fields(cls):
        value = getattr(obj, f.name)
        key = prefix + camel(f.name)
        if dataclasses.is_dataclass(value):
            _describe(type(value), value, key + ".", out)
        else:
            doc, bounds = docs.get(f.name, ""), range_of(f)
            out.append((key, repr(value), f"{doc} Range: {bounds}." if bounds else doc))


def ranges() -> dict[str, Range]:
    """The allowed range of every numeric setting, by dotted camelCase key."""
    out: dict[str, Range] = {}
    _ranges(Settings, "", out)
    return out


def _ranges(cls: type[Any], prefix: str, out: dict[str, Range]) -> None:
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint, key = hints[f.name], prefix + camel(f.name)
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            _ranges(hint, key + ".", out)
        elif (bounds := range_of(f)) is not None:
            out[key] = bounds


def _field_docs(cls: type[Any]) -> dict[str, str]:
    """Attribute docstrings (the string literal under each field)."""
    import inspect

    source = inspect.getsource(cls)
    return dict(re.findall(r"^\s+(\w+):[^\n]*\n\s+\"\"\"(.+?)\"\"\"", source, re.MULTILINE))
