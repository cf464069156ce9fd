"""Offline folium maps: Leaflet from the app, fitted to a geometry, user text escaped."""

from __future__ import annotations

import json
import re

import shapely

from gis.webmap import (
    LEAFLET_BASE,
    OSM_TILES,
    add_layer_control,
    add_layer_group,
    add_line,
    add_points,
    add_polygons,
    fitted_web_map,
)

# Hässelby gård, roughly, in WGS 84.
AREA = shapely.box(17.83, 59.36, 17.86, 59.375)
HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def test_a_fitted_map_centres_on_the_geometry_and_fits_its_bounds() -> None:
    fmap = fitted_web_map(AREA, zoom=15, tiles_url=None)
    lat, lon = fmap.location
    assert AREA.contains(shapely.Point(lon, lat))
    html = fmap.get_root().render()
    assert "fitBounds" in html
    assert "[[59.36, 17.83], [59.375, 17.86]]" in html


def test_the_map_loads_leaflet_from_the_app_and_nothing_from_a_cdn() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    add_points(fmap, [(17.84, 59.365, "#ff0000", "1. Belysning")])
    html = fmap.get_root().render()
    assert f"{LEAFLET_BASE}/leaflet.js" in html
    assert "cdn" not in html.lower()
    assert "tile.openstreetmap.org" not in html


def test_user_text_in_tooltips_is_escaped() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    add_points(fmap, [(17.84, 59.365, "#ff0000", f"1. Belysning: {HOSTILE}")])
    add_polygons(fmap, [(HOSTILE, AREA)])
    add_line(fmap, shapely.LineString([(17.84, 59.365), (17.85, 59.37)]), label=HOSTILE)
    html = fmap.get_root().render()
    assert HOSTILE not in html
    assert html.count(ESCAPED) == 3


def test_the_attribution_of_a_layer_is_trusted_html() -> None:
    link = '<a href="https://example.org">Källa</a>'
    fmap = fitted_web_map(AREA, tiles_url=None)
    add_polygons(fmap, [("Område", AREA)], attribution=link)
    found = re.search(r'"attribution": (".*?"),?\n', fmap.get_root().render())
    assert found is not None
    assert json.loads(found.group(1)) == link  # Leaflet shows it as HTML: a working link


def test_layer_groups_are_listed_in_leaflets_own_layer_control_with_escaped_names() -> None:
    fmap = fitted_web_map(AREA, tiles_url=OSM_TILES)
    add_polygons(fmap, [("Område", AREA)])
    group = add_layer_group(fmap, HOSTILE)
    add_points(group, [(17.84, 59.365, "#ff0000", "1. Belysning")])
    add_layer_group(fmap, "Klotter")
    add_layer_control(fmap)
    html = fmap.get_root().render()
    assert "L.control.layers(" in html
    assert "cdn" not in html.lower()
    overlays = re.search(r"overlays :\s*\{(.*?)\},", html, flags=re.DOTALL)
    assert overlays is not None
    names = [json.loads(n) for n in re.findall(r'^\s*(".*?") :', overlays.group(1), re.M)]
    assert names == [ESCAPED, "Klotter"]  # the boundary is background, not a layer
    assert '"OpenStreetMap" :' in html  # the tiles are the one base layer
