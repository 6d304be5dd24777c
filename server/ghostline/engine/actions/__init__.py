"""Code actions: each computes a minimal edit from a document, a position and (mostly) the model."""
