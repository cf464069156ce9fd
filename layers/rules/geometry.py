"""Geometry checks: what each layer takes, checked for all rows at once; which table stores it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from layers.errors import (
    FeatureValidationError,
)
from layers.frames import values_to_objects
from layers.schema import (
    TableSpec,
)


def check_geometry(table: TableSpec, geometry: BaseGeometry | None) -> None:
    """Refuse a geometry that the layer cannot hold: missing, wrong type, invalid, not finite.

    Raises
    ------
    FeatureValidationError
        Naming the layer and what is wrong.
    """
    if geometry is None:
        # Only a walk's planned route (a line) may be left out.
        if table.geometry is not None and table.geometry != "LineString":
            raise FeatureValidationError(
                Text(
                    sv=f"Lagret {table.name!r} kräver en position.",
                    en=f"Layer {table.name!r} needs a position.",
                )
            )
        return
    if table.geometry is None:
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} har ingen geometri.",
                en=f"Layer {table.name!r} has no geometry.",
            )
        )
    if table.accepts and geometry.geom_type not in table.accepts:
        kinds = ", ".join(table.accepts)
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} tar geometri av typerna {kinds}, "
                f"inte {geometry.geom_type}.",
                en=f"Layer {table.name!r} takes {kinds} geometry, not {geometry.geom_type}.",
            )
        )
    if table.geometry != "Geometry" and geometry.geom_type != table.geometry:
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} tar geometri av typen {table.geometry}, "
                f"inte {geometry.geom_type}.",
                en=f"Layer {table.name!r} takes {table.geometry} geometry, "
                f"not {geometry.geom_type}.",
            )
        )
    finite = bool(np.isfinite(shapely.get_coordinates(geometry)).all())
    if geometry.is_empty or not shapely.is_valid(geometry) or not finite:
        reason = shapely.is_valid_reason(geometry)
        raise FeatureValidationError(
            Text(
                sv=f"Ogiltig geometri för lagret {table.name!r}: {reason}.",
                en=f"Invalid geometry for layer {table.name!r}: {reason}.",
            )
        )


def geometry_refusals(
    table: TableSpec, geometries: Sequence[BaseGeometry | None]
) -> dict[int, FeatureValidationError]:
    """Return, by index, why ``check_geometry`` refuses each geometry it refuses.

    The usual case (present, of the layer's kind, valid, finite) is tested for all at
    once; only the others are checked one by one, for the message.
    """
    array = values_to_objects(geometries)
    kinds = table.accepts or (() if table.geometry in (None, "Geometry") else (table.geometry,))
    missing = shapely.is_missing(array)
    fine = missing if table.geometry is None else ~missing
    if kinds:
        fine &= np.isin(shapely.get_type_id(array), [_TYPE_IDS[kind] for kind in kinds])
    fine &= ~shapely.is_empty(array) & shapely.is_valid(array)
    coordinates, index = shapely.get_coordinates(array, return_index=True)
    fine[index[~np.isfinite(coordinates).all(axis=1)]] = False
    refusals = {}
    for k in np.flatnonzero(~fine).tolist():
        try:
            check_geometry(table, array[k])
        except FeatureValidationError as error:
            refusals[k] = error
    return refusals


_TYPE_IDS: Final = {
    "Point": 0, "LineString": 1, "Polygon": 3, "MultiPoint": 4, "MultiLineString": 5,
    "MultiPolygon": 6, "GeometryCollection": 7,
}  # fmt: skip


"""``shapely.get_type_id`` of each geometry type a layer names."""


def rows_by_table(
    table: TableSpec, geometries: Sequence[BaseGeometry | None]
) -> list[tuple[TableSpec, list[int]]]:
    """Return the tables of ``table`` that store ``geometries``, each with their indexes.

    Geometries already checked (``check_geometry``): a category's points, lines and
    areas go to their parts (``TableSpec.part_for``), in the order of the parts; every
    row of a layer without parts goes to the layer itself.
    """
    if not table.parts:
        return [(table, list(range(len(geometries))))]
    kinds = shapely.get_type_id(values_to_objects(geometries))
    return [
        (part, np.flatnonzero(kinds == _TYPE_IDS[str(part.geometry)]).tolist())
        for part in table.parts
    ]


def single_parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    """Return the non-empty single parts of ``geometry`` in order, nested collections' too.

    A point, line or polygon is its own one part; a multi-part geometry or a collection
    is split as QGIS' "Multipart to Singleparts" does.
    """
    if geometry.is_empty:
        return []
    if shapely.get_type_id(geometry) < _TYPE_IDS["MultiPoint"]:
        return [geometry]
    return [part for whole in shapely.get_parts(geometry) for part in single_parts(whole)]
