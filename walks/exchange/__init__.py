"""Data in and out: other tools' files imported, exports, a workspace moved, layers served.

``collections``: the layers as feature collections for GIS clients (``walks.web.ogc``).
Imports ``fieldwork``, ``core`` and ``access``.
"""
