"""The ``safewalk`` command line: the parser in ``main``, one module per command group.

May import every other room of ``walks``; nothing imports it.
"""
