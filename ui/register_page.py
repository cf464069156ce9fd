"""The registration page: one observation at a time, quickly, on a phone in the field."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from gis.i18n import LocalizedError
from gis.photos import Photo, process_photo
from ui import cache, state
from ui.geolocation import gps_button
from ui.i18n import t
from ui.widgets import category_inputs
from walks.model import ObservationDraft, Position
from walks.overview import area_web_map
from walks.planning import list_walks
from walks.recording import locate, record_observation, withdraw_observation

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif"]


def _tapped_position(slug: str, lang: str) -> tuple[float, float] | None:
    workspace = cache.workspace()
    result = st_folium(
        area_web_map(workspace, slug, language=lang),
        key=f"register_map_{slug}",
        height=320,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
    clicked = (result or {}).get("last_clicked")
    if not clicked:
        return None
    lon, lat = float(clicked["lng"]), float(clicked["lat"])
    st.caption(t("tapped", lang).format(lon=f"{lon:.6f}", lat=f"{lat:.6f}"))
    try:
        area, _ = locate(workspace, Position(lon, lat))
    except LocalizedError as error:
        st.warning(error.message(lang))
    else:
        st.caption(t("tapped_area", lang).format(area=area.name))
    return lon, lat


def _gps_position(lang: str, limit_m: float) -> tuple[float, float] | None:
    reading = gps_button(t("gps_button", lang), t("gps_waiting", lang), key="register_gps")
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
    if st.button(t("undo", lang).format(number=last.number)):
        withdraw_observation(cache.workspace(), last, actor="app")
        state.set_last_observation(None)
        st.info(t("undone", lang).format(number=last.number))


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("register_title", lang))
    try:
        workspace = cache.workspace()
        areas = {area.slug: area.name for area in workspace.areas()}
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    slug = st.selectbox(
        t("area", lang), list(areas), format_func=areas.__getitem__, key=state.REGISTER_AREA_KEY
    )
    walks = {w.uuid: f"{w.number}. {w.title}" for w in list_walks(workspace, slug)}
    walk = st.selectbox(
        t("walk", lang), [None, *walks], key=state.REGISTER_WALK_KEY,
        format_func=lambda u: t("no_walk", lang) if u is None else walks[u],
    )  # fmt: skip
    catalog = workspace.catalog
    category = st.selectbox(
        t("category", lang), catalog.names, key=state.REGISTER_CATEGORY_KEY,
        format_func=lambda n: catalog.category(n).title.in_language(lang),
    )  # fmt: skip
    spec = catalog.category(category)
    gps = _gps_position(lang, workspace.settings.gps_accuracy_m)
    st.caption(t("tap_map", lang))
    tapped = _tapped_position(slug, lang)
    with st.form("register", clear_on_submit=True):
        fields = category_inputs(spec, lang, key="register")
        severity = None
        if spec.severity is not None:
            levels = {level.value: level.title.in_language(lang) for level in spec.severity.levels}
            severity = st.segmented_control(
                t("severity", lang), list(levels), format_func=lambda v: levels[v]
            )
        description = st.text_area(t("description", lang), height=80)
        uploads = st.file_uploader(t("photos", lang), type=PHOTO_TYPES, accept_multiple_files=True)
        left, right = st.columns(2)
        lon = left.number_input(t("longitude", lang), value=None, format="%.6f")
        lat = right.number_input(t("latitude", lang), value=None, format="%.6f")
        submitted = st.form_submit_button(t("save", lang), type="primary", use_container_width=True)
    if submitted:
        try:
            photos = [
                process_photo(u.getvalue(), max_bytes=workspace.settings.max_photo_bytes)
                for u in uploads or []
            ]
            position = _position(lon, lat, tapped or gps, photos)
            if position is None:
                st.error(t("no_position", lang))
            else:
                draft = ObservationDraft(
                    category=category, position=position, created_by="app",
                    severity=int(severity) if severity is not None else None,
                    description=description, walk_uuid=walk, fields=fields, photos=tuple(photos),
                )  # fmt: skip
                observation = record_observation(workspace, draft, area=slug)
                state.set_last_observation(observation)
                cache.summaries.clear()
                light = t(f"light_{observation.light_condition}", lang)
                st.success(
                    t("saved", lang).format(
                        number=observation.number, area=areas[slug], light=light
                    )
                )
        except LocalizedError as error:
            st.error(error.message(lang))
    _undo(lang)


def _position(
    lon: float | None, lat: float | None, tapped: tuple[float, float] | None, photos: list[Photo]
) -> Position | None:
    """Typed coordinates win, then the tap on the map (or the phone's GPS), then a photo's GPS."""
    if lon is not None and lat is not None:
        return Position(lon, lat)
    if tapped is not None:
        return Position(*tapped)
    for photo in photos:
        if photo.lon is not None and photo.lat is not None:
            return Position(photo.lon, photo.lat)
    return None
