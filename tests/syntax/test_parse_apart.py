"""A large document parsed in a worker thread: the tree is right, nothing is kept, the loop keeps running."""

from __future__ import annotations

import gc
import threading
import time
import tracemalloc

from ghostline.syntax.tree import parse, parse_apart

SOURCE = b"def f(a, b):\n    return [a + b for _ in range(3)]\n\n" * 20_000  # 1 MB


def test_the_tree_is_the_plain_parse_and_holds_its_text() -> None:
    tree = parse_apart("python", SOURCE)
    assert str(tree.root_node) == str(parse("python", SOURCE).root_node)
    assert tree.root_node.children[-1].text == b"def f(a, b):\n    return [a + b for _ in range(3)]"


def test_parsing_again_and_again_keeps_nothing() -> None:
    """tree-sitter 0.26 kept every chunk a read callback returned: about twice the source per parse."""
    parse_apart("python", SOURCE)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            tree = parse_apart("python", SOURCE)
            del tree
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < len(SOURCE) // 4


def test_other_threads_run_while_it_parses() -> None:
    done = threading.Event()
    worker = threading.Thread(target=lambda: (parse_apart("python", SOURCE * 3), done.set()))
    ticks, start = 0, time.perf_counter()
    worker.start()
    while not done.is_set():
        time.sleep(0.001)
        ticks += 1
    took = time.perf_counter() - start
    worker.join()
    assert took < 0.05 or ticks >= 10  # a parse holding the GIL throughout would allow one tick
