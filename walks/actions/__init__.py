"""The action plan: measures, routing, tertial follow-up, the residents' view, Open311.

Imports ``fieldwork``, ``core`` and ``access``.
"""
