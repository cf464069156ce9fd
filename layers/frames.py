"""Data frames of layers, the same for every backend: one dtype per field type.

pandas and geopandas are imported in the functions that use them, not at the top: every
command line start imports this module, and most commands never build a frame (importing
geopandas costs about a third of a second).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from gis.crs import SWEREF99_TM
from gis.i18n import Text
from layers.errors import StoredValueError
from layers.schema import TableSpec

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import NDArray
    from pandas.api.extensions import ExtensionArray
    from shapely.geometry.base import BaseGeometry

    from layers.catalog import FieldType

    Column: TypeAlias = NDArray[Any] | ExtensionArray
    """One column of a layer frame: a numpy array or a pandas extension array."""


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
    arrays = {
        name: values_to_column(field_type(table, name), values) for name, values in columns.items()
    }
    shapes = None
    if geometries is not None:
        shapes = np.empty(len(geometries), dtype=object)
        shapes[:] = geometries
    return columns_to_frame(table, np.asarray(fids, dtype=np.int64), arrays, shapes)


def joined_frames(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Return the frames of a category's tables (``TableSpec.parts``) as one, in their order.

    The parts number their fids from ranges of their own (``layers.schema.PART_FIDS``):
    the index stays unique, in fid order. A frame alone holding rows is returned as it is.
    """
    import pandas as pd

    filled = [frame for frame in frames if len(frame)]
    if len(filled) <= 1:
        return filled[0] if filled else frames[0]
    return pd.concat(filled)


def columns_to_frame(
    table: TableSpec,
    fids: NDArray[np.int64],
    columns: Mapping[str, Column],
    geometries: NDArray[np.object_] | None,
) -> gpd.GeoDataFrame:
    """Return finished columns (``values_to_column``) as a (Geo)DataFrame, index = fid.

    The columns are taken as they are; the geometries are shapely objects in EPSG:3006.
    """
    import geopandas as gpd
    import pandas as pd

    index = pd.Index(fids, name="fid", dtype="int64")
    # An explicit dtype keeps object columns object: pandas would infer its own str dtype.
    series = {
        name: pd.Series(values, index=index, dtype=values.dtype, copy=False)
        for name, values in columns.items()
    }
    if table.geometry is None:
        return pd.DataFrame(series, index=index, copy=False)
    shapes = np.empty(0, dtype=object) if geometries is None else geometries
    # The geometry as a series among the others: GeoDataFrame(frame, geometry=...) would copy.
    series["geometry"] = gpd.GeoSeries(shapes, index=index, crs=SWEREF99_TM)
    return gpd.GeoDataFrame(series, index=index, geometry="geometry", copy=False)


def field_type(table: TableSpec, name: str) -> FieldType | None:
    """Return the type of ``table``'s field ``name`` (None for a column it does not have)."""
    spec = table.field(name)
    return spec.type if spec else None


def values_to_column(kind: FieldType | None, values: Sequence[Any]) -> Column:
    """Return the stored values of one field (Python values, None for NULL) as a column.

    Datetimes are text as GeoPackage stores them (ISO 8601). Clean values take a numpy
    fast path; anything else (NULLs among values, values of another type) goes through
    pandas, which gives the nullable dtypes, and the errors.
    """
    if kind == "datetime":
        return texts_to_datetimes(values)
    if kind == "integer":
        return _integers(values)
    if kind == "real":
        return _reals(values)
    if kind == "boolean":
        return _booleans(values)
    return values_to_objects(values)


def null_column(kind: FieldType | None, count: int) -> Column:
    """Return ``count`` (≥ 1) NULLs of a field as ``values_to_column`` gives them."""
    import pandas as pd

    unset = np.ones(count, dtype=bool)
    if kind == "datetime":
        return epoch_ms_to_datetimes(np.full(count, np.iinfo(np.int64).min))  # NaT
    if kind == "integer":
        return pd.arrays.IntegerArray(np.zeros(count, dtype=np.int64), unset)
    if kind == "real":
        return np.full(count, np.nan)
    if kind == "boolean":
        return pd.arrays.BooleanArray(np.zeros(count, dtype=bool), unset)
    return np.full(count, None, dtype=object)


def values_to_objects(values: Sequence[Any]) -> NDArray[np.object_]:
    """Return ``values`` as a one-dimensional object array of the values themselves."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    objects = np.empty(len(values), dtype=object)
    objects[:] = values
    return objects


def texts_to_datetimes(texts: Sequence[str | None]) -> ExtensionArray:
    """Return ISO 8601 texts (None for NULL) as ``datetime64[ms, UTC]``; naive ones are UTC.

    Any ISO 8601 form other tools write is read: with or without (milli)seconds, 'Z' or an
    offset such as '+01:00'. Digits finer than milliseconds are cut off.

    Raises
    ------
    StoredValueError
        Naming the first text that is not a point in time.
    """
    import pandas as pd

    series = pd.Series(values_to_objects(texts), dtype=object, copy=False)
    try:
        # No cache: parsing is faster than finding the unique texts first.
        parsed = pd.to_datetime(series, utc=True, format="ISO8601", cache=False)
    except (ValueError, OverflowError):
        coerced = pd.to_datetime(series, utc=True, format="ISO8601", errors="coerce")
        bad = series[coerced.isna() & series.notna()]
        value = bad.iloc[0] if len(bad) else None
        raise StoredValueError(
            Text(
                sv=f"Värdet {value!r} går inte att läsa som tidpunkt.",
                en=f"The value {value!r} cannot be read as a point in time.",
            )
        ) from None
    return parsed.dt.as_unit("ms").array


def epoch_ms_to_datetimes(epoch_ms: NDArray[np.int64]) -> ExtensionArray:
    """Return milliseconds since 1970-01-01 UTC as ``datetime64[ms, UTC]``."""
    import pandas as pd

    moments = epoch_ms.astype(np.int64, copy=False).view("datetime64[ms]")
    return pd.array(moments, dtype=pd.DatetimeTZDtype(unit="ms", tz="UTC"))


def _inferred(values: Sequence[Any]) -> NDArray[Any]:
    """Return the values in the numpy dtype they fit: object when mixed or NULL."""
    if not len(values):
        return np.empty(0, dtype=np.int64)
    return np.array(values.tolist() if isinstance(values, np.ndarray) else values)


def _nulls(values: Sequence[Any]) -> NDArray[np.bool_]:
    nulls: NDArray[np.bool_] = np.equal(values_to_objects(values), np.array(None, dtype=object))
    return nulls


def _integers(values: Sequence[Any]) -> Column:
    inferred = _inferred(values)
    if inferred.dtype.kind == "i":
        integers: NDArray[np.int64] = inferred.astype(np.int64, copy=False)
        return integers
    nulls = _nulls(values)
    if nulls.all():  # an optional field nobody filled in
        return null_column("integer", len(nulls))
    return _through_pandas(values, "Int64" if nulls.any() else "int64")


def _reals(values: Sequence[Any]) -> Column:
    inferred = _inferred(values)
    if inferred.dtype.kind in "if":
        reals: NDArray[np.float64] = inferred.astype(np.float64, copy=False)
        return reals
    return _through_pandas(values, "float64")


def _booleans(values: Sequence[Any]) -> Column:
    inferred = _inferred(values)
    if inferred.dtype.kind in "ib":
        flags: NDArray[np.bool_] = inferred.astype(bool)
        return flags
    nulls = _nulls(values)
    if nulls.all():
        return null_column("boolean", len(nulls))
    return _through_pandas(values, "boolean" if nulls.any() else "bool")


def _through_pandas(values: Sequence[Any], dtype: str) -> Column:
    import pandas as pd

    series = pd.Series(values_to_objects(values), dtype=object, copy=False).astype(dtype)
    if isinstance(series.dtype, np.dtype):
        array: NDArray[Any] = series.to_numpy()
        return array
    return series.array
