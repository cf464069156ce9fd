"""The registration page: one observation at a time, quickly, on a phone in the field."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from gis.i18n import LocalizedError
from gis.photos import process_photo
from ui import cache, state
from ui.geolocation import gps_button
from ui.i18n import t
from ui.maps import add_draw_tools, area_web_map
from ui.widgets import PHOTO_TYPES, category_inputs
from walks.model import (
    DrawnShape,
    LayerSpec,
    LightCondition,
    Observation,
    ObservationDraft,
    Position,
)
from walks.recording import (
    choose_position,
    drawn_shape,
    locate,
    possible_duplicates,
    record_observation,
    withdraw_observation,
)


def _tapped_position(
    slug: str, spec: LayerSpec, lang: str
) -> tuple[tuple[float, float] | None, DrawnShape | None]:
    """Draw the area's map; return the point tapped on it and the line or area drawn on it.

    The drawing tools show for the categories that take lines or areas.
    """
    workspace = cache.workspace()
    kinds = [kind for kind in spec.accepts if kind != "Point"]
    fmap = area_web_map(cache.area_map(slug), language=lang, tiles_url=workspace.settings.tiles_url)
    if kinds:
        add_draw_tools(fmap, kinds)
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
    try:
        area, _ = locate(workspace, Position(lon, lat))
    except LocalizedError as error:
        st.warning(error.message(lang))
    else:
        st.caption(t("tapped_area", lang).format(area=area.name))
    return (lon, lat), shape


def _gps_position(lang: str, limit_m: float) -> tuple[float, float] | None:
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


def _undo(lang: str) -> None:
    last = state.last_observation()
    if last is None:
        return
    if st.button(t("undo", lang).format(number=last.number), key=state.UNDO_KEY):
        try:
            with cache.writing() as workspace:
                withdraw_observation(workspace, last, actor="app")
        except LocalizedError as error:
            st.error(error.message(lang))
            return
        state.set_last_observation(None)
        st.info(t("undone", lang).format(number=last.number))


def _saved_message(observation: Observation, area_name: str, lang: str) -> str:
    light = observation.light_condition
    light_text = LightCondition(light).label.in_language(lang).lower() if light else "–"
    return t("saved", lang).format(number=observation.number, area=area_name, light=light_text)


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("register_title", lang))
    try:
        workspace = cache.workspace()
        areas = {area.slug: area.name for area in cache.areas()}
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    slug = st.selectbox(
        t("area", lang), list(areas), format_func=areas.__getitem__, key=state.REGISTER_AREA_KEY
    )
    walks = {w.uuid: f"{w.number}. {w.title}" for w in cache.walks(slug)}
    walk = st.selectbox(
        t("walk", lang), [None, *walks], key=state.REGISTER_WALK_KEY,
        format_func=lambda u: t("no_walk", lang) if u is None else walks[u],
    )  # fmt: skip
    catalog = workspace.catalog
    category = st.selectbox(
        t("category", lang), catalog.names, key=state.REGISTER_CATEGORY_KEY,
        format_func=lambda n: catalog.category(n).title.in_language(lang),
    )  # fmt: skip
    gps = _gps_position(lang, workspace.settings.gps_accuracy_m)
    st.caption(t("tap_map", lang))
    spec = catalog.category(category)
    tapped, shape = _tapped_position(slug, spec, lang)
    observation = _form(spec, slug, walk, (tapped, gps), shape, lang)
    if observation is not None:
        state.set_last_observation(observation, just_saved=True)
        state.clear_register_form(catalog.names)
        state.fresh_maps()  # the next observation starts without this one's drawing
        st.rerun()  # draw the page again with a fresh map, then say what was saved
    saved = state.just_saved()
    if saved is not None:
        st.success(_saved_message(saved, areas.get(saved.area, saved.area), lang))
        duplicates = possible_duplicates(workspace, saved)
        if duplicates:
            listed = ", ".join(f"{d.number} ({d.distance_m:.0f} m)" for d in duplicates)
            st.warning(t("possible_duplicates", lang).format(listed=listed))
    _undo(lang)


def _form(
    spec: LayerSpec,
    slug: str,
    walk: str | None,
    tapped_and_gps: tuple[tuple[float, float] | None, tuple[float, float] | None],
    shape: DrawnShape | None,
    lang: str,
) -> Observation | None:
    """Draw the form; on submit store the observation and return it (None otherwise)."""
    # Kept after a failed save (to try again); emptied after a good one (state).
    with st.form(state.REGISTER_FORM_KEY, clear_on_submit=False):
        fields = category_inputs(spec, lang, key=state.REGISTER_FORM_KEY)
        severity = None
        if spec.severity is not None:
            levels = {level.value: level.title.in_language(lang) for level in spec.severity.levels}
            severity = st.segmented_control(
                t("severity", lang), list(levels), format_func=lambda v: levels[v],
                key=state.REGISTER_SEVERITY_KEY,
            )  # fmt: skip
        description = st.text_area(t("description", lang), height=80,
                                   key=state.REGISTER_DESCRIPTION_KEY)  # fmt: skip
        uploads = st.file_uploader(t("photos", lang), type=PHOTO_TYPES, accept_multiple_files=True,
                                   key=state.REGISTER_PHOTOS_KEY)  # fmt: skip
        left, right = st.columns(2)
        lon = left.number_input(t("longitude", lang), value=None, format="%.6f",
                                key=state.REGISTER_LON_KEY)  # fmt: skip
        lat = right.number_input(t("latitude", lang), value=None, format="%.6f",
                                 key=state.REGISTER_LAT_KEY)  # fmt: skip
        submitted = st.form_submit_button(
            t("save", lang), type="primary", use_container_width=True, key=state.REGISTER_SAVE_KEY
        )
    if not submitted:
        return None
    max_bytes = cache.workspace().settings.max_photo_bytes
    try:
        photos = [process_photo(u.getvalue(), max_bytes=max_bytes) for u in uploads or []]
        tapped, gps = tapped_and_gps
        # A line or area drawn for this observation is its geometry; else a point.
        position: Position | DrawnShape | None = shape or choose_position(
            typed=(lon, lat), tapped=tapped, gps=gps, photos=photos
        )
        if position is None:
            st.error(t("no_position", lang))
            return None
        draft = ObservationDraft(
            category=spec.name, position=position, created_by="app",
            severity=int(severity) if severity is not None else None,
            description=description, walk_uuid=walk, fields=fields, photos=tuple(photos),
        )  # fmt: skip
        with cache.writing() as workspace:
            return record_observation(workspace, draft, area=slug)
    except LocalizedError as error:
        st.error(error.message(lang))
        return None
