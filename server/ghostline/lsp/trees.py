"""Syntax trees within a memory budget: the open documents used least recently rest without theirs."""

from __future__ import annotations

from collections.abc import Callable

from ghostline.lsp.documents import OpenDocument

TREE_BUDGET_BYTES = 8_000_000
"""Source bytes kept parsed across all open documents. A tree takes about 75 bytes a byte of Python source
(7.5 MB for a 100 kB file, measured), so this holds trees of about 600 MB at most: two of the largest
documents parsed at all (4 MB), or eighty of 100 kB. The document in use always keeps its tree."""


def use(
    documents: dict[str, OpenDocument], uri: str, parse: Callable[[OpenDocument], None]
) -> OpenDocument | None:
    """Mark ``uri`` the most recently used; a resting document gets its tree back (``parse`` makes it).

    Then the documents used least recently rest until the trees kept fit the budget.
    """
    record = documents.pop(uri, None)
    if record is None:
        return None
    documents[uri] = record  # a dict keeps its order: the last one is the most recently used
    if record.doc.resting:
        record.doc.wake()
        parse(record)
    within_budget(documents)
    return record


def within_budget(documents: dict[str, OpenDocument], budget: int | None = None) -> None:
    """Rest the documents used least recently while the trees kept (the newest first) exceed the budget."""
    budget = TREE_BUDGET_BYTES if budget is None else budget
    kept = 0
    for newest, record in enumerate(reversed(documents.values())):
        doc = record.doc
        if doc.syntax is None:
            continue
        kept += len(doc.source)
        if kept > budget and newest:
            doc.rest()


def figures(documents: dict[str, OpenDocument]) -> dict[str, int]:
    """Open documents, how many rest, and the source bytes their trees hold (for ``ghostline/stats``)."""
    docs = [record.doc for record in documents.values()]
    parsed = sum(len(doc.source) for doc in docs if doc.syntax is not None)
    return {"open": len(docs), "resting": sum(doc.resting for doc in docs), "parsed_bytes": parsed}
