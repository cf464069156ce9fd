"""The safety-walk domain and its use cases, in rooms that import one way.

``cli`` and ``web`` → ``documents`` → ``analysis`` / ``actions`` / ``exchange`` → ``fieldwork`` →
``core``, with ``access`` beside ``core``. ``tests/test_architecture.py`` enforces it.

- ``core``: the model, roles, errors, settings, the clock, organisations, the workspace.
- ``access``: accounts, logging in, and the store as an account may use it.
- ``fieldwork``: areas, registering observations, planning walks, reference layers,
  indicators, the demo data, opening a workspace.
- ``analysis``: the spatial analyses, one module each.
- ``actions``: the action plan: measures, who is responsible, tertial follow-up, the
  residents' view, Open311.
- ``exchange``: importing, exporting, moving a workspace between backends.
- ``documents``: printed maps and protocols, tertial reports, the data the app's maps show.
- ``cli``: the ``safewalk`` command line, one module per command group.
- ``web``: the HTTP side of the app: the JSON API for phones, and the capture page.
"""
