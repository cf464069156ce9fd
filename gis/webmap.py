"""Interactive web maps (folium/Leaflet) that work offline: Leaflet is served by the app.

Leaflet and the plugins used here (marker clustering, heat map, drawing) are served by the
app from ``static/vendor``; folium's other defaults (jQuery, Bootstrap, icon fonts) come
from CDNs and are left out. Layers are switched with Leaflet's own layer control.

Many thousand points go to the browser as a few compact columns (``add_compact_points``)
rather than one folium object each: 100,000 observations make about 1.3 MB.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Final

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import Draw
from jinja2 import Template
from numpy.typing import NDArray
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from gis.symbols import marker_svg

VENDOR: Final = "/app/static/vendor"
LEAFLET_BASE: Final = f"{VENDOR}/leaflet"
MAX_ZOOM: Final = 19
"""The closest zoom (clustering needs one; OpenStreetMap's tiles go this far)."""
OSM_TILES: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION: Final = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


_TEMPLATE_LITERAL: Final = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def tooltip_html(text: str) -> str:
    """Return plain ``text`` as HTML for a folium tooltip, safe in its JavaScript string.

    folium puts a tooltip in a template literal: besides the HTML escaping, backtick,
    dollar and backslash become entities (``${…}`` would run, a backslash break the map).
    """
    return escape(text).translate(_TEMPLATE_LITERAL)


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
    fmap = OfflineMap(location=(lat, lon), zoom_start=zoom, tiles=None)
    fmap.options["maxZoom"] = MAX_ZOOM  # folium's max_zoom reaches only its own tile layer
    fmap.add_child(_MetricScale())  # type: ignore[no-untyped-call]
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url, attr=attribution, max_zoom=MAX_ZOOM, name="OpenStreetMap"
        ).add_to(fmap)
    return fmap


class _MetricScale(MacroElement):
    """Leaflet's scale bar in metres only (folium's shows miles and feet too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class _MapLanguage(MacroElement):
    """The map frame's language: its document's ``lang`` and Leaflet's own texts."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
          document.documentElement.lang = {{ this.language|tojson }};
          map.removeControl(map.zoomControl);
          map.zoomControl = L.control.zoom({
            zoomInTitle: {{ this.zoom_in|tojson }}, zoomOutTitle: {{ this.zoom_out|tojson }}
          }).addTo(map);
          map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
          // Links in the credits are underlined, not told by colour alone (WCAG 1.4.1).
          var style = document.createElement('style');
          style.textContent = '.leaflet-control-attribution a { text-decoration: underline; }';
          document.head.appendChild(style);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, language: str, zoom_in: str, zoom_out: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapLanguage"
        self.language = language
        self.zoom_in = zoom_in
        self.zoom_out = zoom_out


def add_map_language(fmap: folium.Map, language: str, *, zoom_in: str, zoom_out: str) -> None:
    """Say the map's language (``lang``, an ISO 639-1 code) and name its zoom buttons in it.

    Leaflet names them "Zoom in" and "Zoom out", and titles its own link in the credits in
    English; screen readers read these names. Add it first, before the drawing tools: the
    zoom buttons stay at the top of their corner.
    """
    fmap.add_child(_MapLanguage(language, zoom_in, zoom_out))


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
            tooltip=folium.Tooltip(tooltip_html(label)) if label else None,
            control=False,  # background, not a layer to switch off
            **extra,
        ).add_to(fmap)


def add_layer_group(fmap: folium.Map, name: str, *, show: bool = True) -> folium.FeatureGroup:
    """Add and return an overlay layer the layer control lists as ``name`` (escaped).

    With ``show`` False the layer starts switched off.
    """
    # Leaflet's layer control shows a layer's name as HTML.
    group = folium.FeatureGroup(name=escape(name), overlay=True, control=True, show=show)
    group.add_to(fmap)
    return group


class _ControlTitle(MacroElement):
    """The title of the button that opens a collapsed layer control (Leaflet writes "Layers").

    The title is the button's name for screen readers and its tooltip.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.control.get_name() }}.getContainer()
          .querySelector('.leaflet-control-layers-toggle').title = {{ this.title|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, control: folium.LayerControl, title: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ControlTitle"
        self.control = control
        self.title = title


def add_layer_control(
    fmap: folium.Map, *, collapsed: bool = False, title: str | None = None
) -> None:
    """Add Leaflet's layer control (``L.control.layers``, no extra JavaScript).

    Add it last: it lists the layers added before it. Collapsed, it is a button that
    opens the list (on a phone the open list would cover the map), named ``title`` when
    given (Leaflet's own name is "Layers").
    """
    control = folium.LayerControl(collapsed=collapsed)
    control.add_to(fmap)
    if title is not None:
        fmap.add_child(_ControlTitle(control, title))


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
            tooltip=folium.Tooltip(tooltip_html(text)) if text else None,
        ).add_to(fmap)  # fmt: skip


def add_line(
    fmap: folium.Map, line: BaseGeometry, *, label: str = "", colour: str = "#0072B2"
) -> None:
    """Add a WGS 84 line (a walk's route), dashed, with an escaped tooltip."""
    folium.PolyLine(  # type: ignore[no-untyped-call]
        [(y, x) for x, y in line.coords], color=colour, weight=4, dash_array="8 6",
        tooltip=folium.Tooltip(tooltip_html(label)) if label else None,
    ).add_to(fmap)  # fmt: skip


# ------------------------------------------------------------------ many points, compactly
MARKERCLUSTER_JS: Final = ("markercluster", f"{VENDOR}/markercluster/leaflet.markercluster.js")
MARKERCLUSTER_CSS: Final = ("markercluster_css", f"{VENDOR}/markercluster/MarkerCluster.css")
HEAT_JS: Final = ("leaflet_heat", f"{VENDOR}/heat/leaflet-heat.js")
CLUSTER_UNTIL_ZOOM: Final = 17
"""From this zoom level on, every marker is drawn on its own."""
_NO_MARKER: Final = 0x80
"""Set in a point's symbol byte: the point goes into the heat map only (its feature is drawn
as a line or an area)."""


@dataclass(frozen=True, slots=True)
class PointSymbol:
    """How one kind of point is drawn: a coloured shape, and its title for tooltips."""

    title: str
    """Plain text; escaped where it is shown."""
    colour: str
    """``#RRGGBB``."""
    shape: str
    """One of ``gis.symbols.SHAPES``."""


@dataclass(frozen=True, slots=True)
class NumberedPoints:
    """Points in WGS 84 with a symbol, a number and a place name each (columns of equal length).

    A point's tooltip reads ``7. Belysning (Hässelby gård)``: its number, its symbol's title
    and its place.
    """

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    symbol: NDArray[np.integer[Any]]
    """Index into the symbols of ``add_compact_points``."""
    number: NDArray[np.integer[Any]]
    place: NDArray[np.integer[Any]]
    """Index into ``places`` (up to 65,535 places)."""
    places: tuple[str, ...]
    marker: NDArray[np.bool_] | None = None
    """False where a point goes into the heat map only (its feature is drawn otherwise)."""


def _base64(values: NDArray[Any], dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def _quantised(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> dict[str, Any]:
    """Return positions as 16-bit steps from the south-west corner (under 1 m in a city)."""
    if len(lon) == 0:
        return {"lon0": 0.0, "lat0": 0.0, "step": 1.0, "lon": "", "lat": ""}
    lon0, lat0 = float(lon.min()), float(lat.min())
    span = max(float(lon.max()) - lon0, float(lat.max()) - lat0)
    step = max(span / 65535.0, 1e-7)
    return {
        "lon0": lon0,
        "lat0": lat0,
        "step": step,
        "lon": _base64(np.rint((lon - lon0) / step), "<u2"),
        "lat": _base64(np.rint((lat - lat0) / step), "<u2"),
    }


_DECODING_JS: Final = """
          function bytes(text) {
            var raw = atob(text), out = new Uint8Array(raw.length);
            for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
            return out;
          }
          function escapeHtml(text) {
            return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;')
              .replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
          }
          var qlon = new Uint16Array(bytes(data.at.lon).buffer);
          var qlat = new Uint16Array(bytes(data.at.lat).buffer);
"""
"""What both point layers' scripts start with: base64 columns to typed arrays (``_quantised``
positions in ``qlon``/``qlat``), and HTML escaping for tooltips."""


def _script_json(value: object) -> str:
    """Return ``value`` as JSON that is safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _CompactPoints(JSCSSMixin):
    """Numbered points drawn by the browser from compact columns, clustered per symbol."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var data = {{ this.data }};
          var groups = [{% for g in this.groups %}{{ g.get_name() }},{% endfor %}];
          {{ this.helpers }}
          var symbol = bytes(data.symbol);
          var place = new Uint16Array(bytes(data.place).buffer);
          var number = new Uint32Array(bytes(data.number).buffer);
          var icons = data.symbols.map(function (s) {
            return L.divIcon({html: s.svg, className: 'safewalk-marker',
                              iconSize: [s.size, s.size]});
          });
          function clusterIcon(colour) {
            return function (cluster) {
              var n = cluster.getChildCount(), size = n < 100 ? 30 : n < 1000 ? 36 : 42;
              return L.divIcon({
                html: '<div style="background:' + colour + ';border:2px solid #000;' +
                      'border-radius:50%;width:' + size + 'px;height:' + size + 'px;' +
                      'display:flex;align-items:center;justify-content:center;' +
                      'font:bold 12px sans-serif;color:#000;' +
                      'text-shadow:0 0 3px #fff,0 0 3px #fff">' + n + '</div>',
                className: 'safewalk-cluster', iconSize: [size, size]});
            };
          }
          // The map's clusters are ready when every category's chunks are done.
          window.safewalkClustering = (window.safewalkClustering || 0);
          function progress(done, total) {
            if (total > 0 && done === total) { window.safewalkClustering -= 1; }
          }
          var clusters = data.symbols.map(function (s) {
            return L.markerClusterGroup({chunkedLoading: true, chunkProgress: progress,
              showCoverageOnHover: false, disableClusteringAtZoom: {{ this.cluster_until }},
              iconCreateFunction: clusterIcon(s.colour)});
          });
          function label() {
            if (!this.getTooltip()) {
              var i = this.options.index;
              this.bindTooltip(escapeHtml(number[i] + '. ' + data.symbols[symbol[i] & 127].title +
                                          ' (' + data.places[place[i]] + ')'));
            }
          }
          var lists = data.symbols.map(function () { return []; });
          var heat = [];
          for (var i = 0; i < number.length; i++) {
            var at = [data.at.lat0 + qlat[i] * data.at.step, data.at.lon0 + qlon[i] * data.at.step];
            heat.push(at);
            if (symbol[i] & 128) { continue; }
            var marker = L.marker(at, {icon: icons[symbol[i]], index: i, keyboard: false});
            marker.on('add', label);
            lists[symbol[i]].push(marker);
          }
          clusters.forEach(function (cluster, k) {
            // On the map first: then the markers are clustered in chunks, drawn as they
            // come (adding 100,000 before takes seconds in one go).
            groups[k].addLayer(cluster);
            if (lists[k].length) {
              window.safewalkClustering += 1;
              cluster.addLayers(lists[k]);
            }
          });
          {% if this.heat_group %}
          {{ this.heat_group.get_name() }}.addLayer(
            L.heatLayer(heat, {radius: 18, blur: 15, minOpacity: 0.3}));
          {% endif %}
        })();
        {% endmacro %}
        """
    )
    default_js = [MARKERCLUSTER_JS, HEAT_JS]  # noqa: RUF012 - folium's API
    default_css = [MARKERCLUSTER_CSS]  # noqa: RUF012

    def __init__(
        self,
        data: str,
        groups: Sequence[folium.FeatureGroup],
        heat_group: folium.FeatureGroup | None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CompactPoints"
        self.helpers = _DECODING_JS
        self.data = data
        self.groups = list(groups)
        self.heat_group = heat_group
        self.cluster_until = CLUSTER_UNTIL_ZOOM


def add_compact_points(
    fmap: folium.Map,
    points: NumberedPoints,
    symbols: Sequence[PointSymbol],
    groups: Sequence[folium.FeatureGroup],
    *,
    heat_group: folium.FeatureGroup | None = None,
    marker_px: int = 16,
) -> None:
    """Draw ``points`` as clustered markers, symbol ``k``'s into ``groups[k]``; a heat map too.

    The browser builds the markers from compact columns (about 13 bytes a point) and
    gives each one its tooltip when it is first shown. ``heat_group`` (a layer the user
    switches on) gets a heat map of every point, those without markers included.
    """
    if len(symbols) != len(groups) or len(symbols) > _NO_MARKER:
        msg = f"{len(symbols)} symbols for {len(groups)} layers (at most {_NO_MARKER})"
        raise ValueError(msg)
    symbol = np.asarray(points.symbol, dtype=np.uint8)
    if points.marker is not None:
        symbol = np.where(points.marker, symbol, symbol | _NO_MARKER).astype(np.uint8)
    data = {
        "at": _quantised(np.asarray(points.lon, float), np.asarray(points.lat, float)),
        "symbol": _base64(symbol, "u1"),
        "place": _base64(points.place, "<u2"),
        "number": _base64(points.number, "<u4"),
        "places": list(points.places),
        "symbols": [
            {"title": s.title, "colour": s.colour, "size": marker_px,
             "svg": marker_svg(s.shape, s.colour, size=marker_px)}
            for s in symbols
        ],
    }  # fmt: skip
    fmap.add_child(_CompactPoints(_script_json(data), groups, heat_group))


class _CanvasPoints(MacroElement):
    """Small circles drawn on one canvas (cheap for thousands), with escaped tooltips."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var data = {{ this.data }};
          var group = {{ this.group.get_name() }};
          {{ this.helpers }}
          var renderer = L.canvas({padding: 0.5});
          for (var i = 0; i < qlon.length; i++) {
            var at = [data.at.lat0 + qlat[i] * data.at.step, data.at.lon0 + qlon[i] * data.at.step];
            var name = data.names[i];
            var style = data.ring
              ? {radius: 12, weight: 3, color: data.colour, fillOpacity: 0.1}
              : {radius: 4, weight: 1, color: '#000000', fillOpacity: 0.9};
            style.renderer = renderer;
            style.fillColor = data.colour;
            L.circleMarker(at, style)
              .bindTooltip(escapeHtml(name ? data.title + ': ' + name : data.title))
              .addTo(group);
          }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: str, group: folium.FeatureGroup) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CanvasPoints"
        self.helpers = _DECODING_JS
        self.data = data
        self.group = group


def add_canvas_points(
    group: folium.FeatureGroup,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    title: str,
    colour: str,
    names: Sequence[str] | None = None,
    ring: bool = False,
) -> None:
    """Add small circles to ``group``, each titled ``title`` or ``title: name`` (escaped).

    With ``ring`` they are wide rings instead, to pick out markers drawn beneath them.
    """
    data = {
        "ring": ring,
        "at": _quantised(np.asarray(lon, float), np.asarray(lat, float)),
        "title": title,
        "colour": colour,
        "names": list(names) if names is not None else [""] * len(lon),
    }
    group.add_child(_CanvasPoints(_script_json(data), group))


def add_shapes(
    group: folium.Map | folium.FeatureGroup,
    shapes: Sequence[tuple[BaseGeometry, str]],
    *,
    colour: str,
    fill: bool = True,
    dashed: bool = False,
    weight: int = 4,
    outline: str | None = None,
) -> None:
    """Add WGS 84 lines or areas, one GeoJSON layer for all, each with its (escaped) tooltip.

    With ``outline`` the lines are drawn twice, wide in that colour beneath, so that a light
    colour (white, yellow) still shows on a light background.
    """
    if not shapes:
        return
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(geometry),
             "properties": {"label": escape(label)}}
            for geometry, label in shapes
        ],
    }  # fmt: skip
    style = {"color": colour, "weight": weight, "fill": fill, "fillColor": colour,
             "fillOpacity": 0.35 if fill else 0,
             "dashArray": "8 6" if dashed else None}  # fmt: skip
    if outline is not None:
        casing = {**style, "color": outline, "weight": weight + 3, "fill": False}
        folium.GeoJson(collection, style_function=lambda _feature: casing, control=False,
                       interactive=False).add_to(group)  # fmt: skip
    folium.GeoJson(
        collection,
        style_function=lambda _feature: style,
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        control=False,
    ).add_to(group)


# ------------------------------------------------------------------ choropleth and legend
CHOROPLETH_COLOURS: Final = ("#FFFFB2", "#FECC5C", "#FD8D3C", "#F03B20", "#BD0026")
"""Five classes from low to high (ColorBrewer YlOrRd, readable for colour-blind viewers)."""


def class_breaks(values: Sequence[float], classes: int = len(CHOROPLETH_COLOURS)) -> list[float]:
    """Return ``classes + 1`` equal-interval limits from the lowest value to the highest."""
    low, high = min(values), max(values)
    if high == low:
        return [low] * (classes + 1)
    return [low + (high - low) * k / classes for k in range(classes + 1)]


def class_colour(value: float, breaks: Sequence[float]) -> str:
    """Return the colour of the class ``value`` falls in (the highest class includes its top)."""
    for k in range(len(breaks) - 1):
        if value <= breaks[k + 1]:
            return CHOROPLETH_COLOURS[k]
    return CHOROPLETH_COLOURS[-1]


def add_choropleth(
    group: folium.FeatureGroup,
    areas: Sequence[tuple[BaseGeometry, str, float | None]],
    *,
    no_value: str,
) -> list[float]:
    """Fill each WGS 84 area by its value's class; return the class limits.

    Tooltips read ``label: value`` (escaped); an area without a value is hatched grey and
    its tooltip says ``no_value``.
    """
    values = [value for _, _, value in areas if value is not None]
    breaks = class_breaks(values) if values else []
    features = []
    for geometry, label, value in areas:
        shown = no_value if value is None else f"{value:,.1f}".replace(",", " ")
        colour = "#BBBBBB" if value is None else class_colour(value, breaks)
        features.append({
            "type": "Feature", "geometry": mapping(geometry),
            "properties": {"label": escape(f"{label}: {shown}"), "colour": colour},
        })  # fmt: skip
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda feature: {
            "color": "#333333", "weight": 1, "fillColor": feature["properties"]["colour"],
            "fillOpacity": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        control=False,
    ).add_to(group)  # fmt: skip
    return breaks


class _Legend(MacroElement):
    """A box of trusted HTML in a corner of the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var legend = L.control({position: {{ this.position|tojson }}});
          legend.onAdd = function () {
            var box = L.DomUtil.create('div', 'safewalk-legend');
            box.style.cssText = 'background:#fff;padding:6px 8px;border-radius:4px;' +
              'box-shadow:0 1px 4px rgba(0,0,0,.4);font:12px sans-serif;line-height:18px;' +
              'max-height:40vh;overflow:auto';
            box.innerHTML = {{ this.html|tojson }};
            // Open on a wide screen; on a phone it starts folded, not covering the map.
            box.querySelector('details').open = window.innerWidth >= 640;
            L.DomEvent.disableClickPropagation(box);
            return box;
          };
          var map = {{ this._parent.get_name() }};
          legend.addTo(map);
          // A credit line wider than half the map wraps over the left corner (on a phone):
          // that corner's controls go up above it.
          var corner = legend.getContainer().parentNode;
          var credit = map.attributionControl && map.attributionControl.getContainer();
          function lift() {
            var over = credit && corner.className.indexOf('leaflet-bottom') >= 0 &&
              credit.offsetWidth > map.getSize().x / 2;
            corner.style.bottom = over ? credit.offsetHeight + 'px' : '';
          }
          map.whenReady(function () { setTimeout(lift, 0); });
          map.on('resize', lift);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str, position: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.html = html
        self.position = position


def add_legend(fmap: folium.Map, rows: Sequence[tuple[str, str]], *, title: str,
               position: str = "bottomright") -> None:  # fmt: skip
    """Add a legend box: ``title`` and rows of (trusted symbol HTML, plain label)."""
    lines = [f"<details><summary><b>{escape(title)}</b></summary>"] + [
        f'<div><span style="display:inline-block;width:18px;vertical-align:middle">{symbol}'
        f"</span> {escape(label)}</div>"
        for symbol, label in rows
    ]
    fmap.add_child(_Legend("".join(lines) + "</details>", position))


def swatch(colour: str) -> str:
    """Return a small filled square of ``colour`` (``#RRGGBB``) for a legend row."""
    return marker_svg("square", colour, size=14, outline="#333333")


# ------------------------------------------------------------------ drawing
DRAW_JS: Final = ("leaflet_draw", f"{VENDOR}/draw/leaflet.draw.js")
DRAW_CSS: Final = ("leaflet_draw_css", f"{VENDOR}/draw/leaflet.draw.css")


class OfflineDraw(Draw):
    """Leaflet.draw's toolbar, served by the app."""

    default_js = [DRAW_JS]  # noqa: RUF012 - folium's API
    default_css = [DRAW_CSS]  # noqa: RUF012


class _DrawOnTouchScreens(MacroElement):
    """Let Leaflet.draw take taps on touch screens.

    Leaflet.draw 1.0.4 adds no corner on a tap with Leaflet ≥ 1.8 (its issues #935 and
    #1036): its own touch handler is switched off, and the tap arrives as a click.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.Draw.Polyline.prototype._onTouch = L.Util.falseFn;
        {% endmacro %}
        """
    )


class _DrawWords(MacroElement):
    """Leaflet.draw's texts (``L.drawLocal``, English by default), merged with the given ones.

    Set before the toolbar is made: it reads its button names then, its tooltips when used.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function merge(into, from) {
          for (var key in from) {
            if (typeof from[key] === 'object' && into[key]) merge(into[key], from[key]);
            else into[key] = from[key];
          }
        })(L.drawLocal, {{ this.words|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, words: Mapping[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "DrawWords"
        self.words = dict(words)


def add_draw_tools(
    fmap: folium.Map, kinds: Sequence[str], *, words: Mapping[str, Any] | None = None
) -> None:
    """Add a toolbar to draw the geometry kinds ``kinds`` (``LineString``, ``Polygon``).

    ``words`` replace Leaflet.draw's English texts: the structure of its ``L.drawLocal``,
    e.g. ``{"draw": {"toolbar": {"finish": {"text": "Slutför"}}}}``, with only the texts
    to replace. What is drawn comes back to the app through the map component
    (``last_active_drawing``).
    """
    colour = {"color": "#D55E00", "weight": 4}
    options: dict[str, object] = {
        "polyline": {"shapeOptions": colour} if "LineString" in kinds else False,
        "polygon": {"shapeOptions": colour, "allowIntersection": False}
        if "Polygon" in kinds else False,
        "rectangle": False, "circle": False, "circlemarker": False, "marker": False,
    }  # fmt: skip
    fmap.add_child(_DrawOnTouchScreens())  # type: ignore[no-untyped-call]
    if words:
        fmap.add_child(_DrawWords(words))
    OfflineDraw(show_geometry_on_click=False, draw_options=options,  # type: ignore[no-untyped-call]
                edit_options={"edit": False, "remove": True}).add_to(fmap)  # fmt: skip


# ------------------------------------------------------------------ context under everything
CONTEXT_PANE: Final = "safewalkContext"
CONTEXT_PANE_Z: Final = 350
"""Leaflet's overlay pane is at 400, its tiles at 200: context lies between, under every
other layer, however often the layers are switched off and on."""


@dataclass(frozen=True, slots=True)
class ContextStyle:
    """How context shapes (streets, buildings) are drawn."""

    colour: str
    weight: float
    fill: str | None = None
    """A polygon's fill colour; None draws lines."""
    thin_weight: float = 1.0
    """The weight of the features marked thin (paths), drawn dashed."""


class _ContextShapes(MacroElement):
    """Lines or polygons drawn on one canvas in a pane of their own, credited while shown."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var data = {{ this.data }};
          var group = {{ this.group.get_name() }};
          var map = {{ this.map.get_name() }};
          {{ this.helpers }}
          function uints(column) {
            var raw = bytes(column.data);
            return column.size === 1 ? raw : column.size === 2 ? new Uint16Array(raw.buffer)
                                                                : new Uint32Array(raw.buffer);
          }
          var counts = uints(data.counts), parts = uints(data.parts), named = uints(data.name);
          var thin = bytes(data.thin);
          if (!map.getPane(data.pane)) {
            map.createPane(data.pane).style.zIndex = data.z;
          }
          var renderer = L.canvas({pane: data.pane, padding: 0.5});
          // Credited while the layer is on the map: Leaflet's attribution control reads
          // the credit of every layer added, and drops it when the layer is removed.
          var holder = L.layerGroup([], {attribution: data.attribution});
          var v = 0, r = 0, s = data.style;
          for (var f = 0; f < parts.length; f++) {
            var shape = [];
            for (var k = 0; k < parts[f]; k++, r++) {
              var line = [];
              for (var n = 0; n < counts[r]; n++, v++) {
                line.push([data.at.lat0 + qlat[v] * data.at.step,
                           data.at.lon0 + qlon[v] * data.at.step]);
              }
              shape.push(line);
            }
            var name = data.names[named[f]];
            var style = {renderer: renderer, pane: data.pane, color: s.colour,
                         weight: thin[f] ? s.thin_weight : s.weight,
                         dashArray: thin[f] ? '4 4' : null, interactive: !!name,
                         fill: !!s.fill, fillColor: s.fill, fillOpacity: s.fill ? 0.8 : 0};
            var layer = s.fill ? L.polygon(shape, style) : L.polyline(shape, style);
            if (name) { layer.bindTooltip(escapeHtml(name), {sticky: true}); }
            holder.addLayer(layer);
          }
          group.addLayer(holder);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: str, group: folium.FeatureGroup, fmap: folium.Map) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ContextShapes"
        self.helpers = _DECODING_JS
        self.data = data
        self.group = group
        self.map = fmap


def _uints(values: NDArray[Any]) -> dict[str, Any]:
    """Return whole numbers ≥ 0 as a base64 column of the fewest bytes each (1, 2 or 4)."""
    top = int(values.max()) if len(values) else 0
    size = 1 if top < 2**8 else 2 if top < 2**16 else 4
    return {"size": size, "data": _base64(values, {1: "u1", 2: "<u2", 4: "<u4"}[size])}


def add_context_shapes(
    fmap: folium.Map,
    group: folium.FeatureGroup,
    geometries: Sequence[BaseGeometry] | NDArray[np.object_],
    *,
    style: ContextStyle,
    names: Sequence[str] = (),
    thin: NDArray[np.bool_] | None = None,
    attribution: str = "",
) -> None:
    """Draw WGS 84 lines or polygons into ``group``, under every other layer of ``fmap``.

    For many features (a district's streets and buildings): positions go as compact
    columns (``_quantised``), the shapes are drawn on a canvas. ``names`` (plain text,
    ``""`` for none) become tooltips; ``thin`` features (paths) are drawn thinner and
    dashed; ``attribution`` (plain text, escaped here) is shown in the map's credits while
    the layer is on.
    """
    shapes = np.asarray(geometries, dtype=object)
    parts, feature = shapely.get_parts(shapes, return_index=True)
    if style.fill is not None:  # a polygon's rings: its outline, then its holes
        rings, ring_of = shapely.get_rings(parts, return_index=True)
        parts, feature = rings, feature[ring_of]
    xy, part_of = shapely.get_coordinates(parts, return_index=True)
    counts = np.bincount(part_of, minlength=len(parts))
    pieces = np.bincount(feature, minlength=len(shapes))
    # Streets share their names: each name once, a number per feature (0: no name).
    unique, named = np.unique(np.asarray(["", *names], dtype=object), return_inverse=True)
    flags = np.zeros(len(shapes), dtype=bool) if thin is None else np.asarray(thin, dtype=bool)
    data = {
        "at": _quantised(xy[:, 0], xy[:, 1]),
        "counts": _uints(counts),
        "parts": _uints(pieces),
        "thin": _base64(flags, "u1"),
        "names": [str(name) for name in unique],
        "name": _uints(named[1:] if len(names) else np.full(len(shapes), named[0])),
        "style": {"colour": style.colour, "weight": style.weight, "fill": style.fill,
                  "thin_weight": style.thin_weight},
        "attribution": escape(attribution),
        "pane": CONTEXT_PANE,
        "z": CONTEXT_PANE_Z,
    }  # fmt: skip
    group.add_child(_ContextShapes(_script_json(data), group, fmap))
