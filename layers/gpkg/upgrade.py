"""Bringing an area file up to the catalog: layers, fields and indexes it gained since."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from layers.catalog import Catalog, FieldSpec
from layers.gpkg.gdal import (
    SQL_TYPES,
    create_indexes,
    create_tables,
    expected_indexes,
    write_styles,
)
from layers.gpkg.sqlite import connect, quote, transaction
from layers.schema import TableSpec

log = logging.getLogger(__name__)


@dataclass(slots=True)
class MissingSchema:
    """What an area file lacks of the catalog's layout."""

    tables: list[str] = field(default_factory=list)
    columns: list[tuple[str, FieldSpec]] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    widened: list[str] = field(default_factory=list)
    """Layers that now take several kinds of geometry and are typed for one."""

    def __bool__(self) -> bool:
        return bool(self.tables or self.columns or self.indexes or self.widened)


def missing_schema(path: Path, tables: Mapping[str, TableSpec]) -> MissingSchema:
    """Return the tables, fields and indexes of ``tables`` that ``path`` does not have yet."""
    missing = MissingSchema()
    with connect(path) as connection:
        existing = {row[0] for row in connection.execute("SELECT table_name FROM gpkg_contents")}
        indexes = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        typed = dict(
            connection.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns")
        )
        for name, table in tables.items():
            if name not in existing:
                missing.tables.append(name)
                continue
            columns = {row[1] for row in connection.execute(f"PRAGMA table_info({quote(name)})")}
            missing.columns += [(name, f) for f in table.fields if f.name not in columns]
            if table.geometry == "Geometry" and str(typed.get(name, "")).upper() != "GEOMETRY":
                missing.widened.append(name)
            missing.indexes += [
                name for index, _, _ in expected_indexes(table) if index not in indexes
            ]
    return missing


def upgrade_area(path: Path, catalog: Catalog, tables: Mapping[str, TableSpec]) -> None:
    """Add what ``missing_schema`` finds; call with the workspace lock held."""
    missing = missing_schema(path, tables)
    if missing.tables:
        log.info("adding layers %s to %s", missing.tables, path)
        create_tables(path, [tables[name] for name in missing.tables])
        with transaction(path) as connection:
            write_styles(connection, catalog, missing.tables)
    with transaction(path) as connection:
        for table, spec in missing.columns:
            log.info("adding field %s.%s to %s", table, spec.name, path)
            connection.execute(
                f"ALTER TABLE {quote(table)} ADD COLUMN {quote(spec.name)} {SQL_TYPES[spec.type]}"
            )
        create_indexes(connection, list(tables.values()))
        for name in missing.widened:
            log.info("layer %s of %s now takes several kinds of geometry", name, path)
            _widen(connection, name)
        if missing.widened:
            write_styles(connection, catalog, missing.widened)


def _widen(connection: sqlite3.Connection, table: str) -> None:
    """Let ``table``'s geometry column take any kind (GeoPackage's GEOMETRY), in place.

    Both the GeoPackage metadata and the column's declared type change, as GDAL checks
    that they agree. SQLite cannot alter a column's type; the declared type is rewritten
    in the schema as SQLite documents for changes that leave the stored data as it is
    (https://sqlite.org/lang_altertable.html, "other kinds of table schema changes"):
    POINT and GEOMETRY have the same (NUMERIC) affinity, and every stored geometry stays
    valid, as GEOMETRY takes any kind.
    """
    connection.execute(
        "UPDATE gpkg_geometry_columns SET geometry_type_name = 'GEOMETRY' WHERE table_name = ?",
        (table,),
    )
    (sql,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    widened = re.sub(r'("geom"\s+)[A-Z]+', r"\1GEOMETRY", sql, count=1)
    (version,) = connection.execute("PRAGMA schema_version").fetchone()
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (widened, table)
    )
    connection.execute(f"PRAGMA schema_version = {int(version) + 1}")
    connection.execute("PRAGMA writable_schema = OFF")
