"""Imports go one way: ui → walks → layers → gis; only app.py and ui/ import streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "gis": {"layers", "walks", "ui", "streamlit", "app"},
    "layers": {"walks", "ui", "streamlit", "app"},
    "walks": {"ui", "streamlit", "app"},
    "ui": {"app"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downwards(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_pages_hold_no_geopandas_sql_or_file_access() -> None:
    for path in (ROOT / "ui").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert imported_packages(path).isdisjoint({"geopandas", "sqlite3", "pyogrio", "shapely"}), (
            path
        )
        assert "open(" not in text, path
