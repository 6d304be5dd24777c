"""Pure logic: documents, context, prompts, post-processing and actions (no pygls here)."""
