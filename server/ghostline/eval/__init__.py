"""``ghostline eval``: real benchmarks scored by running the generated code in a sandbox (no pygls here)."""
