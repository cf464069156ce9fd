"""The registration page: one observation at a time, quickly, on a phone in the field."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from gis.photos import process_photo
from ui import cache, position_inputs, session, state
from ui.i18n import t
from ui.widgets import PHOTO_TYPES, category_inputs
from walks.core.model import (
    DrawnShape,
    LayerSpec,
    LightCondition,
    Observation,
    ObservationDraft,
    Position,
)
from walks.fieldwork.recording import (
    choose_position,
    possible_duplicates,
    record_observation,
    withdraw_observation,
)


def _undo(lang: str) -> None:
    last = state.last_observation()
    if last is None:
        return
    if st.button(t("undo", lang).format(number=last.number), key=state.UNDO_KEY):
        try:
            with session.writing() as workspace:
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
        workspace = session.workspace()
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
    gps = position_inputs.gps_position(lang, workspace.settings.gps_accuracy_m)
    st.caption(t("tap_map", lang))
    spec = catalog.category(category)
    tapped, shape = position_inputs.tapped_position(slug, spec, lang)
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
    max_bytes = session.workspace().settings.max_photo_bytes
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
        with session.writing() as workspace:
            return record_observation(workspace, draft, area=slug)
    except LocalizedError as error:
        st.error(error.message(lang))
        return None
