"""Tree-sitter layer: languages, parse trees, queries and syntax errors (the only tree-sitter user)."""
