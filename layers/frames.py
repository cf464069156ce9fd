"""Data frames of layers, the same for every backend: one dtype per field type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gis.crs import SWEREF99_TM
from layers.schema import TableSpec

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry


def layer_frame(
    table: TableSpec,
    fids: Sequence[int],
    columns: Mapping[str, Sequence[Any]],
    geometries: Sequence[BaseGeometry | None] | None,
) -> gpd.GeoDataFrame:
    """Return stored values of ``table`` (column by column) as a (Geo)DataFrame, index = fid.

    Datetimes become ``datetime64[ms, UTC]``, integers ``int64``, booleans ``bool``;
    a column holding NULLs that the layout requires (a file edited elsewhere) falls back
    to pandas' nullable dtypes. Layers with geometry give a GeoDataFrame in EPSG:3006.
    """
    import geopandas as gpd
    import pandas as pd

    frame = pd.DataFrame(index=pd.Index(fids, name="fid", dtype="int64"))
    for name, values in columns.items():
        spec = table.field(name)
        kind = spec.type if spec else None
        series = pd.Series(values, index=frame.index, dtype=object)
        has_null = None in values
        if kind == "datetime":
            series = pd.to_datetime(series, utc=True, format="ISO8601").dt.as_unit("ms")
        elif kind == "integer":
            series = series.astype("Int64" if has_null else "int64")
        elif kind == "real":
            series = series.astype("float64")
        elif kind == "boolean":
            series = series.astype("boolean" if has_null else "bool")
        frame[name] = series
    if table.geometry is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=list(geometries or ()), crs=SWEREF99_TM)
