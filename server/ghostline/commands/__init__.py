"""Subcommands of the ``ghostline`` command line, one module each."""
