"""The workspace index: every definition of the project's files, kept current (no pygls)."""
