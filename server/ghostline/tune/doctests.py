"""Pass rate where tests exist: a completion merged into its held-out file, the file's doctests sandboxed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ghostline import sandbox

NO_TESTS = 5
"""Exit status of the runner when the module holds no doctest example."""
MODULE = "ghostline_doctest_target"
_RUNNER = """\
import doctest, importlib.util, os, sys
path = os.path.join(os.getcwd(), {module!r} + ".py")
with open(path, "w", encoding="utf-8") as f:
    f.write({source!r})
sys.path.insert(0, os.getcwd())
spec = importlib.util.spec_from_file_location({module!r}, path)
module = importlib.util.module_from_spec(spec)
sys.modules[{module!r}] = module
spec.loader.exec_module(module)
result = doctest.testmod(module)
sys.exit({no_tests} if not result.attempted else 1 if result.failed else 0)
"""
Run = Callable[[str], sandbox.RunResult]


def has_doctests(language: str, text: str) -> bool:
    """Whether a file may carry doctest examples (Python with a ``>>>`` prompt)."""
    return language == "python" and ">>>" in text


def program(source: str) -> str:
    """A sandbox program that imports ``source`` as a module (not ``__main__``) and runs its doctests."""
    return _RUNNER.format(module=MODULE, source=source, no_tests=NO_TESTS)


def merge(text: str, example: dict[str, Any], completion: str) -> str | None:
    """The file with ``completion`` in the example's gap, trailing blanks as the middle's (None: not found).

    The example locates its gap by ``offset`` (the middle's start in ``text``) and ``middle``.
    """
    offset, middle = example.get("offset"), str(example["middle"])
    if not isinstance(offset, int) or text[offset : offset + len(middle)] != middle:
        return None
    ending = middle[len(middle.rstrip()) :]
    return text[:offset] + completion.rstrip() + ending + text[offset + len(middle) :]


class DoctestChecker:
    """Runs held-out files' doctests with completions merged in; files failing their own tests don't count."""

    def __init__(self, files: dict[str, str], limits: sandbox.Limits | None = None, run: Run | None = None):
        self.files = files
        """Path → text of the held-out files that may carry doctests."""
        limits = limits or sandbox.Limits()
        self.run: Run = run or (lambda source: sandbox.run_program(source, limits))
        self._usable: dict[str, bool] = {}

    def usable(self, path: str) -> bool:
        """Whether the file as written has doctests that pass in the sandbox (checked once per file)."""
        if path not in self._usable:
            text = self.files.get(path)
            self._usable[path] = text is not None and self.run(program(text)).passed
        return self._usable[path]

    def passes(self, example: dict[str, Any], completion: str) -> bool | None:
        """Whether the file's doctests pass with ``completion`` in the gap; None when the example has none."""
        if "middle" not in example or not self.usable(example["path"]):
            return None
        merged = merge(self.files[example["path"]], example, completion)
        return None if merged is None else self.run(program(merged)).passed
