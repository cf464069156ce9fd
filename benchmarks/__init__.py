"""Benchmarks of safewalk's hot paths; run them with ``python -m benchmarks.run``."""
