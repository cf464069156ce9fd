"""The store backends every store test runs on."""

from __future__ import annotations

from typing import Final

STORE_BACKENDS: Final = ("gpkg", "memory", "postgis")
"""Every store backend the store contract runs on (``new_store`` knows their addresses)."""
