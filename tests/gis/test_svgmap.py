"""Static SVG maps: one scale, north up, every text escaped."""

from __future__ import annotations

import shapely
from defusedxml.ElementTree import fromstring

from gis.svgmap import SvgPoint, SvgPolygon, map_svg

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
SVG = "{http://www.w3.org/2000/svg}"
AREA = shapely.box(661_000, 6_580_000, 663_000, 6_581_000)  # 2 km × 1 km, EPSG:3006


def test_the_map_keeps_the_areas_proportions() -> None:
    svg = map_svg([SvgPolygon(AREA, label="Grimsta")], width_px=400)
    root = fromstring(svg)
    assert root.get("width") == "400"
    assert root.get("height") == "208"  # 1 080 m × 2 080 m with the 2 % margin


def test_labels_titles_and_the_caption_are_escaped() -> None:
    svg = map_svg(
        [SvgPolygon(AREA, label=HOSTILE)],
        [SvgPoint(662_000, 6_580_500, "#ff0000", f"1. Belysning: {HOSTILE}")],
        caption=HOSTILE,
    )
    assert HOSTILE not in svg
    assert svg.count(ESCAPED) == 4  # the area's title and label, the point's title, the caption
    titles = [t.text for t in fromstring(svg).iter(f"{SVG}title")]
    assert f"1. Belysning: {HOSTILE}" in titles


def test_a_point_north_of_another_is_drawn_higher_up() -> None:
    svg = map_svg(
        [SvgPolygon(AREA)],
        [SvgPoint(662_000, 6_580_900, "#000000"), SvgPoint(662_000, 6_580_100, "#000000")],
    )
    north, south = (float(c.get("cy", "0")) for c in fromstring(svg).iter(f"{SVG}circle"))
    assert north < south


def test_background_water_is_clipped_to_the_map() -> None:
    lake = shapely.box(650_000, 6_570_000, 662_000, 6_590_000)  # reaches far outside the map
    svg = map_svg([SvgPolygon(AREA)], background=[lake], width_px=400)
    water = next(p for p in fromstring(svg).iter(f"{SVG}path") if p.get("fill") == "#cfe5f5")
    xs = [float(pair.split(",")[0].lstrip("MLZ ")) for pair in water.get("d", "").split(" L")]
    assert min(xs) >= 0
    assert max(xs) <= 400


def test_a_map_without_polygons_is_an_empty_strip() -> None:
    assert map_svg([]).startswith('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="40"')
