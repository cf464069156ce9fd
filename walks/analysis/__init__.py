"""Spatial analyses, one module each: counts, nearby, hotspots, dark stretches, change, priority.

Imports ``fieldwork``, ``core`` and ``access``; the geometry work itself is in ``gis``.
"""
