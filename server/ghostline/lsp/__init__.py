"""Language Server Protocol layer: the only code that imports pygls; thin handlers."""
