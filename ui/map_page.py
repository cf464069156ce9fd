"""The map page: the chosen areas and their observations on an interactive map, with filters."""

from __future__ import annotations

from typing import TypeVar

import streamlit as st
from streamlit_folium import st_folium

from gis.i18n import LocalizedError
from ui import cache, state
from ui.i18n import t
from ui.maps import areas_web_map, legend_html
from walks.mapdata import ObservationFilter
from walks.model import Area, Catalog, LightCondition, ObservationStatus

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


def _observation_filter(catalog: Catalog, lang: str) -> ObservationFilter:
    """Draw the filter widgets and return what they choose."""
    titles = {spec.name: spec.title.in_language(lang) for spec in catalog.categories}
    levels = {
        level.value: level.title.in_language(lang)
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
    return ObservationFilter(
        categories=_restriction(categories, list(titles)),
        statuses=_restriction(chosen_statuses, statuses),
        light_conditions=_restriction(chosen_lights, lights),
        severities=_restriction(severities, list(levels)),
        positive=_KINDS[kind],
    )


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("map_title", lang))
    st.caption(t("map_intro", lang))
    try:
        workspace = cache.workspace()
        slugs = _chosen_areas(cache.areas(), lang)
        observation_filter = _observation_filter(workspace.catalog, lang)
        data = cache.areas_map(slugs, observation_filter)
        total = len(cache.areas_map(slugs, ObservationFilter()).marks)
        rows = cache.summaries()
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    fmap = areas_web_map(data, language=lang, tiles_url=workspace.settings.tiles_url)
    st_folium(fmap, key=state.MAP_KEY, height=520, use_container_width=True,
              returned_objects=[])  # fmt: skip
    st.caption(t("map_shown", lang).format(shown=len(data.marks), total=total))
    with st.expander(t("legend", lang)):
        st.markdown(legend_html(workspace.catalog, lang), unsafe_allow_html=True)
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
