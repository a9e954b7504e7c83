"""Benchmarks: ``python -m bench`` prints every figure as JSON (speed goals live here, not in tests)."""
