"""What people read: printed maps, walk protocols, tertial reports, the data of the app's maps.

The only home of reportlab, openpyxl and python-docx in ``walks``.

Imports ``analysis``, ``actions``, ``exchange``, ``fieldwork``, ``core`` and ``access``.
"""
