"""Where an observation is, on the registration page: the phone's GPS, a tap or a drawing."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit_folium import st_folium

from gis.i18n import LocalizedError
from ui import cache, session, state
from ui.geolocation import gps_button
from ui.i18n import t
from ui.maps import add_draw_tools, area_web_map
from walks.core.model import Area, DrawnShape, LayerSpec, Position
from walks.fieldwork.recording import drawn_shape, observation_area


def tapped_position(
    slug: str, spec: LayerSpec, lang: str
) -> tuple[tuple[float, float] | None, DrawnShape | None]:
    """Draw the area's map; return the point tapped on it and the line or area drawn on it.

    The drawing tools show for the categories that take lines or areas.
    """
    workspace = session.workspace()
    kinds = [kind for kind in spec.accepts if kind != "Point"]
    fmap = area_web_map(cache.area_map(slug), language=lang, tiles_url=workspace.settings.tiles_url)
    if kinds:
        add_draw_tools(fmap, kinds, language=lang)
        st.caption(t("draw_hint", lang))
    result = st_folium(
        fmap,
        key=state.register_map_key(slug),
        height=360,
        use_container_width=True,
        returned_objects=["last_clicked", "last_active_drawing", "all_drawings"],
    )
    shape = None
    # A drawing deleted with the toolbar's bin is gone from all_drawings, not from
    # last_active_drawing.
    drawn = (
        (result or {}).get("last_active_drawing") if (result or {}).get("all_drawings") else None
    )
    try:
        shape = drawn_shape(drawn) if kinds else None
    except LocalizedError as error:
        st.warning(error.message(lang))
    if shape is not None:
        st.caption(t("drawn", lang).format(kind=t(f"drawn_{shape.geometry.geom_type}", lang)))
    clicked = (result or {}).get("last_clicked")
    if not clicked:
        return None, shape
    lon, lat = float(clicked["lng"]), float(clicked["lat"])
    st.caption(t("tapped", lang).format(lon=f"{lon:.6f}", lat=f"{lat:.6f}"))
    return (lon, lat), shape


def area_at(lon_lat: tuple[float, float] | None, known: Sequence[Area]) -> str | None:
    """Return the id of the area a longitude/latitude lies in; None outside them (or none)."""
    if lon_lat is None:
        return None
    try:
        return observation_area(session.workspace(), Position(*lon_lat), known=known).slug
    except LocalizedError:
        return None  # the page says why where it places the observation


def gps_position(lang: str, limit_m: float) -> tuple[float, float] | None:
    """Draw the GPS button; return the phone's position once it answers (warned if rough)."""
    reading = gps_button(t("gps_button", lang), t("gps_waiting", lang), key=state.REGISTER_GPS_KEY)
    if reading is None:
        return None
    if reading.error is not None or reading.lon is None or reading.lat is None:
        st.warning(t("gps_denied" if reading.error == "denied" else "gps_unavailable", lang))
        return None
    accuracy = f"{reading.accuracy_m or 0:.0f}"
    st.caption(
        t("gps_position", lang).format(
            lon=f"{reading.lon:.6f}", lat=f"{reading.lat:.6f}", accuracy=accuracy
        )
    )
    if reading.accuracy_m is not None and reading.accuracy_m > limit_m:
        st.warning(t("gps_inaccurate", lang).format(accuracy=accuracy, limit=f"{limit_m:.0f}"))
    return reading.lon, reading.lat
