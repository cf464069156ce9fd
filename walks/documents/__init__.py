"""What people read: printed maps, walk protocols, tertial reports, the data of the app's maps.

The only home of reportlab, openpyxl and python-docx in ``walks``.

Imports ``analysis``, ``actions``, ``exchange``, ``fieldwork``, ``core`` and ``access``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

TEXTS_FILE: Final = Path(__file__).with_name("texts.toml")
"""The documents' texts, a ``[section]`` per module or table, for a language editor to change."""
