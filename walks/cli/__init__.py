"""The ``safewalk`` command line: the parser in ``main``, one module per command group.

May import every other room of ``walks``; nothing imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

TEXTS_FILE: Final = Path(__file__).with_name("texts.toml")
"""The command line's texts, a ``[section]`` per module, for a language editor to change."""
