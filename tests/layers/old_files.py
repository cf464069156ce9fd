"""Area files made by an earlier version of the store, in a workspace folder of their own.

``data/mixed-v1.gpkg`` (categories) and ``data/reference-v1.gpkg`` (reference layers of any
kind) were written before each kind of geometry had a typed table (see ``data/README.md``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from layers.gpkg.folder import WORKSPACE_MARKER

FIXTURE = Path(__file__).with_name("data") / "mixed-v1.gpkg"
REFERENCE_FIXTURE = FIXTURE.with_name("reference-v1.gpkg")


def old_workspace(tmp_path: Path, fixture: Path = FIXTURE) -> Path:
    """Return a workspace folder holding a copy of ``fixture`` as the area ``old``."""
    root = tmp_path / "ws"
    root.mkdir()
    (root / WORKSPACE_MARKER).write_text("schema_version = 1\n", encoding="utf-8")
    shutil.copy(fixture, root / "old.gpkg")
    return root
