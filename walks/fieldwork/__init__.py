"""The work of a walk: areas, registration, planning, reference layers, indicators, demo, start-up.

Imports ``core`` and ``access``.
"""
