"""Benchmarks of safewalk's hot paths; run with ``python -m benchmarks.store``."""
