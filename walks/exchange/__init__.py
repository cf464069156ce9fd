"""Data in and out: other tools' files, exports, a workspace moved, layers served, Open311.

``collections``: the layers as feature collections for GIS clients (``walks.web.ogc``).
Imports ``fieldwork``, ``core`` and ``access``.
"""
