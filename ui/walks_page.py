"""The walks page: plan a walk with sun times at the area, and list the area's walks."""

from __future__ import annotations

from datetime import date, datetime, time

import streamlit as st

from gis.i18n import LocalizedError
from ui import cache, state
from ui.i18n import ORGANISATIONS, t
from walks.areas import find_area
from walks.model import PARTICIPANT_GROUPS, WalkKind, WalkPlan
from walks.planning import LOCAL_TIME, list_walks, plan_walk, walk_light

KINDS = (WalkKind.REGULAR, WalkKind.YOUTH, WalkKind.INVENTORY)


def _sun_caption(area_slug: str, day: date, lang: str) -> time | None:
    """Show sunset, dusk and the suggested start; return the suggested start time."""
    light = walk_light(find_area(cache.workspace(), area_slug), day)
    if light.suggested_start is None or light.times.civil_dusk is None:
        st.caption(t("no_darkness", lang))
        return None
    sunset = light.times.sunset.strftime("%H:%M") if light.times.sunset else "–"
    start = light.suggested_start.time()
    st.info(
        t("sun_times", lang).format(
            sunset=sunset,
            dusk=light.times.civil_dusk.strftime("%H:%M"),
            start=start.strftime("%H:%M"),
        )
    )
    return start


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("walks_title", lang))
    try:
        workspace = cache.workspace()
        areas = workspace.areas()
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    names = {area.slug: area.name for area in areas}
    slug = st.selectbox(
        t("area", lang), list(names), format_func=names.__getitem__, key="walk_area"
    )
    day = st.date_input(t("date", lang), key="walk_date", format="YYYY-MM-DD")
    suggested = _sun_caption(slug, day, lang)
    with st.form("plan_walk", clear_on_submit=True):
        start = st.time_input(t("start_time", lang), value=suggested or time(18, 0), step=900)
        title = st.text_input(t("walk_title", lang))
        kind = st.radio(
            t("walk_kind", lang), KINDS, format_func=lambda k: t(f"kind_{k}", lang), horizontal=True
        )
        organisations = st.multiselect(
            t("organisations", lang), ORGANISATIONS, placeholder=t("choose", lang)
        )
        others = st.text_input(t("other_organisations", lang))
        st.markdown(f"**{t('headcounts', lang)}**")
        columns = st.columns(3)
        counts = {
            group: int(columns[i % 3].number_input(t(f"group_{group}", lang), 0, 500, 0, 1))
            for i, group in enumerate(PARTICIPANT_GROUPS)
        }
        notes = st.text_area(t("notes", lang))
        st.caption(t("route_later", lang))
        submitted = st.form_submit_button(t("save_walk", lang), type="primary")
    if submitted:
        plan = WalkPlan(
            area=slug,
            title=title,
            starts_at=datetime.combine(day, start, tzinfo=LOCAL_TIME),
            created_by="app",
            kind=kind,
            organisations=(*organisations, *others.split(",")),
            participants=counts,
            notes=notes,
        )
        try:
            walk = plan_walk(workspace, plan)
        except LocalizedError as error:
            st.error(error.message(lang))
        else:
            cache.summaries.clear()
            st.success(t("walk_saved", lang).format(number=walk.number, area=names[slug]))
    st.subheader(t("walks_in_area", lang))
    st.dataframe(
        [
            {
                t("col_number", lang): walk.number,
                t("col_start", lang): walk.starts_at.astimezone(LOCAL_TIME).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                t("col_title", lang): walk.title,
                t("col_kind", lang): t(f"kind_{walk.kind}", lang),
                t("col_participants", lang): sum(walk.participants.values()),
            }
            for walk in list_walks(workspace, slug)
        ],
        hide_index=True,
    )
