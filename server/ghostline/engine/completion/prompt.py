"""Prompt layout: stable context first, the lines typed at this place after the FIM middle token."""

from __future__ import annotations

from ghostline.engine.completion.context import CompletionContext
from ghostline.engine.completion.project import Section
from ghostline.model.fim import FimFormat

EDITS_PATH = "recent_edits.diff"
"""The name the session's recent edits go under, as one more file of the repository."""


def build_prompt(ctx: CompletionContext, fim: FimFormat | None, comment: str = "#") -> str:
    """The prompt for a completion; typing on a line changes only its last part.

    The most stable parts come first: the project's definitions, snippets of related documents, the
    recent edits (they change when you start editing elsewhere), then the file with the cursor, where what
    was typed since typing began at this place comes after the suffix, as the start of the middle.
    """
    if fim is not None:
        files = _files(ctx, fim, comment)
        return files + fim.build(ctx.head + ctx.prefix, ctx.suffix, ctx.typed + healed(ctx.line_before))
    return _as_comments(ctx, comment) + ctx.head + ctx.prefix + ctx.typed + healed(ctx.line_before)


def healed(line_before: str) -> str:
    """The line before the cursor without its last blank (the model writes it itself).

    Tokenizers glue one blank to the next word (``"    return"`` is ``"   "`` + ``" return"``), so a prompt
    ending in a blank asks for a token split that training never showed; ``unheal`` removes it from the
    model's output again. Only the last one goes: the rest of an indentation tells the model how deep the
    line is (without it, on an indented empty line the model wrote the next function instead).
    """
    return line_before[:-1] if line_before[-1:] in (" ", "\t") else line_before


def unheal(line_before: str, generated: str) -> str:
    """Drop from the start of ``generated`` the blanks that end ``line_before`` (``healed`` took one off).

    The model may write the whole indentation again instead of the one blank; either way the line keeps the
    indentation it has. Blanks before a member name right after a dot go too.
    """
    blanks = len(line_before) - len(line_before.rstrip(" \t"))
    lead = len(generated) - len(generated.lstrip(" \t"))
    if line_before.endswith(".") and generated[lead : lead + 1].isidentifier():
        blanks = lead  # a member after a dot: ``obj. name`` is never what anyone writes
    return generated[min(blanks, lead) :]


def sections(ctx: CompletionContext) -> list[Section]:
    """The other files the prompt shows, in prompt order."""
    found = list(ctx.definitions)
    found += [Section(s.path, s.text) for s in ctx.snippets]
    if ctx.edits:
        found.append(Section(EDITS_PATH, ctx.edits))
    return found


def _files(ctx: CompletionContext, fim: FimFormat, comment: str) -> str:
    parts = sections(ctx)
    if not parts:
        return ""
    separator = fim.file_separator
    if not separator:
        return _as_comments(ctx, comment)
    head = f"{fim.repo_name}{ctx.repo}\n" if fim.repo_name and ctx.repo else ""
    body = "".join(f"{separator}{s.path}\n{s.text.rstrip()}\n" for s in parts)
    return head + body + f"{separator}{ctx.path}\n"


def _as_comments(ctx: CompletionContext, comment: str) -> str:
    lines = []
    for s in sections(ctx):
        lines.append(f"{comment} from {s.path}:")
        lines.extend(f"{comment} {line}".rstrip() for line in s.text.rstrip().splitlines())
    return "".join(line + "\n" for line in lines)
