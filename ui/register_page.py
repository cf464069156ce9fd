"""The registration page: one observation at a time, quickly, on a phone in the field.

The observation goes to the area its position lies in (the phone's GPS, a tap, typed
coordinates or a photo's); the area list only overrides that, and the walks offered are
the area's.
"""

from __future__ import annotations

from typing import Final

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gis.i18n import LocalizedError
from ui import cache, position_inputs, register_form, session, state
from ui.i18n import t
from walks.core.model import Area, DrawnShape, LightCondition, Observation, Position
from walks.fieldwork.recording import (
    choose_position,
    observation_area,
    possible_duplicates,
    withdraw_observation,
)

CAPTURE_PAGE: Final = "/capture/"
"""The phone capture page, served by the same process: the link is relative."""


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
    st.markdown(f"📱 [{t('capture_link', lang)}]({CAPTURE_PAGE})")
    try:
        workspace = session.workspace()
        known = cache.areas()
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    if not known:
        st.info(t("no_areas", lang))
        return
    names = {area.slug: area.name for area in known}
    chosen = st.selectbox(
        t("area", lang), [None, *names], key=state.REGISTER_AREA_KEY,
        placeholder=t("choose", lang),
        format_func=lambda s: t("area_from_position", lang) if s is None else names[s],
    )  # fmt: skip
    walk_box = st.container()  # filled once the area is known
    catalog = workspace.catalog
    category = st.selectbox(
        t("category", lang), catalog.names, key=state.REGISTER_CATEGORY_KEY,
        placeholder=t("choose", lang),
        format_func=lambda n: catalog.category(n).title.in_language(lang),
    )  # fmt: skip
    gps = position_inputs.gps_position(lang, workspace.settings.gps_accuracy_m)
    st.caption(t("tap_map", lang))
    spec = catalog.category(category)
    # The map shows the chosen area, else the GPS fix's, else the last saved one's; a tap
    # never moves it (a new map would lose the tap).
    last = state.last_observation()
    shown = chosen or position_inputs.area_at(gps, known) or (last.area if last else None)
    tapped, shape = position_inputs.tapped_position(shown or known[0].slug, spec, lang)
    where = st.container()  # where the observation goes, above the form
    entry = register_form.draw(spec, lang)
    pointed: Position | DrawnShape | None = None
    found: Area | None = None
    refusal: str | None = None
    try:
        pointed = shape or choose_position(typed=entry.typed, tapped=tapped, gps=gps)
        if pointed is not None:
            found = observation_area(workspace, pointed, area=chosen, known=known)
    except LocalizedError as error:
        refusal = error.message(lang)
    walk = _walk(walk_box, found or chosen or shown or known[0].slug, lang,
                 saving=entry.submitted)  # fmt: skip
    if refusal is not None:
        # Said at once; a save would be refused for the same reason.
        (where.error if entry.submitted else where.warning)(refusal)
    elif found is not None:
        text = t("area_chosen", lang) if chosen else t("area_found", lang)
        where.info(text.format(area=found.name), icon="📍")
    if entry.submitted and refusal is None:
        observation = register_form.save(spec, entry, pointed, area=chosen, walk=walk,
                                         lang=lang)  # fmt: skip
        if observation is not None:
            state.set_last_observation(observation, just_saved=True)
            state.clear_register_form(catalog.names)
            state.fresh_maps()  # the next observation starts without this one's drawing
            st.rerun()  # draw the page again with a fresh map, then say what was saved
    _after_saving(names, lang)


def _walk(box: DeltaGenerator, area: Area | str, lang: str, *, saving: bool) -> str | None:
    """Draw the choice of the area's walks (or none) in ``box``; return the walk's UUID.

    ``area``: the area found, or the id of the one shown. A walk chosen before that is not
    the area's is still returned when ``saving`` (the save refuses it, naming both areas),
    and said otherwise.
    """
    slug = area if isinstance(area, str) else area.slug
    before = state.register_walk()
    walks = {w.uuid: f"{w.number}. {w.title}" for w in cache.walks(slug)}
    walk = box.selectbox(
        t("walk", lang), [None, *walks], key=state.REGISTER_WALK_KEY,
        placeholder=t("choose", lang),
        format_func=lambda u: t("no_walk", lang) if u is None else walks[u],
    )  # fmt: skip
    if before is None or before in walks:
        return walk
    if isinstance(area, Area) and not saving:
        box.warning(t("walk_elsewhere", lang).format(area=area.name))
    return before


def _after_saving(names: dict[str, str], lang: str) -> None:
    """Say what the run before saved, and its possible duplicates; offer to undo it."""
    saved = state.just_saved()
    if saved is not None:
        st.success(_saved_message(saved, names.get(saved.area, saved.area), lang))
        duplicates = possible_duplicates(session.workspace(), saved)
        if duplicates:
            listed = ", ".join(f"{d.number} ({d.distance_m:.0f} m)" for d in duplicates)
            st.warning(t("possible_duplicates", lang).format(listed=listed))
    _undo(lang)
