"""Reading rows: the select lists of records and of data frames, and rows into frames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from psycopg import sql

from layers.frames import (
    columns_to_frame,
    epoch_ms_to_datetimes,
    field_type,
    values_to_column,
    values_to_objects,
)
from layers.postgis.schema import column_sql
from layers.schema import TableSpec

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import NDArray


def selected(table: TableSpec, names: Sequence[str]) -> sql.Composable:
    """Return the select list of ``names`` (as stored values) and the geometry as WKB."""
    parts = [sql.Identifier("fid"), *(column_sql(table, n) for n in names)]
    if table.geometry is not None:
        parts.append(sql.SQL("ST_AsBinary(geom)"))
    return sql.SQL(", ").join(parts)


def frame_selected(table: TableSpec, names: Sequence[str]) -> sql.Composable:
    """Return the select list of ``names`` for a data frame (``rows_to_frame``).

    Times as milliseconds since 1970 (made into datetimes with numpy, not parsed), points
    as their two coordinates, other geometries as WKB.
    """
    parts: list[sql.Composable] = [sql.Identifier("fid")]
    for name in names:
        spec = table.field(name)
        if spec is not None and spec.type == "datetime":
            parts.append(sql.SQL("(extract(epoch FROM {}) * 1000)::bigint").format(
                sql.Identifier(name)))  # fmt: skip
        else:
            parts.append(column_sql(table, name))
    if table.geometry == "Point":
        parts.append(sql.SQL("ST_X(geom), ST_Y(geom)"))
    elif table.geometry is not None:
        parts.append(sql.SQL("ST_AsBinary(geom)"))
    return sql.SQL(", ").join(parts)


def rows_to_frame(
    table: TableSpec, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> gpd.GeoDataFrame:
    """Return rows selected with ``frame_selected`` as ``layers.frames`` makes layer frames."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(names) + 3)
    fids = np.asarray(columns[0], dtype=np.int64)
    arrays: dict[str, Any] = {}
    for k, name in enumerate(names, start=1):
        kind = field_type(table, name)
        values = columns[k]
        if kind == "datetime":
            nulls = np.array([v is None for v in values], dtype=bool)
            epoch = np.array([0 if v is None else v for v in values], dtype=np.int64)
            epoch[nulls] = np.iinfo(np.int64).min  # NaT
            arrays[name] = epoch_ms_to_datetimes(epoch)
        else:
            arrays[name] = values_to_column(kind, list(values))
    geometries = None
    if table.geometry == "Point":
        xs = np.array([np.nan if v is None else v for v in columns[len(names) + 1]], dtype=float)
        ys = np.array([np.nan if v is None else v for v in columns[len(names) + 2]], dtype=float)
        geometries = shapely.points(xs, ys)
        geometries[np.isnan(xs)] = None
    elif table.geometry is not None:
        geometries = wkb_geometries(columns[len(names) + 1])
    return columns_to_frame(table, fids, arrays, geometries)


def wkb_geometries(wkbs: Sequence[bytes | None]) -> NDArray[np.object_]:
    """Return the geometries of WKB values (None for NULL), parsed together."""
    shapes: NDArray[np.object_] = shapely.from_wkb(
        values_to_objects([None if w is None else bytes(w) for w in wkbs])
    )
    return shapes
