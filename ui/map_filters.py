"""The map page's filters: which areas, and which of their observations the map shows."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import streamlit as st

from ui import state
from ui.i18n import t
from walks.core.model import Area, Catalog, LightCondition, ObservationStatus
from walks.documents.areasmap import MapData, ObservationFilter

T = TypeVar("T")

_KINDS = {"all": None, "problems": False, "positive": True}
"""The map's choice between problems and positive places, as ``ObservationFilter.positive``."""


def _restriction(chosen: list[T], options: list[T]) -> frozenset[T] | None:
    """Return the chosen options, or None (no restriction) when all of them are chosen."""
    return None if set(options) <= set(chosen) else frozenset(chosen)


def chosen_areas(areas: list[Area], lang: str) -> list[str]:
    """Draw the choice of areas and return their ids."""
    names = {area.slug: area.name for area in areas}
    return st.multiselect(t("areas", lang), list(names), default=list(names),
                          placeholder=t("choose", lang),
                          format_func=names.__getitem__, key=state.MAP_AREAS_KEY)  # fmt: skip


def observation_filter(catalog: Catalog, data: MapData, lang: str) -> ObservationFilter:
    """Draw the filter widgets and return what they choose (the page puts them in a fold)."""
    titles = {spec.name: spec.title.in_language(lang) for spec in catalog.categories}
    levels = {
        int(level.value): level.title.in_language(lang)
        for spec in catalog.categories if spec.severity is not None
        for level in spec.severity.levels
    }  # fmt: skip
    statuses = list(ObservationStatus)
    lights = list(LightCondition)
    left, right = st.columns(2)
    categories = left.multiselect(t("categories", lang), list(titles),
                                  default=list(titles), format_func=titles.__getitem__,
                                  placeholder=t("choose", lang),
                                  key=state.MAP_CATEGORIES_KEY)  # fmt: skip
    chosen_statuses = left.multiselect(t("status", lang), statuses, default=statuses,
                                       format_func=lambda s: s.label.in_language(lang),
                                       placeholder=t("choose", lang),
                                       key=state.MAP_STATUSES_KEY)  # fmt: skip
    chosen_lights = right.multiselect(t("map_light", lang), lights, default=lights,
                                      format_func=lambda c: c.label.in_language(lang),
                                      placeholder=t("choose", lang),
                                      key=state.MAP_LIGHT_KEY)  # fmt: skip
    severities = right.multiselect(t("severity", lang), list(levels),
                                   default=list(levels), format_func=levels.__getitem__,
                                   placeholder=t("choose", lang),
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
    chosen = st.multiselect(t("walks", lang), list(walks), default=[],
                            format_func=walks.__getitem__, key=state.MAP_WALKS_KEY,
                            placeholder=t("map_walks_all", lang))  # fmt: skip
    # Empty by default: no restriction, so that new observations are never left out unseen.
    picked = st.date_input(t("map_dates", lang), value=[], key=state.MAP_DATES_KEY,
                           format="YYYY-MM-DD")  # fmt: skip
    days = list(picked) if isinstance(picked, tuple | list) else [picked]
    first = days[0] if days else None
    last = days[1] if len(days) > 1 else None
    return (frozenset(chosen) if chosen else None), first, last
