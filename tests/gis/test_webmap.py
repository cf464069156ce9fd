"""Offline folium maps: Leaflet from the app, fitted to a geometry, user text escaped."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import shapely

from gis.webmap import (
    CHOROPLETH_COLOURS,
    LEAFLET_BASE,
    OSM_TILES,
    NumberedPoints,
    PointSymbol,
    add_choropleth,
    add_compact_points,
    add_draw_tools,
    add_layer_control,
    add_layer_group,
    add_legend,
    add_line,
    add_map_language,
    add_points,
    add_polygons,
    add_shapes,
    class_breaks,
    class_colour,
    fitted_web_map,
    swatch,
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


def compact_data(html: str) -> dict[str, object]:
    """The compact points' data as the browser receives it."""
    payloads = [json.loads(d) for d in re.findall(r"var data = (\{.*?\});\n", html)]
    (data,) = [d for d in payloads if "number" in d]
    return data


def test_compact_points_reach_the_browser_within_a_metre_with_their_number_and_symbol() -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(17.75, 17.95, 1000)
    lat = rng.uniform(59.33, 59.40, 1000)
    symbol = rng.integers(0, 3, 1000)
    number = rng.integers(1, 2_000_000, 1000)
    place = rng.integers(0, 2, 1000)
    fmap = fitted_web_map(AREA, tiles_url=None)
    groups = [add_layer_group(fmap, name) for name in ("A", "B", "C")]
    symbols = [
        PointSymbol(t, "#E69F00", s) for t, s in (("A", "star"), ("B", "square"), ("C", "circle"))
    ]
    points = NumberedPoints(lon, lat, symbol, number, place, ("Grimsta", "Vinsta"))
    add_compact_points(fmap, points, symbols, groups)
    html = fmap.get_root().render()
    data = compact_data(html)
    at = data["at"]
    step = at["step"]
    qlon = np.frombuffer(base64.b64decode(at["lon"]), "<u2")
    qlat = np.frombuffer(base64.b64decode(at["lat"]), "<u2")
    # Metres: a degree of latitude is 111 km, of longitude at 59.4° N about 57 km.
    assert np.abs(at["lat0"] + qlat * step - lat).max() * 111_000 < 1.0
    assert np.abs(at["lon0"] + qlon * step - lon).max() * 57_000 < 1.0
    assert (np.frombuffer(base64.b64decode(data["number"]), "<u4") == number).all()
    assert (np.frombuffer(base64.b64decode(data["symbol"]), "u1") == symbol).all()
    assert (np.frombuffer(base64.b64decode(data["place"]), "<u2") == place).all()
    assert data["places"] == ["Grimsta", "Vinsta"]
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in html
    assert "cdn" not in html.lower()


def test_points_drawn_as_shapes_are_in_the_heat_map_only() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    group, heat = add_layer_group(fmap, "A"), add_layer_group(fmap, "Heat", show=False)
    points = NumberedPoints(np.array([17.84, 17.85]), np.array([59.365, 59.366]),
                            np.array([0, 0]), np.array([1, 2]), np.array([0, 0]), ("X",),
                            marker=np.array([True, False]))  # fmt: skip
    add_compact_points(fmap, points, [PointSymbol("A", "#000000", "circle")], [group],
                       heat_group=heat)  # fmt: skip
    html = fmap.get_root().render()
    symbol = np.frombuffer(base64.b64decode(compact_data(html)["symbol"]), "u1")
    assert list(symbol) == [0, 0x80]
    assert "L.heatLayer(" in html


def test_text_in_the_compact_data_cannot_end_the_script() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    group = add_layer_group(fmap, "A")
    place = "</script><script>alert(1)</script>"
    points = NumberedPoints(np.array([17.84]), np.array([59.365]), np.array([0]),
                            np.array([1]), np.array([0]), (place,))  # fmt: skip
    add_compact_points(fmap, points, [PointSymbol(HOSTILE, "#000000", "circle")], [group])
    html = fmap.get_root().render()
    assert "</script><script>alert" not in html
    assert HOSTILE not in html
    data = compact_data(html)
    assert data["places"] == [place]  # intact once parsed; the browser escapes the tooltip
    assert data["symbols"][0]["title"] == HOSTILE


def test_shapes_choropleth_and_legend_escape_their_labels() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    group = add_layer_group(fmap, "Areas")
    add_shapes(group, [(AREA.boundary, HOSTILE)], colour="#0072B2", fill=False)
    add_choropleth(group, [(AREA, HOSTILE, 3.0)], no_value="–")
    add_legend(fmap, [(swatch("#FFFFB2"), HOSTILE)], title=HOSTILE)
    html = fmap.get_root().render()
    assert HOSTILE not in html
    # Escaped once as HTML; the JSON around it writes & as \u0026.
    assert html.count(ESCAPED.replace("&", "\\u0026")) == 4  # shape, area, legend title, row


def test_class_breaks_split_the_range_evenly_and_the_top_value_is_in_the_top_class() -> None:
    breaks = class_breaks([0.0, 10.0])
    assert breaks == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert class_colour(0.0, breaks) == CHOROPLETH_COLOURS[0]
    assert class_colour(2.5, breaks) == CHOROPLETH_COLOURS[1]
    assert class_colour(10.0, breaks) == CHOROPLETH_COLOURS[-1]
    assert class_breaks([4.0, 4.0]) == [4.0] * 6


def test_drawing_tools_come_from_the_app_and_offer_only_the_kinds_asked_for() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    add_draw_tools(fmap, ["LineString"])
    html = fmap.get_root().render()
    assert "/app/static/vendor/draw/leaflet.draw.js" in html
    assert "cdnjs" not in html
    assert '"polyline": {' in html
    assert '"polygon": false' in html


def test_tooltip_text_cannot_run_or_break_the_maps_script() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    text = "${alert(2)} `x` C:\\users"
    add_points(fmap, [(17.84, 59.365, "#ff0000", text)])
    add_polygons(fmap, [(text, AREA)])
    add_line(fmap, shapely.LineString([(17.84, 59.365), (17.85, 59.366)]), label=text)
    html = fmap.get_root().render()
    assert "${alert" not in html
    assert "`x`" not in html
    assert "C:\\users" not in html
    assert html.count("&#36;{alert(2)} &#96;x&#96; C:&#92;users") == 3


def test_the_map_speaks_its_language_and_measures_in_metres() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    add_map_language(fmap, "sv", zoom_in="Zooma in", zoom_out="Zooma ut")
    add_layer_control(fmap, collapsed=True, title="Lager")
    html = fmap.get_root().render()
    assert 'document.documentElement.lang = "sv"' in html
    assert 'zoomInTitle: "Zooma in", zoomOutTitle: "Zooma ut"' in html
    assert "L.control.scale({imperial: false})" in html
    assert "L.control.scale()" not in html  # folium's, with miles and feet
    assert '.title = "Lager"' in html


def test_the_drawing_tools_take_their_texts_before_the_toolbar_is_made() -> None:
    fmap = fitted_web_map(AREA, tiles_url=None)
    words = {"draw": {"toolbar": {"finish": {"text": "Slutför"}}}}
    add_draw_tools(fmap, ["LineString"], words=words)
    html = fmap.get_root().render()
    assert '"Slutför"' in html or '"Slutf\\u00f6r"' in html
    assert html.index("L.drawLocal") < html.index("new L.Control.Draw(")
