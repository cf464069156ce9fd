"""Shared fixtures: the shipped catalog, seeded workspaces (files copied per test, or in
memory), a one-area GeoPackage store, and ``any_store``: one empty area on every backend.

A test that uses the PostgreSQL server is marked ``postgis`` here (``-m "not postgis"`` leaves
it out); a backend parameter marks its own runs (``tests/backends.py``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from layers.catalog import Catalog
from layers.gpkg import GeoPackageStore
from layers.memory import MemoryStore
from layers.schema import load_layer_catalog
from layers.store import Area, Store, open_store
from tests.backends import STORE_BACKEND_PARAMS
from tests.builders import TEST_BOX
from tests.postgres import TEMPLATE, PostgresServer, running_server
from walks.core.config import Settings, settings_from_env
from walks.core.workspace import Workspace
from walks.fieldwork.startup import open_workspace


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``postgis`` every test that asks for the PostgreSQL server."""
    for item in items:
        if "postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgis)


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


@pytest.fixture
def memory_settings() -> Iterator[Settings]:
    """Settings of a workspace in memory, of this test's own; forgotten after the test."""
    name = f"test-{uuid4().hex}"
    yield settings_from_env({}, workspace=f"memory://{name}", language="en")
    MemoryStore.discard(name)


@pytest.fixture
def memory_workspace(memory_settings: Settings) -> Workspace:
    """A new workspace in memory, seeded like a new one on disk (areas and demo data).

    For use-case tests that do not need files: about 10 ms instead of copying ten
    GeoPackages.
    """
    return open_workspace(memory_settings)


@pytest.fixture(scope="session")
def _postgres() -> Iterator[PostgresServer | None]:
    with running_server() as server:
        yield server


@pytest.fixture
def postgres(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """The test run's PostgreSQL server with PostGIS; missing, its tests skip (fail in CI).

    A test that reaches it without the ``postgis`` marker fails: the fast lane
    (``-m "not postgis"``) must not start a database. The databases a test made are dropped
    after it.
    """
    if request.node.get_closest_marker("postgis") is None:
        pytest.fail(f"{request.node.nodeid} uses PostgreSQL: mark it postgis", pytrace=False)
    server: PostgresServer | None = request.getfixturevalue("_postgres")
    if server is None:
        message = "PostgreSQL with PostGIS is missing (apt-get install postgresql-15-postgis-3)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs it: {message}", pytrace=False)
        pytest.skip(message)
    yield server
    server.drop_databases()


def add_test_area(store: Store) -> None:
    """Add the area ``test``, covering ``TEST_BOX``."""
    store.add_area(Area("test", "Test", TEST_BOX), actor="tests")


@pytest.fixture
def new_store(
    tmp_path: Path, catalog: Catalog, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Store]]:
    """Return a function that opens a new, empty store of a backend (``tests/backends.py``);
    with ``test_area=True`` the store has the area ``test`` (``add_test_area``)."""
    memory_names: list[str] = []
    databases: list[Store] = []

    def with_test_area(url: str) -> None:
        store = open_store(url, catalog=catalog)
        try:
            add_test_area(store)
        finally:
            store.close()

    def open_new(backend: str, *, test_area: bool = False) -> Store:
        if backend == "gpkg":
            url = str(tmp_path / f"store-{uuid4().hex[:8]}")
        elif backend == "memory":
            memory_names.append(f"test-{uuid4().hex}")
            url = f"memory://{memory_names[-1]}"
        elif backend == "postgis":
            server: PostgresServer = request.getfixturevalue("postgres")
            # The area copied with the database: its tables take the server most of a
            # second to make, the copy a fraction of it.
            template = server.template_with("safewalk_test_area", with_test_area)
            databases.append(
                open_store(
                    server.new_database(template if test_area else TEMPLATE), catalog=catalog
                )
            )
            return databases[-1]
        else:
            pytest.fail(f"no store address for the backend {backend!r}")
        store = open_store(url, catalog=catalog)
        if test_area:
            add_test_area(store)
        return store

    yield open_new
    for name in memory_names:
        MemoryStore.discard(name)
    for store in databases:
        store.close()


@pytest.fixture(params=STORE_BACKEND_PARAMS)
def store_backend(request: pytest.FixtureRequest) -> str:
    """The name of the backend ``any_store`` runs on."""
    backend: str = request.param
    return backend


@pytest.fixture
def any_store(store_backend: str, new_store: Callable[..., Store]) -> Store:
    """A store with one empty area, ``test``, covering ``TEST_BOX``, on each backend in turn.

    On PostGIS the area comes with the database, copied from a template made once per run:
    its entry in the change log is as old as the template.
    """
    return new_store(store_backend, test_area=True)
