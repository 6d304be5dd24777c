"""Hostile params for every method the server knows: each request answered exactly once, the server alive."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghostline.lsp.app import create_server
from tests.e2e.test_transport import FINAL, INIT, frame, run_in_process

URI = "file:///w/f.py"
TEXT = "def f(x):\n    return x\n\n\nclass A:\n    pass\n"
OPEN = {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": TEXT}}
METHODS = sorted((set(create_server().protocol.fm.features) | {"shutdown", "$/cancelRequest"}) - {"exit"})
KEYS = ["textDocument", "uri", "position", "range", "start", "end", "line", "character", "context", "text"]
KEYS += ["contentChanges", "version", "command", "arguments", "query", "items", "data", "triggerKind"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False),
    st.sampled_from(["", URI, "file:///nope.py", "untitled:x", "::::", "x" * 3000, "\u0000\ud7ff"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12,
)
position = st.fixed_dictionaries({"line": st.integers(-2, 2**31), "character": st.integers(-2, 2**31)})
shaped = st.fixed_dictionaries(
    {},
    optional={
        "textDocument": st.fixed_dictionaries({"uri": st.sampled_from([URI, "file:///nope.py", ""])}),
        "position": position,
        "range": st.fixed_dictionaries({"start": position, "end": position}),
        "context": values,
        "command": st.sampled_from(["ghostline.nope", "", "ghostline.applyNextEdit"]) | values,
        "arguments": values,
        "query": values,
    },
)
message = st.fixed_dictionaries(
    {"jsonrpc": st.just("2.0"), "method": st.sampled_from(METHODS)},
    optional={"params": shaped | values, "id": st.integers(0, 10**6).map(str)},
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(message, min_size=1, max_size=8, unique_by=lambda m: m.get("id", id(m))))
def test_every_request_is_answered_exactly_once(sent: list[dict[str, Any]]) -> None:
    opening = [INIT, {"jsonrpc": "2.0", "method": "initialized", "params": {}}]
    opening.append({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": OPEN})
    ids = frozenset(m["id"] for m in sent if "id" in m) | {"final"}
    data = b"".join(frame(m) for m in [*opening, *sent, FINAL])
    found = run_in_process(data, ids)
    answers = Counter(m.get("id") for m in found if "method" not in m)
    wrong = {i: answers[i] for i in ids if answers[i] != 1}
    assert not wrong, f"answers per id {wrong} for {json.dumps(sent)[:2000]}"
