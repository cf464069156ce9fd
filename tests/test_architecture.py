"""Imports go one way (ui → walks → layers → gis), without cycles; only ui/ imports streamlit.

Inside walks/ the rooms import one way too: cli and web → documents → analysis/actions/
exchange → fieldwork → core, with access beside core. Only walks/web serves HTTP (Starlette).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gis", "layers", "walks", "ui")
FORBIDDEN = {
    "gis": {"layers", "walks", "ui", "streamlit", "app"},
    "layers": {"walks", "ui", "streamlit", "app"},
    "walks": {"ui", "streamlit", "app", "folium", "streamlit_folium"},
    "ui": {"app", "layers"},
}

ROOMS = (
    "core", "access", "fieldwork", "analysis", "actions", "exchange", "documents", "cli", "web",
)  # fmt: skip
BELOW: dict[str, set[str]] = {
    "core": set(),
    "access": {"core"},
    "fieldwork": {"core", "access"},
    "analysis": {"core", "access", "fieldwork"},
    "actions": {"core", "access", "fieldwork"},
    "exchange": {"core", "access", "fieldwork"},
    "documents": {"core", "access", "fieldwork", "analysis", "actions", "exchange"},
    "cli": {"core", "access", "fieldwork", "analysis", "actions", "exchange", "documents"},
    "web": {"core", "access", "fieldwork", "analysis", "actions", "exchange", "documents"},
}
"""The rooms of walks/ each may import, besides itself."""
OFFICE_LIBRARIES = {"openpyxl", "docx", "reportlab"}
"""Office and PDF writers: in walks/, only documents/ may use them."""


def imported_names(path: Path) -> Iterator[str]:
    """Every module name ``path`` imports, anywhere (in functions and TYPE_CHECKING too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def imported_packages(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_names(path)}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (``from p import m`` counts when m is a module)."""
    modules = project_modules()
    return {
        name: {imported for imported in imported_names(path) if imported in modules} - {name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downwards(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_inside_a_package() -> None:
    graph = {"walks.a": {"walks.b"}, "walks.b": {"walks.c"}, "walks.c": {"walks.a"}, "gis.x": set()}
    assert cycles(graph) == [["walks.a", "walks.b", "walks.c"]]


def test_pages_hold_no_geopandas_sql_or_file_access() -> None:
    for path in (ROOT / "ui").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert imported_packages(path).isdisjoint({"geopandas", "sqlite3", "pyogrio", "shapely"}), (
            path
        )
        assert "open(" not in text, path


def rooms_imported(path: Path) -> set[str]:
    """The rooms of walks/ that ``path`` imports."""
    return {
        name.split(".")[1]
        for name in imported_names(path)
        if name.startswith("walks.") and name.split(".")[1] in ROOMS
    }


def test_walks_has_no_module_outside_its_rooms() -> None:
    top = {path.name for path in (ROOT / "walks").glob("*.py")}
    rooms = {path.name for path in (ROOT / "walks").iterdir() if (path / "__init__.py").exists()}
    assert top == {"__init__.py"}
    assert rooms == set(ROOMS)


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_imports_only_the_rooms_below_it(room: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(rooms_imported(path) - BELOW[room] - {room})
        for path in (ROOT / "walks" / room).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_each_room_says_what_lives_there_and_what_it_may_import() -> None:
    for room in ROOMS:
        init = ROOT / "walks" / room / "__init__.py"
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring, room
        assert "import" in docstring.lower(), room


def test_only_the_web_room_serves_http() -> None:
    offenders = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "starlette" in imported_packages(path)
        and not path.is_relative_to(ROOT / "walks" / "web")
    }
    assert offenders == set()


def test_office_files_are_written_only_in_documents() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & OFFICE_LIBRARIES)
        for path in (ROOT / "walks").rglob("*.py")
        if path.parent.name != "documents"
    }
    assert {path: names for path, names in offenders.items() if names} == {}


BACKEND_INTERNALS = ("layers.gpkg", "layers.postgis", "layers.memory")
"""The backends: walks/ reaches storage through ``layers.store``'s protocol, never these."""
BACKEND_SERVICES = {"layers.gpkg.standalone"}
"""What walks/ may use of a backend package: the GeoPackage file format for exports."""


def test_walks_reaches_storage_only_through_the_store_protocol() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in imported_names(path)
            if name.startswith(BACKEND_INTERNALS)
            and not any(name == s or name.startswith(f"{s}.") for s in BACKEND_SERVICES)
        )
        for path in (ROOT / "walks").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    """Shared fixtures live in a conftest.py, shared helpers in a module of their own."""
    found = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for name in imported_names(path)
        if name.startswith("tests.")
        and any(part.startswith("test_") or part == "conftest" for part in name.split(".")[1:])
    }
    assert not found, sorted(found)
