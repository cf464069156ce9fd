"""The map page: the chosen areas and their observations on an interactive map, with filters."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import streamlit as st
from streamlit_folium import st_folium

from gis.i18n import LocalizedError
from ui import cache, plan_page, state
from ui.i18n import t
from ui.maps import Choropleth, district_web_map
from walks.areasmap import AnalysisShapes, MapData, MarkedLayer, ObservationFilter
from walks.model import Area, Catalog, LightCondition, ObservationStatus
from walks.planning import LOCAL_TIME

T = TypeVar("T")

_KINDS = {"all": None, "problems": False, "positive": True}
"""The map's choice between problems and positive places, as ``ObservationFilter.positive``."""


def _restriction(chosen: list[T], options: list[T]) -> frozenset[T] | None:
    """Return the chosen options, or None (no restriction) when all of them are chosen."""
    return None if set(options) <= set(chosen) else frozenset(chosen)


def _chosen_areas(areas: list[Area], lang: str) -> list[str]:
    names = {area.slug: area.name for area in areas}
    return st.multiselect(t("map_areas", lang), list(names), default=list(names),
                          format_func=names.__getitem__, key=state.MAP_AREAS_KEY)  # fmt: skip


def _observation_filter(catalog: Catalog, data: MapData, lang: str) -> ObservationFilter:
    """Draw the filter widgets and return what they choose."""
    titles = {spec.name: spec.title.in_language(lang) for spec in catalog.categories}
    levels = {
        int(level.value): level.title.in_language(lang)
        for spec in catalog.categories if spec.severity is not None
        for level in spec.severity.levels
    }  # fmt: skip
    statuses = list(ObservationStatus)
    lights = list(LightCondition)
    with st.expander(t("map_filters", lang)):
        left, right = st.columns(2)
        categories = left.multiselect(t("map_categories", lang), list(titles),
                                      default=list(titles), format_func=titles.__getitem__,
                                      key=state.MAP_CATEGORIES_KEY)  # fmt: skip
        chosen_statuses = left.multiselect(t("map_statuses", lang), statuses, default=statuses,
                                           format_func=lambda s: s.label.in_language(lang),
                                           key=state.MAP_STATUSES_KEY)  # fmt: skip
        chosen_lights = right.multiselect(t("map_light", lang), lights, default=lights,
                                          format_func=lambda c: c.label.in_language(lang),
                                          key=state.MAP_LIGHT_KEY)  # fmt: skip
        severities = right.multiselect(t("map_severities", lang), list(levels),
                                       default=list(levels), format_func=levels.__getitem__,
                                       key=state.MAP_SEVERITIES_KEY)  # fmt: skip
        kind = st.radio(t("map_kind", lang), list(_KINDS), horizontal=True,
                        format_func=lambda k: t(f"map_kind_{k}", lang),
                        key=state.MAP_KIND_KEY)  # fmt: skip
        walks, first_day, last_day = _walk_and_date_filter(data, lang)
    return ObservationFilter(
        categories=_restriction(categories, list(titles)),
        statuses=_restriction(chosen_statuses, statuses),
        light_conditions=_restriction(chosen_lights, lights),
        severities=_restriction(severities, list(levels)),
        positive=_KINDS[kind],
        first_day=first_day,
        last_day=last_day,
        walks=walks,
    )


def _walk_and_date_filter(
    data: MapData, lang: str
) -> tuple[frozenset[str] | None, date | None, date | None]:
    """Draw the walk and date choices; return chosen walks (None: all) and the day range."""
    walks = {walk.uuid: walk.label for walk in data.walks}
    # Empty means every observation, those made outside a walk and on later walks too.
    chosen = st.multiselect(t("map_walks", lang), list(walks), default=[],
                            format_func=walks.__getitem__, key=state.MAP_WALKS_KEY,
                            placeholder=t("map_walks_all", lang))  # fmt: skip
    # Empty by default: no restriction, so that new observations are never left out unseen.
    picked = st.date_input(t("map_dates", lang), value=[], key=state.MAP_DATES_KEY,
                           format="YYYY-MM-DD")  # fmt: skip
    days = list(picked) if isinstance(picked, tuple | list) else [picked]
    first = days[0] if days else None
    last = days[1] if len(days) > 1 else None
    return (frozenset(chosen) if chosen else None), first, last


def _fill(data: MapData, lang: str) -> Choropleth | None:
    """Draw the choice of what fills the areas and return it."""
    indicators = cache.indicators()
    options = ["", "density", *indicators]
    names = {"": t("map_fill_none", lang), "density": t("map_fill_density", lang)}
    choice = st.selectbox(t("map_fill", lang), options, key=state.MAP_FILL_KEY,
                          format_func=lambda o: names.get(o, o))  # fmt: skip
    if choice == "density":
        return Choropleth(names["density"], data.per_km2())
    if choice:
        return Choropleth(choice, indicators[choice])
    return None


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
    none = t("details_none", lang)
    walks = {walk.uuid: walk.label for walk in data.walks}
    values = {
        t("details_category", lang): spec.title.in_language(lang),
        t("details_description", lang): observation.description or none,
        t("severity", lang): spec.severity.title_of(observation.severity, lang)
        if spec.severity is not None and observation.severity is not None else none,
        t("details_status", lang): observation.status.label.in_language(lang),
        t("details_light", lang): observation.light_condition.label.in_language(lang)
        if observation.light_condition is not None else none,
        t("details_walk", lang): walks.get(observation.walk_uuid or "", none),
        t("details_time", lang):
            observation.observed_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
    }  # fmt: skip
    for field in spec.fields:
        if field.name in observation.fields:
            values[field.title.in_language(lang)] = field.value_title(
                observation.fields[field.name], lang
            )
    route = next((r for r in cache.routes(slug) if r.number == observation.number), None)
    if route is not None:
        names = {o.id: o.name.in_language(lang) for o in cache.organisations()}
        who = names.get(route.responsible or "", route.responsible or t("route_nobody", lang))
        chosen = f"{t('route_chosen', lang)}. " if route.override else ""
        values[t("route_who", lang)] = f"{who} ({chosen}{route.reason.in_language(lang)})"
    with st.container(border=True):
        area = next(a.name for a in data.areas if a.slug == slug)
        st.subheader(t("details_title", lang).format(number=observation.number, area=area))
        # A table, not markdown: user text shows as text.
        st.table({"": list(values.keys()), " ": [str(v) for v in values.values()]})
        if observation.status in plan_page.FREE and st.button(
            t("details_make_measure", lang), key=f"measure_{observation.uuid}"
        ):
            plan_page.open_with(slug, observation.number)
        for k, photo in enumerate(photos, start=1):
            st.image(photo.thumbnail, width=200)
            if st.button(t("details_photo_full", lang).format(k=k), key=f"photo_{photo.uuid}"):
                image = cache.full_photo(slug, photo.uuid)
                if image is not None:
                    st.image(image, use_container_width=True)


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
                                key=state.MAP_BEFORE_KEY)  # fmt: skip
        after = right.selectbox(t("map_change_after", lang), order, index=len(order) - 1,
                                format_func=lambda u: walks[u].label,
                                key=state.MAP_AFTER_KEY)  # fmt: skip
        found = cache.changes(slugs, observation_filter, data, lang, walks[before], walks[after])
        counts = {layer.title: len(layer.labels) for layer in found}
        st.caption(" · ".join(f"{title}: {n}" for title, n in counts.items()))
        return None, found
    return None, []


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("map_title", lang))
    st.caption(t("map_intro", lang))
    try:
        workspace = cache.workspace()
        slugs = _chosen_areas(cache.areas(), lang)
        everything = cache.map_data_of(slugs)
        observation_filter = _observation_filter(workspace.catalog, everything, lang)
        data = cache.map_data_of(slugs, observation_filter)
        choropleth = _fill(data, lang)
        analyses, marked = _analysis(data, slugs, observation_filter, lang)
        rows = cache.summaries()
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    fmap = district_web_map(data, language=lang, tiles_url=workspace.settings.tiles_url,
                            choropleth=choropleth, analyses=analyses, marked=marked)  # fmt: skip
    clicked = st_folium(fmap, key=state.MAP_KEY, height=560, use_container_width=True,
                        returned_objects=["last_object_clicked_tooltip"])  # fmt: skip
    st.caption(
        t("map_shown", lang).format(
            shown=len(data.observations), total=len(everything.observations)
        )
    )
    if analyses is not None:
        st.caption(t("map_dark_total", lang).format(dark=analyses.dark_m, total=analyses.routes_m))
    _details(data, (clicked or {}).get("last_object_clicked_tooltip"), workspace.catalog, lang)
    st.subheader(t("counts_title", lang))
    st.dataframe(
        [
            {
                t("col_area", lang): row.name,
                t("col_observations", lang): row.observations,
                t("col_walks", lang): row.counts.get("walks", 0),
                t("col_measures", lang): row.counts.get("measures", 0),
            }
            for row in rows
        ],
        hide_index=True,
    )
    st.info(t("demo_note", lang))
