"""``ghostline action FILE:LINE:COL --kind KIND``: a code action from the command line, as a diff."""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ghostline.engine.actions.bounds import Problem
    from ghostline.engine.actions.catalog import Result
    from ghostline.engine.document import Document

KINDS = ("fix", "docstring", "generate", "tests", "explain")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``action``."""
    action = sub.add_parser("action", help="run a code action at FILE:LINE:COL (1-based) and print the diff")
    action.add_argument("where", metavar="FILE:LINE:COL")
    action.add_argument("--kind", choices=KINDS, required=True)
    action.add_argument(
        "--message", help="for --kind fix: what is wrong (default: the syntax error on that line)"
    )
    action.add_argument("--model", default=None, help="preset, .gguf path or hf:OWNER/REPO/FILE")
    action.add_argument("--apply", action="store_true", help="write the result to the file(s)")
    action.add_argument("--json", action="store_true", help="print the LSP WorkspaceEdit as JSON")


def run(args: argparse.Namespace) -> int:
    """Exit 0 with a diff, 1 when the action does not apply or finds nothing safe, 2 on usage errors."""
    from ghostline import config, sandbox
    from ghostline.engine.actions import catalog
    from ghostline.engine.actions.edits import ActionFailed
    from ghostline.engine.document import Document, Pos
    from ghostline.model import loader
    from ghostline.model.errors import ModelError

    match = re.fullmatch(r"(.+):(\d+):(\d+)", args.where)
    if not match or not Path(match[1]).is_file():
        print("ghostline action: expected an existing FILE:LINE:COL (1-based)", file=sys.stderr)
        return 2
    path = Path(match[1]).resolve()
    text = path.read_text(encoding="utf-8")
    doc = Document(path.as_uri(), text, encoding="utf-32")
    offset = doc.offset_at(Pos(int(match[2]) - 1, int(match[3]) - 1))
    problems = _problems(doc, offset, args.message)
    offer = next((o for o in catalog.offers(doc, offset, problems) if o.action == args.kind), None)
    if offer is None:
        print(f"ghostline action: no {args.kind} action at {args.where}", file=sys.stderr)
        return 1
    settings = config.Settings().model
    try:
        backend = loader.load(settings if args.model is None else config.ModelSettings(name=args.model))
    except ModelError as exc:
        print(f"ghostline action: {exc}", file=sys.stderr)
        return 1
    try:
        result = catalog.run(args.kind, doc, offset, backend, data=offer.data, run=sandbox.run_program)
    except ActionFailed as exc:
        print(f"ghostline action: {exc}", file=sys.stderr)
        return 1
    finally:
        backend.close()
    _show(doc, path, result, args.json)
    if args.apply:
        _write(path, text, result)
    return 0


def _problems(doc: Document, offset: int, message: str | None) -> list[Problem]:
    """The problem to fix at ``offset``: the given message (whole line) or the syntax problems on its line."""
    from ghostline.engine.actions.bounds import Problem
    from ghostline.engine.diagnostics import syntax_findings

    row = doc.row_of(offset)
    line_start, line_end = doc.line_start(row), doc.line_start(row + 1)
    if message:
        return [Problem(message, line_start, max(line_start, line_end - 1))]
    found = [f for f in syntax_findings(doc) if f.start <= line_end and f.end >= line_start]
    return [Problem(f.message, f.start, f.end) for f in found[:1]]


def _show(doc: Document, path: Path, result: Result, as_json: bool) -> None:
    """The result as a unified diff per file, or as the LSP WorkspaceEdit."""
    from ghostline.engine.actions.edits import apply

    if as_json:
        from lsprotocol import converters

        from ghostline.lsp.code_actions import workspace_edit

        print(json.dumps(converters.get_converter().unstructure(workspace_edit(doc, result)), indent=2))
        return
    files = [(path, doc.text, result.edits)] + [(Path(c.path), c.text, c.edits) for c in result.files]
    for name, before, edits in files:
        after = apply(before, edits)
        sys.stdout.writelines(
            difflib.unified_diff(
                before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
            )
        )


def _write(path: Path, text: str, result: Result) -> None:
    from ghostline.engine.actions.edits import apply

    if result.edits:
        path.write_text(apply(text, result.edits), encoding="utf-8")
    for change in result.files:
        target = Path(change.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(apply(change.text, change.edits), encoding="utf-8")
