"""The residents' page's map of an area: outlines in SWEREF 99 TM metres, a tap to lon/lat."""

from __future__ import annotations

import math
import re

import numpy as np
import shapely

from gis.crs import to_wgs84
from walks.core.workspace import Workspace
from walks.documents.mapdata import shipped_water
from walks.web.areamap import area_map

METRES_PER_DEGREE = 111_320.0


def test_a_tap_anywhere_on_any_areas_map_gives_its_position_within_three_metres(
    memory_workspace: Workspace,
) -> None:
    areas = memory_workspace.areas()
    for area in areas:
        drawn = area_map(area, areas, ())
        a, b, c, d, e, f = drawn.to_lon_lat
        xs, ys = np.meshgrid(np.linspace(0, drawn.width, 25), np.linspace(0, drawn.height, 25))
        taps = np.column_stack([xs.ravel(), ys.ravel()])
        truth = to_wgs84(shapely.MultiPoint(np.column_stack(
            [drawn.west + taps[:, 0], drawn.north - taps[:, 1]])))  # fmt: skip
        worst = 0.0
        for (x, y), point in zip(taps, truth.geoms, strict=True):
            lon, lat = a * x + b * y + c, d * x + e * y + f
            east = (lon - point.x) * METRES_PER_DEGREE * math.cos(math.radians(lat))
            worst = max(worst, math.hypot(east, (lat - point.y) * METRES_PER_DEGREE))
        assert worst < 3.0, area.slug


def test_a_position_is_placed_where_its_tap_would_be_and_outside_the_map_is_none(
    memory_workspace: Workspace,
) -> None:
    areas = memory_workspace.areas()
    area = next(a for a in areas if a.slug == "hasselby-gard")
    drawn = area_map(area, areas, ())
    inside = to_wgs84(area.boundary.representative_point())
    x, y = drawn.position_of(inside.x, inside.y) or (math.nan, math.nan)
    a, b, c, d, e, f = drawn.to_lon_lat
    assert abs(a * x + b * y + c - inside.x) < 5e-5
    assert abs(d * x + e * y + f - inside.y) < 5e-5
    assert shapely.contains_xy(area.boundary, drawn.west + x, drawn.north - y)
    assert drawn.position_of(18.0547, 59.3275) is None  # the city hall, far to the east


def test_the_outlines_are_light_whole_metres_within_the_frame(memory_workspace: Workspace) -> None:
    areas = memory_workspace.areas()
    water = shipped_water(memory_workspace.settings.data_dir)
    for area in areas:
        drawn = area_map(area, areas, water)
        for path in (drawn.boundary, drawn.others, drawn.water):
            assert re.fullmatch(r"(M\d+ \d+(L\d+ \d+)*Z)*", path), area.slug
            numbers = [int(n) for n in re.findall(r"\d+", path)]
            assert all(0 <= n <= max(drawn.width, drawn.height) for n in numbers)
        assert drawn.boundary
        assert len(drawn.boundary + drawn.others + drawn.water) < 20_000, area.slug
    strand = area_map(next(a for a in areas if a.slug == "hasselby-strand"), areas, water)
    assert strand.water  # by Lake Mälaren
