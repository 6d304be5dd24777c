"""Benchmarks that print numbers (never timed assertions)."""
