"""Interactive web maps (folium/Leaflet) that work offline: Leaflet is served by the app.

Only Leaflet itself is loaded; folium's other defaults (jQuery, Bootstrap, icon fonts) come
from CDNs and are left out. Markers are drawn as Leaflet circle markers, which need nothing else,
and layers are switched with Leaflet's own layer control.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any, Final

import folium
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

LEAFLET_BASE: Final = "/app/static/vendor/leaflet"
OSM_TILES: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION: Final = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


class OfflineMap(folium.Map):
    """A folium map that loads Leaflet from the app instead of a CDN."""

    default_js = [("leaflet", f"{LEAFLET_BASE}/leaflet.js")]  # noqa: RUF012 - folium's API
    default_css = [("leaflet_css", f"{LEAFLET_BASE}/leaflet.css")]  # noqa: RUF012


def web_map(
    centre_lon_lat: tuple[float, float],
    *,
    zoom: int = 14,
    tiles_url: str | None = OSM_TILES,
    attribution: str = OSM_ATTRIBUTION,
) -> OfflineMap:
    """Return a map centred on a WGS 84 position.

    With ``tiles_url`` None there is no tile background (a closed network): the caller
    adds vector layers instead. Tiles that fail to load leave the vector layers usable.
    """
    lon, lat = centre_lon_lat
    fmap = OfflineMap(location=(lat, lon), zoom_start=zoom, tiles=None, control_scale=True)
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url, attr=attribution, max_zoom=19, name="OpenStreetMap"
        ).add_to(fmap)
    return fmap


def fitted_web_map(
    focus: BaseGeometry,
    *,
    zoom: int = 14,
    tiles_url: str | None = OSM_TILES,
    attribution: str = OSM_ATTRIBUTION,
) -> OfflineMap:
    """Return a map centred on the WGS 84 geometry ``focus`` and fitted to its bounds."""
    centre = focus.representative_point()
    fmap = web_map((centre.x, centre.y), zoom=zoom, tiles_url=tiles_url, attribution=attribution)
    west, south, east, north = focus.bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def _style(colour: str, fill: str | None) -> dict[str, object]:
    return {
        "color": colour,
        "weight": 2,
        "fill": fill is not None,
        "fillColor": fill or colour,
        "fillOpacity": 0.3 if fill else 0,
    }


def add_polygons(
    fmap: folium.Map,
    polygons: Sequence[tuple[str, BaseGeometry]],
    *,
    colour: str = "#000000",
    fill: str | None = None,
    attribution: str = "",
) -> None:
    """Add WGS 84 polygons with (escaped) tooltips; ``attribution`` is trusted HTML."""
    extra: dict[str, Any] = {"attribution": attribution} if attribution else {}
    for label, geometry in polygons:
        folium.GeoJson(
            mapping(geometry),
            style_function=lambda _feature, c=colour, f=fill: _style(c, f),
            tooltip=folium.Tooltip(escape(label)) if label else None,
            control=False,  # background, not a layer to switch off
            **extra,
        ).add_to(fmap)


def add_layer_group(fmap: folium.Map, name: str) -> folium.FeatureGroup:
    """Add and return an overlay layer the layer control lists as ``name`` (escaped)."""
    # Leaflet's layer control shows a layer's name as HTML.
    group = folium.FeatureGroup(name=escape(name), overlay=True, control=True)
    group.add_to(fmap)
    return group


def add_layer_control(fmap: folium.Map) -> None:
    """Add Leaflet's layer control (``L.control.layers``, no extra JavaScript), expanded.

    Add it last: it lists the layers added before it.
    """
    folium.LayerControl(collapsed=False).add_to(fmap)


def add_points(
    fmap: folium.Map | folium.FeatureGroup,
    points: Sequence[tuple[float, float, str, str]],
    *,
    radius_px: int = 7,
) -> None:
    """Add circle markers: (lon, lat, fill colour, tooltip text); the text is escaped.

    ``fmap`` may be a layer group (``add_layer_group``) to put them in.
    """
    for lon, lat, colour, text in points:
        folium.CircleMarker(
            location=(lat, lon), radius=radius_px, color="#000000", weight=1, fill=True,
            fill_color=colour, fill_opacity=0.9,
            # A tooltip, not folium's Popup: Popup builds its content with jQuery (a CDN).
            tooltip=folium.Tooltip(escape(text)) if text else None,
        ).add_to(fmap)  # fmt: skip


def add_line(
    fmap: folium.Map, line: BaseGeometry, *, label: str = "", colour: str = "#0072B2"
) -> None:
    """Add a WGS 84 line (a walk's route), dashed, with an escaped tooltip."""
    folium.PolyLine(  # type: ignore[no-untyped-call]
        [(y, x) for x, y in line.coords], color=colour, weight=4, dash_array="8 6",
        tooltip=folium.Tooltip(escape(label)) if label else None,
    ).add_to(fmap)  # fmt: skip
