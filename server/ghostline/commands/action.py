"""``ghostline action FILE:LINE:COL --kind docstring``: a code action from the command line, as a diff."""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

KINDS = ("docstring",)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``action``."""
    action = sub.add_parser("action", help="run a code action at FILE:LINE:COL (1-based) and print the diff")
    action.add_argument("where", metavar="FILE:LINE:COL")
    action.add_argument("--kind", choices=KINDS, required=True)
    action.add_argument("--model", default=None, help="preset, .gguf path or hf:OWNER/REPO/FILE")
    action.add_argument("--apply", action="store_true", help="write the result to the file")
    action.add_argument("--json", action="store_true", help="print the edits as JSON")


def run(args: argparse.Namespace) -> int:
    """Exit 0 with a diff, 1 when the action does not apply or the model fails, 2 on usage errors."""
    from ghostline import config
    from ghostline.engine.actions import catalog
    from ghostline.engine.actions.edits import apply
    from ghostline.engine.document import Document, Pos
    from ghostline.model import loader
    from ghostline.model.errors import ModelError

    match = re.fullmatch(r"(.+):(\d+):(\d+)", args.where)
    if not match or not Path(match[1]).is_file():
        print("ghostline action: expected an existing FILE:LINE:COL (1-based)", file=sys.stderr)
        return 2
    path = Path(match[1])
    text = path.read_text(encoding="utf-8")
    doc = Document(str(path), text, encoding="utf-32")
    pos = Pos(int(match[2]) - 1, int(match[3]) - 1)
    if not any(o.action == args.kind for o in catalog.offers(doc, pos)):
        print(f"ghostline action: no {args.kind} action at {args.where}", file=sys.stderr)
        return 1
    settings = config.Settings().model
    try:
        backend = loader.load(settings if args.model is None else config.ModelSettings(name=args.model))
    except ModelError as exc:
        print(f"ghostline action: {exc}", file=sys.stderr)
        return 1
    edits = catalog.run(args.kind, doc, pos, backend)
    backend.close()
    result = apply(text, edits)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "start": doc.position_at(e.start).__dict__,
                        "end": doc.position_at(e.end).__dict__,
                        "newText": e.new_text,
                    }
                    for e in edits
                ],
                indent=2,
            )
        )
    else:
        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(keepends=True), result.splitlines(keepends=True), f"a/{path}", f"b/{path}"
            )
        )
    if args.apply:
        path.write_text(result, encoding="utf-8")
    return 0
