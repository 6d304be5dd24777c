"""Inline completion (ghost text): context → prompt → generation with stop rules → a safe suggestion.

``service`` (cache, latest-wins scheduler, warm-up, prefetch) answers a request; ``context`` picks what the
model sees and ``prompt`` lays it out; ``generate`` runs the model; ``stops`` ends the stream and
``finalize`` keeps the part that is safe to insert; ``acceptance`` counts what the user took.
"""
