"""Fixtures of the use-case tests: the command line's workspace arguments, an empty area."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from layers.memory import MemoryStore
from layers.store import Area
from tests.builders import TEST_BOX
from walks.core.config import settings_from_env
from walks.core.workspace import Workspace, connect_workspace


@pytest.fixture
def ws(workspace_path: Path) -> list[str]:
    """The command line's arguments for the seeded workspace, in English, as ``tester``."""
    return ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]


@pytest.fixture
def ws_sv(workspace_path: Path) -> list[str]:
    """The command line's arguments for the seeded workspace, in Swedish, as ``tester``."""
    return ["--workspace", str(workspace_path), "--lang", "sv", "--user", "tester"]


@pytest.fixture
def empty_area() -> Iterator[Workspace]:
    """A workspace in memory with one empty 2 km × 2 km area, ``test`` (``TEST_BOX``)."""
    name = f"analysis-{uuid4().hex}"
    settings = settings_from_env({"SAFEWALK_SEED": "0"}, workspace=f"memory://{name}")
    workspace = connect_workspace(settings)
    workspace.store.add_area(Area("test", "Test", TEST_BOX), actor="tests")
    yield workspace
    MemoryStore.discard(name)
