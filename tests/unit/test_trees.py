"""Open documents' syntax trees within a budget: the least recently used rest, and come back whole."""

from __future__ import annotations

import pytest

from ghostline.engine.document import Document, Pos
from ghostline.lsp import trees
from ghostline.lsp.documents import OpenDocument
from ghostline.syntax.tree import parse


def opened(*names: str) -> dict[str, OpenDocument]:
    docs = [Document(name, f"def {name}():\n    return 1\n", 1, "python") for name in names]
    return {doc.uri: OpenDocument(doc) for doc in docs}


def test_the_least_recently_used_rest_until_the_trees_fit() -> None:
    documents = opened("a", "b", "c")  # 22 bytes each
    trees.within_budget(documents, budget=60)
    assert [r.doc.resting for r in documents.values()] == [True, False, False]
    assert documents["a"].doc.syntax is None
    assert trees.figures(documents) == {"open": 3, "resting": 1, "parsed_bytes": 44}


def test_the_newest_keeps_its_tree_even_alone_over_the_budget() -> None:
    documents = opened("a", "b")
    trees.within_budget(documents, budget=10)
    assert [r.doc.resting for r in documents.values()] == [True, False]


def test_a_document_used_again_wakes_with_a_tree_of_its_present_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trees, "TREE_BUDGET_BYTES", 60)
    documents = opened("a", "b", "c")
    trees.within_budget(documents, budget=60)
    doc = documents["a"].doc
    doc.apply_change("x = (", Pos(2, 0), Pos(2, 0))  # no tree to tell of the edit
    parsed: list[str] = []
    record = trees.use(documents, "a", lambda r: (parsed.append(r.doc.uri), r.doc.reparse()))
    assert record is documents["a"] and parsed == ["a"] and list(documents) == ["b", "c", "a"]
    assert not doc.resting and doc.syntax is not None
    assert str(doc.syntax.root) == str(parse("python", doc.source).root_node)
    assert doc.syntax.root.has_error  # the unclosed bracket typed while it rested
    assert [r.doc.resting for r in documents.values()] == [True, False, False]  # now b is the oldest


def test_a_document_being_parsed_in_the_background_keeps_its_tree() -> None:
    documents = opened("a", "b")
    documents["a"].doc.parse_job()  # a worker thread has it
    trees.within_budget(documents, budget=10)
    assert not documents["a"].doc.resting
