"""GeoJSON features written for many at once: geometries, axis order, rounding, property values."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.crs import SWEREF99_TM, WGS84, transform_xy
from gis.geojson import column_values, features_geojson, geometries_geojson, to_json

HASSELBY = shapely.Point(662_000.123456, 6_581_000.987654)


def test_geometries_in_wgs84_are_longitude_first_to_a_centimetre() -> None:
    lon, lat = transform_xy(HASSELBY.x, HASSELBY.y, SWEREF99_TM, WGS84)
    (text,) = geometries_geojson(np.array([HASSELBY], dtype=object), crs=WGS84)
    written = json.loads(text)
    assert written["type"] == "Point"
    assert written["coordinates"] == [round(float(lon), 7), round(float(lat), 7)]


def test_geometries_in_sweref_99_tm_can_be_written_northing_first_to_a_millimetre() -> None:
    line = shapely.LineString([(662_000, 6_581_000), (662_100.5, 6_581_100.25)])
    shapes = np.array([HASSELBY, line, None], dtype=object)
    texts = geometries_geojson(shapes, crs=SWEREF99_TM, northing_first=True)
    assert json.loads(texts[0])["coordinates"] == [6_581_000.988, 662_000.123]
    assert json.loads(texts[1])["coordinates"] == [[6_581_000, 662_000], [6_581_100.25, 662_100.5]]
    assert texts[2] is None
    as_stored = geometries_geojson(shapes[:1], crs=SWEREF99_TM)
    assert json.loads(as_stored[0])["coordinates"] == [662_000.123, 6_581_000.988]


def test_a_polygon_keeps_its_rings() -> None:
    holed = shapely.Polygon(
        [(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(2, 2), (4, 2), (4, 4), (2, 4)]]
    )
    moved = shapely.affinity.translate(holed, 662_000, 6_581_000)
    (text,) = geometries_geojson(np.array([moved], dtype=object), crs=SWEREF99_TM)
    assert shapely.from_geojson(text).equals(moved)


def test_property_columns_are_json_values_with_gaps_as_null() -> None:
    frame = pd.DataFrame({
        "number": [1, 2],
        "lamp_count": pd.array([3, None], dtype="Int64"),
        "length_m": [12.5, np.nan],
        "description": ["Släckt", None],
        "is_demo": [True, False],
        "observed_at": pd.to_datetime(["2026-11-03T16:12:00.250Z", None], utc=True).astype(
            "datetime64[ms, UTC]"),
    })  # fmt: skip
    values = {name: column_values(frame, name) for name in frame.columns}
    assert values == {
        "number": [1, 2], "lamp_count": [3, None], "length_m": [12.5, None],
        "description": ["Släckt", None], "is_demo": [True, False],
        "observed_at": ["2026-11-03T16:12:00.250Z", None],
    }  # fmt: skip
    assert [type(v) for v in values["number"] + values["lamp_count"][:1]] == [int, int, int]


def test_features_are_geojson_with_their_ids_geometries_and_properties() -> None:
    frame = gpd.GeoDataFrame(
        {"description": ["<b>ljus</b> & \"mörker\"", None], "deadline": [date(2027, 1, 31), None]},
        geometry=[HASSELBY, None], crs=SWEREF99_TM, index=[7, 1_000_000_001],
    )  # fmt: skip
    geometries = geometries_geojson(frame.geometry.to_numpy(), crs=WGS84)
    texts = features_geojson(
        frame.index.tolist(), geometries,
        {name: column_values(frame, name) for name in ("description", "deadline")},
    )  # fmt: skip
    first, second = (json.loads(text) for text in texts)
    assert (first["type"], first["id"], first["geometry"]["type"]) == ("Feature", 7, "Point")
    assert first["properties"] == {"description": "<b>ljus</b> & \"mörker\"",
                                   "deadline": "2027-01-31"}  # fmt: skip
    assert (second["id"], second["geometry"]) == (1_000_000_001, None)
    assert second["properties"] == {"description": None, "deadline": None}
    assert features_geojson([3], ['{"type":"Point","coordinates":[1,2]}'], {}) == [
        '{"type":"Feature","id":3,"geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}'
    ]


def test_numbers_json_cannot_hold_are_refused() -> None:
    with pytest.raises(ValueError, match="Out of range float values"):
        to_json({"value": float("nan")})
