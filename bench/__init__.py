"""Benchmarks: figures for docs/PERFORMANCE.md, never timed assertions in tests."""
