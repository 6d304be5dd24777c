"""Every test (and every server it starts) keeps Ghostline's learned state in a folder of its own.

Acceptance counts, suggestion outcomes and the stay-silent gate live in the state folder; a suite that wrote
them to the user's own would change what the user's gate learned, and a gate trained by one test would keep
suggestions back in the next. Models merged with a test's adapter go to a folder of their own as well,
removed when the suite ends (each is the size of its model).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("GHOSTLINE_STATE_DIR", tempfile.mkdtemp(prefix="ghostline-test-state-"))
if "GHOSTLINE_MERGED_DIR" not in os.environ:
    os.environ["GHOSTLINE_MERGED_DIR"] = tempfile.mkdtemp(prefix="ghostline-test-merged-")
    atexit.register(shutil.rmtree, os.environ["GHOSTLINE_MERGED_DIR"], True)
