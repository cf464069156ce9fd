"""Data in and out: other tools' files, exports, moving a workspace, the city's Open311 system.

Imports ``fieldwork``, ``core`` and ``access``.
"""
