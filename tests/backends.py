"""The store backends every store test runs on, with the marker of the one that needs a server."""

from __future__ import annotations

from typing import Final

import pytest

STORE_BACKEND_PARAMS: Final = (
    pytest.param("gpkg"),
    pytest.param("memory"),
    pytest.param("postgis", marks=pytest.mark.postgis),  # the test run's PostgreSQL server
)
"""Every store backend the store contract runs on, for ``parametrize`` (``new_store`` knows
their addresses)."""

STORE_BACKENDS: Final = tuple(str(param.values[0]) for param in STORE_BACKEND_PARAMS)
"""The backends' names, for a test that opens them all itself."""
