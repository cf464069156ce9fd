"""Files in and out: importing other tools' files, exporting, moving a workspace.

Imports ``fieldwork``, ``core`` and ``access``.
"""
