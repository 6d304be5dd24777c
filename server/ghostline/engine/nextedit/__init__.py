"""Next edits: the edits that the last one implies (a rename's other occurrences), found in milliseconds."""
