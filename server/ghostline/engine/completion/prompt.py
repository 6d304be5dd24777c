"""Prompt layout: stable context first, the current line after the FIM middle token."""

from __future__ import annotations

from ghostline.engine.completion.context import CompletionContext
from ghostline.model.fim import FimFormat


def build_prompt(ctx: CompletionContext, fim: FimFormat | None, comment: str = "#") -> str:
    """The prompt for a completion; typing on a line changes only its last part."""
    if fim is not None:
        files = _files(ctx, fim.file_separator, comment)
        return files + fim.build(ctx.head + ctx.prefix, ctx.suffix, healed(ctx.line_before))
    return _as_comments(ctx, comment) + ctx.head + ctx.prefix + healed(ctx.line_before)


def healed(line_before: str) -> str:
    """The line before the cursor without trailing blanks (the model writes them itself).

    Tokenizers glue spaces to the next word; ``unheal`` removes them from the model's output again.
    """
    return line_before.rstrip(" \t")


def unheal(line_before: str, generated: str) -> str:
    """Drop from the start of ``generated`` the blanks that ``healed`` took off the prompt."""
    blanks = len(line_before) - len(healed(line_before))
    lead = len(generated) - len(generated.lstrip(" \t"))
    return generated[min(blanks, lead) :]


def _files(ctx: CompletionContext, separator: str, comment: str) -> str:
    if not ctx.snippets:
        return ""
    if not separator:
        return _as_comments(ctx, comment)
    parts = [f"{separator}{s.path}\n{s.text}\n" for s in ctx.snippets]
    return "".join(parts) + f"{separator}{ctx.path}\n"


def _as_comments(ctx: CompletionContext, comment: str) -> str:
    lines = []
    for s in ctx.snippets:
        lines.append(f"{comment} from {s.path}:")
        lines.extend(f"{comment} {line}" for line in s.text.splitlines())
    return "".join(line + "\n" for line in lines)
