"""The map page: the chosen areas and their observations on an interactive map, with filters."""

from __future__ import annotations

from typing import Final

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit_folium import st_folium

from gis.i18n import LocalizedError
from ui import cache, map_filters, observation_list, plan_page, redaction_panel, session, state
from ui.i18n import t
from ui.maps import Choropleth, district_web_map
from walks.core.clock import LOCAL_TIME
from walks.core.model import Catalog, LayerSpec, Observation, ObservationOrigin
from walks.documents.areasmap import AnalysisShapes, MapData, MarkedLayer, ObservationFilter

MAP_HEIGHT_PX: Final = 560
"""The map's height: on a 1366 × 900 desktop more than 60 % of the screen, under the title."""


def _fill(data: MapData, lang: str) -> Choropleth | None:
    """Draw the choice of what fills the areas and return it."""
    indicators = cache.indicators()
    options = ["", "density", *indicators]
    names = {"": t("map_fill_none", lang), "density": t("map_fill_density", lang)}
    choice = st.selectbox(t("map_fill", lang), options, key=state.MAP_FILL_KEY,
                          placeholder=t("choose", lang),
                          format_func=lambda o: names.get(o, o))  # fmt: skip
    if choice == "density":
        return Choropleth(names["density"], data.per_km2())
    if choice:
        return Choropleth(choice, indicators[choice])
    return None


def detail_values(
    observation: Observation, spec: LayerSpec, walks: dict[str, str], lang: str
) -> dict[str, str]:
    """Return an observation's details as the page shows them: title → value, as text."""
    none = t("details_none", lang)
    values = {
        t("category", lang): spec.title.in_language(lang),
        t("description", lang): observation.description or none,
        t("severity", lang): spec.severity.title_of(observation.severity, lang)
        if spec.severity is not None and observation.severity is not None else none,
        t("status", lang): observation.status.label.in_language(lang),
        t("details_light", lang): observation.light_condition.label.in_language(lang)
        if observation.light_condition is not None else none,
        t("details_walk", lang): walks.get(observation.walk_uuid or "", none),
        t("details_time", lang):
            observation.observed_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
    }  # fmt: skip
    if observation.origin is not None:  # e.g. a resident's report, accepted from the inbox
        came = ObservationOrigin(observation.origin)
        values[t("details_origin", lang)] = came.label.in_language(lang)
    for field in spec.fields:
        if field.name in observation.fields:
            values[field.title.in_language(lang)] = field.value_title(
                observation.fields[field.name], lang
            )
    return values


def _details(data: MapData, tooltip: str | None, catalog: Catalog, lang: str) -> None:
    """Show the observation whose marker was clicked: its values, fields and photos."""
    found = data.labelled(tooltip or "")
    if found is None:
        return
    slug, number = found
    rows = data.at(slug, number)
    if rows.empty:
        st.info(t("details_gone", lang))
        return
    observation, photos = cache.observation(slug, str(rows["uuid"].iloc[0]))
    if observation is None:
        st.info(t("details_gone", lang))
        return
    spec = catalog.category(observation.category)
    values = detail_values(observation, spec, {w.uuid: w.label for w in data.walks}, lang)
    route = next((r for r in cache.routes(slug) if r.number == observation.number), None)
    if route is not None:
        names = {o.id: o.name.in_language(lang) for o in cache.organisations()}
        who = names.get(route.responsible or "", route.responsible or t("nobody", lang))
        chosen = f"{t('route_chosen', lang)}. " if route.override else ""
        values[t("responsible", lang)] = f"{who} ({chosen}{route.reason.in_language(lang)})"
    with st.container(border=True):
        area = next(a.name for a in data.areas if a.slug == slug)
        st.header(t("details_title", lang).format(number=observation.number, area=area))
        # A table, not markdown: user text shows as text.
        st.table({"": list(values.keys()), " ": [str(v) for v in values.values()]})
        if observation.status in plan_page.FREE and st.button(
            t("details_make_measure", lang), key=f"measure_{observation.uuid}"
        ):
            plan_page.open_with(slug, observation.number)
        for k, photo in enumerate(photos, start=1):
            alt = t("photo_alt", lang).format(k=k, number=observation.number)
            st.image(photo.thumbnail, width=200, alt=alt)
            if st.button(t("details_photo_full", lang).format(k=k), key=f"photo_{photo.uuid}"):
                image = cache.full_photo(slug, photo.uuid)
                if image is not None:
                    st.image(image, use_container_width=True, alt=alt)
        redaction_panel.render(slug, observation, photos, lang)


_ANALYSES = ("", "hotspots", "near", "change", "priority")
"""What the map can show of the analyses (``safewalk analyse …``); "" is none."""


def _analysis(
    data: MapData, slugs: list[str], observation_filter: ObservationFilter, lang: str
) -> tuple[AnalysisShapes | None, list[MarkedLayer]]:
    """Draw the choice of analysis to show and return what the map draws of it.

    Raises
    ------
    LocalizedError
        The analysis cannot run as chosen (two walks of different areas).
    """
    choice = st.selectbox(t("map_analysis", lang), _ANALYSES, key=state.MAP_ANALYSES_KEY,
                          placeholder=t("choose", lang),
                          format_func=lambda a: t(f"map_analysis_{a or 'none'}", lang))  # fmt: skip
    if choice == "hotspots":
        return cache.analyses(slugs, lang), []
    if choice in ("near", "priority"):
        return None, [cache.marked(slugs, observation_filter, data, lang, choice)]
    if choice == "change":
        walks = {walk.uuid: walk for walk in data.walks}
        if len(walks) < 2:
            st.info(t("map_change_needs_walks", lang))
            return None, []
        left, right = st.columns(2)
        order = list(walks)[::-1]  # oldest first
        before = left.selectbox(t("map_change_before", lang), order, index=0,
                                format_func=lambda u: walks[u].label,
                                placeholder=t("choose", lang),
                                key=state.MAP_BEFORE_KEY)  # fmt: skip
        after = right.selectbox(t("map_change_after", lang), order, index=len(order) - 1,
                                format_func=lambda u: walks[u].label,
                                key=state.MAP_AFTER_KEY, placeholder=t("choose", lang))  # fmt: skip
        found = cache.changes(slugs, observation_filter, data, lang, walks[before], walks[after])
        counts = {layer.title: len(layer.labels) for layer in found}
        st.caption(" · ".join(f"{title}: {n}" for title, n in counts.items()))
        return None, found
    return None, []


def render() -> None:
    """Draw the page: the map first, under the title; what it shows and its filters below."""
    lang = state.language()
    st.title(t("map_title", lang))
    map_slot = st.container()  # filled once the filters below say what the map shows
    details_slot = st.container()
    state.restore_choices(state.MAP_CHOICES)
    try:
        _render(map_slot, details_slot, lang)
    finally:
        state.keep_choices(state.MAP_CHOICES)


def _render(map_slot: DeltaGenerator, details_slot: DeltaGenerator, lang: str) -> None:
    try:
        workspace = session.workspace()
        with st.expander(t("map_filters", lang)):
            slugs = map_filters.chosen_areas(cache.areas(), lang)
            everything = cache.map_data_of(slugs)
            observation_filter = map_filters.observation_filter(workspace.catalog, everything, lang)
        data = cache.map_data_of(slugs, observation_filter)
        left, right = st.columns(2)
        with left:
            choropleth = _fill(data, lang)
        with right:
            analyses, marked = _analysis(data, slugs, observation_filter, lang)
        rows = cache.summaries()
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    fmap = district_web_map(data, language=lang, tiles_url=workspace.settings.tiles_url,
                            choropleth=choropleth, analyses=analyses, marked=marked)  # fmt: skip
    with map_slot:
        clicked = st_folium(fmap, key=state.MAP_KEY, height=MAP_HEIGHT_PX,
                            use_container_width=True,
                            returned_objects=["last_object_clicked_tooltip"])  # fmt: skip
    with details_slot:
        st.caption(t("map_intro", lang))
        counts = {"shown": len(data.observations), "total": len(everything.observations)}
        st.caption(t("map_shown", lang).format(**counts))
        if analyses is not None:
            dark = {"dark": analyses.dark_m, "total": analyses.routes_m}
            st.caption(t("map_dark_total", lang).format(**dark))
        _details(data, (clicked or {}).get("last_object_clicked_tooltip"), workspace.catalog,
                 lang)  # fmt: skip
    observation_list.render(data, workspace.catalog, lang)
    st.header(t("counts_title", lang))
    st.dataframe(
        [
            {
                t("area", lang): row.name,
                t("observations", lang): row.observations,
                t("walks", lang): row.counts.get("walks", 0),
                t("measures", lang): row.counts.get("measures", 0),
            }
            for row in rows
        ],
        hide_index=True,
    )
    st.info(t("demo_note", lang))
