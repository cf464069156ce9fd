"""Layers made by GDAL, so files carry what QGIS and GDAL expect; their indexes and styles.

GDAL (through pyogrio) creates each empty layer: GeoPackage 1.2 metadata, the R-tree
spatial index and the feature-count triggers. GDAL only ever opens a file that no
connection of this process holds: an area file being upgraded under the workspace lock,
or a template. pyogrio and pyarrow are imported where layers are made, which most runs
never do.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from gis.crs import SWEREF99_TM
from layers.catalog import Catalog
from layers.gpkg.sqlite import connect, quote
from layers.qml import buildings_qml, category_qml, line_qml, marker_qml, polygon_qml, streets_qml
from layers.schema import (
    AREA_LAYER,
    DARK_LAYER,
    HOTSPOTS_LAYER,
    INBOX_LAYER,
    PATH_TYPES,
    REFERENCE_KINDS,
    WALKS_LAYER,
    TableSpec,
    category_tables,
    datetime_to_text,
    kind_tables,
    reference_layer,
)
from layers.values import ReferenceKind

if TYPE_CHECKING:
    import pyarrow as pa

SQL_TYPES: Final = {
    "text": "TEXT",
    "integer": "INTEGER",
    "real": "REAL",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "DATETIME",
    "binary": "BLOB",
}
REFERENCE_STYLES: Final = {
    ReferenceKind.LAMPS: ("#F0E442", "circle"),
    ReferenceKind.STOPS: ("#0072B2", "square"),
    ReferenceKind.ENTRANCES: ("#0072B2", "triangle"),
    ReferenceKind.SCHOOLS: ("#999999", "pentagon"),
    ReferenceKind.OTHER: ("#FFFFFF", "diamond"),
}
"""Reference layers in QGIS: small, light markers under the observations."""
REFERENCE_OUTLINES: Final = {ReferenceKind.SCHOOLS: "#999999", ReferenceKind.OTHER: "#666666"}
"""The colour of the lines and area outlines of the reference layers of any kind."""
INDEXED_COLUMNS: Final = (
    ("uuid", True),
    ("number", True),
    ("walk_uuid", False),
    ("feature_uuid", False),
    ("source_id", False),
)
"""Columns with an index where a table has them, and whether it is unique."""
UNSYNCED_OPTIONS: Final = {"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_JOURNAL": "MEMORY"}
"""GDAL config options for a file nobody relies on yet: no fsync, rollback journal in memory."""

_CREATING = threading.RLock()
"""Held while GDAL creates layers. GDAL's config options are process-wide: a thread that
turned syncing off for a template must not lend that to another thread's upgrade of a
live area file."""


def arrow_schema(table: TableSpec) -> pa.Schema:
    """Return the Arrow schema GDAL turns into ``table``'s columns."""
    import pyarrow as pa

    types = {
        "text": pa.string(),
        "integer": pa.int64(),
        "real": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("ms", tz="UTC"),
        "binary": pa.binary(),
    }
    fields = [pa.field(f.name, types[f.type]) for f in table.fields]
    if table.geometry is not None:
        fields.insert(0, pa.field("geom", pa.binary()))
    return pa.schema(fields)


@contextmanager
def gdal_without_sync() -> Iterator[None]:
    """Let GDAL skip every fsync in this block; the options are restored on leaving.

    Only for files no other process can see yet and that are thrown away if the
    process dies: a template, an area file under its temporary name. While the block
    runs, no other thread of this process creates layers (``create_tables`` waits), so
    a live file is never written unsynced. GDAL reads are not affected by the options.
    """
    import pyogrio

    with _CREATING:
        previous = {name: pyogrio.get_gdal_config_option(name) for name in UNSYNCED_OPTIONS}
        pyogrio.set_gdal_config_options(UNSYNCED_OPTIONS)
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options(previous)


def create_tables(path: Path, tables: Sequence[TableSpec]) -> None:
    """Create empty layers with GDAL so they carry GDAL's metadata, index and triggers.

    Each layer is one GDAL open and close of ``path``, with GDAL's (full) syncing
    unless called inside ``gdal_without_sync``.
    """
    import pyarrow as pa
    import pyogrio

    with _CREATING:
        for table in tables:
            pyogrio.write_arrow(
                pa.Table.from_batches([], schema=arrow_schema(table)),
                path,
                layer=table.name,
                driver="GPKG",
                geometry_name="geom" if table.geometry else None,
                geometry_type="Unknown" if table.geometry == "Geometry" else table.geometry,
                crs=SWEREF99_TM if table.geometry else None,
                dataset_options={"VERSION": "1.2"},
                layer_options={"DESCRIPTION": f"{table.title.sv} / {table.title.en}"},
            )
        if not any(t.name == "layer_styles" for t in tables) and not _has_table(
            path, "layer_styles"
        ):
            _create_styles_table(path)


def _has_table(path: Path, name: str) -> bool:
    with connect(path) as connection:
        found = connection.execute("SELECT 1 FROM gpkg_contents WHERE table_name = ?", (name,))
        return found.fetchone() is not None


def _create_styles_table(path: Path) -> None:
    """Create QGIS' ``layer_styles`` table, registered as an attributes table."""
    import pyarrow as pa
    import pyogrio

    text_columns = ("f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column",
                    "styleName", "styleQML", "styleSLD")  # fmt: skip
    schema = pa.schema(
        [pa.field(name, pa.string()) for name in text_columns]
        + [pa.field("useAsDefault", pa.bool_())]
        + [pa.field(name, pa.string()) for name in ("description", "owner", "ui")]
        + [pa.field("update_time", pa.timestamp("ms", tz="UTC"))]
    )
    pyogrio.write_arrow(
        pa.Table.from_batches([], schema=schema),
        path,
        layer="layer_styles",
        driver="GPKG",
        layer_options={"FID": "id"},
    )


def write_styles(connection: sqlite3.Connection, catalog: Catalog, tables: Sequence[str]) -> None:
    """Store safewalk's QGIS style (QML) of each of ``tables`` as its default style."""
    styles = {
        name: category_qml(spec, kind)
        for spec in catalog.categories
        for name, kind in category_tables(spec)
    }
    styles[AREA_LAYER] = polygon_qml("#000000", outline_width_mm=1.0)
    styles[WALKS_LAYER] = line_qml("#0072B2", width_mm=1.0, dashed=True)
    styles[HOTSPOTS_LAYER] = polygon_qml("#D55E00", fill_alpha=60, outline_width_mm=0.6)
    styles[DARK_LAYER] = line_qml("#000000", width_mm=2.0)
    styles[INBOX_LAYER] = marker_qml("#CC79A7", "star", size_mm=3.0)  # waiting to be handled
    for kind, (colour, marker) in REFERENCE_STYLES.items():
        styles[reference_layer(kind)] = marker_qml(colour, marker, size_mm=2.5)
    for kind, outline in REFERENCE_OUTLINES.items():
        for name, geometry in kind_tables(reference_layer(kind), "Point", REFERENCE_KINDS)[1:]:
            styles[name] = (
                line_qml(outline, width_mm=0.6)
                if geometry == "LineString"
                else polygon_qml(outline, fill_alpha=25, outline_width_mm=0.4)
            )
    styles[reference_layer(ReferenceKind.OWNERS)] = polygon_qml(
        "#666666", fill_alpha=25, outline_width_mm=0.4
    )
    styles[reference_layer(ReferenceKind.STREETS)] = streets_qml(PATH_TYPES)
    styles[reference_layer(ReferenceKind.BUILDINGS)] = buildings_qml()
    for name in tables:
        if name not in styles:
            continue
        connection.execute(
            "DELETE FROM layer_styles WHERE f_table_name = ? AND styleName = 'safewalk'", (name,)
        )
        connection.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui, update_time) VALUES ('', '', ?, 'geom', 'safewalk', ?, '', 1, ?, "
            "'safewalk', '', ?)",
            (name, styles[name], "safewalk default style", datetime_to_text(datetime.now(UTC))),
        )


def start_fids(connection: sqlite3.Connection, tables: Sequence[TableSpec]) -> None:
    """Make each table number its rows from its ``first_fid`` on (never back).

    GDAL makes every fid AUTOINCREMENT, so the next fid follows ``sqlite_sequence``,
    whoever inserts (safewalk, GDAL, QGIS).
    """
    for table in tables:
        if table.first_fid <= 1:
            continue
        start = table.first_fid - 1
        updated = connection.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (start, table.name)
        )
        if updated.rowcount == 0:
            connection.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, start)
            )


def index_name(table: str, column: str) -> str:
    """Return the name of safewalk's index on ``table.column``."""
    return f"idx_{table}_{column}"


def expected_indexes(table: TableSpec) -> list[tuple[str, str, bool]]:
    """Return (index name, column, unique) of every index ``table`` should have."""
    return [
        (index_name(table.name, column), column, unique)
        for column, unique in INDEXED_COLUMNS
        if column in table.field_names
    ]


def create_indexes(connection: sqlite3.Connection, tables: Sequence[TableSpec]) -> None:
    """Create the indexes ``tables`` should have and do not have yet."""
    for table in tables:
        for name, column, unique in expected_indexes(table):
            connection.execute(
                f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS {quote(name)} "
                f"ON {quote(table.name)} ({quote(column)})"
            )
