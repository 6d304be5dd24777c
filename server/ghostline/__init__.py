"""Ghostline: a local-first AI coding assistant that runs as a Language Server."""

__version__ = "0.1.0"
