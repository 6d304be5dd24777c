"""Every test (and every server it starts) keeps Ghostline's learned state in a folder of its own.

Acceptance counts, suggestion outcomes and the stay-silent gate live in the state folder; a suite that wrote
them to the user's own would change what the user's gate learned, and a gate trained by one test would keep
suggestions back in the next.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("GHOSTLINE_STATE_DIR", tempfile.mkdtemp(prefix="ghostline-test-state-"))
