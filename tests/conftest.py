"""Shared fixtures: the shipped catalog, seeded workspaces copied per test, a one-area store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import shapely

from layers.catalog import Catalog
from layers.gpkg import GeoPackageStore
from layers.schema import load_layer_catalog
from layers.store import Area
from walks.config import Settings, settings_from_env
from walks.startup import open_workspace
from walks.workspace import Workspace

# A 2 km square in Grimsta, SWEREF 99 TM.
TEST_BOX = shapely.box(661_000, 6_580_000, 663_000, 6_582_000)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_layer_catalog()


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the shipped areas and the demo data, built once per test run."""
    path = tmp_path_factory.mktemp("template") / "workspace"
    open_workspace(settings_from_env({}, workspace=str(path)))
    return path


@pytest.fixture
def workspace_path(tmp_path: Path, _seeded_template: Path) -> Path:
    """A fresh copy of the seeded workspace for one test."""
    path = tmp_path / "workspace"
    shutil.copytree(_seeded_template, path)
    return path


@pytest.fixture
def settings(workspace_path: Path) -> Settings:
    return settings_from_env({}, workspace=str(workspace_path), language="en")


@pytest.fixture
def workspace(settings: Settings) -> Workspace:
    return open_workspace(settings)


@pytest.fixture
def store(tmp_path: Path, catalog: Catalog) -> GeoPackageStore:
    """A GeoPackage store with one empty area, ``test``, covering ``TEST_BOX``."""
    store = GeoPackageStore(tmp_path / "store", catalog)
    store.add_area(Area("test", "Test", TEST_BOX), actor="tests")
    return store
