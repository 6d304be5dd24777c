"""What the user's last edit implies next: the edits offered after it, nearest after the cursor first."""

from __future__ import annotations

from collections.abc import Sequence

from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog, Hunk
from ghostline.engine.nextedit.rename import NextEdit, rename_edits, renamed
from ghostline.engine.nextedit.signature import call_edits

STREAK = 8
"""Hunks looked back through for where a rename being walked through began."""


def next_edits(doc: Document, log: EditLog, cursor: int, others: Sequence[Document] = ()) -> list[NextEdit]:
    """The next edits in ``doc`` after its last hunk, or [].

    A rename's other occurrences; else, when a parameter was added to or removed from a definition, the
    calls to it (the argument removed, or the new parameter's name passed where it goes), in ``doc`` and
    then in the ``others`` (the other open documents; such an edit names its document).
    """
    hunks = [h for h in reversed(log.hunks) if h.uri == doc.uri][:STREAK]
    if not hunks:
        return []
    return rename_edits(doc, _origin(hunks), cursor) or call_edits(doc, hunks[0], cursor, others)


def _origin(hunks: list[Hunk]) -> Hunk:
    """The hunk where the latest run of hunks that rename the same name began (newest first in ``hunks``).

    After the user renamed a definition and took some of the edits offered, the last hunk is a use; the
    scope of the rename is that of the first hunk.
    """
    first, change = hunks[0], renamed(hunks[0])
    for hunk in hunks[1:]:
        found = renamed(hunk)
        if change is None or found is None or found[1:] != change[1:]:
            break
        first = hunk
    return first
