"""The domain's ground floor: model, roles, errors, settings, clock, organisations, workspace.

Imports nothing else of ``walks``: every other room may import it.
"""
