"""The walks page: plan a walk with sun times at the area, and list the area's walks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import streamlit as st
from streamlit_folium import st_folium

from gis.gpx import gpx_to_line
from gis.i18n import LocalizedError
from ui import cache, state
from ui.i18n import ORGANISATIONS, t
from walks.areas import find_area
from walks.model import PARTICIPANT_GROUPS, Walk, WalkKind, WalkPlan
from walks.overview import walk_web_map
from walks.planning import LOCAL_TIME, list_walks, plan_walk, walk_light
from walks.recording import photo_thumbnails, walk_observations

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
        gpx = st.file_uploader(t("route_gpx", lang), type=["gpx"])
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
            if gpx is not None:
                plan = replace(plan, route=gpx_to_line(gpx.getvalue()))
            walk = plan_walk(workspace, plan)
        except LocalizedError as error:
            st.error(error.message(lang))
        else:
            cache.summaries.clear()
            st.success(t("walk_saved", lang).format(number=walk.number, area=names[slug]))
    st.subheader(t("walks_in_area", lang))
    walks = list_walks(workspace, slug)
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
            for walk in walks
        ],
        hide_index=True,
    )
    _walk_detail(slug, walks, lang)


def _walk_detail(slug: str, walks: list[Walk], lang: str) -> None:
    """One walk: its route and observations on a map, and the observations with thumbnails."""
    if not walks:
        return
    workspace = cache.workspace()
    st.subheader(t("walk_detail", lang))
    by_uuid = {walk.uuid: walk for walk in walks}
    chosen = st.selectbox(
        t("walk", lang), list(by_uuid), key="walk_detail",
        format_func=lambda u: f"{by_uuid[u].number}. {by_uuid[u].title}",
    )  # fmt: skip
    walk = by_uuid[chosen]
    observations = walk_observations(workspace, slug, walk.uuid)
    walk_map = walk_web_map(workspace, walk, observations, language=lang)
    st_folium(walk_map, key=f"walk_map_{walk.uuid}", height=300, use_container_width=True,
              returned_objects=[])  # fmt: skip
    if not observations:
        st.caption(t("no_walk_observations", lang))
        return
    thumbnails = photo_thumbnails(workspace, slug, [o.uuid for o in observations])
    for observation in observations:
        title = workspace.catalog.category(observation.category).title.in_language(lang)
        when = observation.observed_at.astimezone(LOCAL_TIME).strftime("%H:%M")
        st.markdown(f"**{observation.number}. {title}** · {when}")
        if observation.description:
            st.text(observation.description)
        for thumbnail in thumbnails.get(observation.uuid, []):
            st.image(thumbnail, width=160)
