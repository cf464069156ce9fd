"""The walks page: plan a walk with sun times at the area, list the area's walks, join one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import streamlit as st
from streamlit_folium import st_folium

from gis.gpx import gpx_to_line
from gis.i18n import LocalizedError
from ui import cache, session, state
from ui.i18n import t
from ui.join_panel import show_join
from ui.maps import add_draw_tools, area_web_map, walk_web_map
from walks.core.clock import LOCAL_TIME
from walks.core.model import PARTICIPANT_GROUPS, Area, DrawnShape, Walk, WalkKind, WalkPlan
from walks.fieldwork.planning import plan_walk, walk_light
from walks.fieldwork.recording import drawn_shape


def _kind_title(kind: str, lang: str) -> str:
    """Return a walk kind's title; ``kind`` may be the enum member or its value."""
    return WalkKind(kind).label.in_language(lang)


def _sun_caption(area: Area, day: date, lang: str) -> time | None:
    """Show sunset, dusk and the suggested start; return the suggested start time."""
    light = walk_light(area, day)
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


def _drawn_route(slug: str, lang: str) -> DrawnShape | None:
    """Draw the area's map with a line tool; return the route drawn on it, if any."""
    with st.expander(t("route_draw", lang)):
        fmap = area_web_map(cache.area_map(slug), language=lang,
                            tiles_url=session.workspace().settings.tiles_url)  # fmt: skip
        add_draw_tools(fmap, ["LineString"], language=lang)
        result = st_folium(fmap, key=state.plan_map_key(), height=360,
                           use_container_width=True,
                           returned_objects=["last_active_drawing", "all_drawings"])  # fmt: skip
        drawn = result.get("last_active_drawing") if result and result.get("all_drawings") else None
        try:
            shape = drawn_shape(drawn)
        except LocalizedError as error:
            st.warning(error.message(lang))
            return None
        if shape is not None and shape.geometry.geom_type != "LineString":
            return None
        if shape is not None:
            st.caption(t("route_drawn", lang))
        return shape


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("walks_title", lang))
    try:
        areas = cache.areas()
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    by_slug = {area.slug: area for area in areas}
    names = {area.slug: area.name for area in areas}
    slug = st.selectbox(
        t("area", lang),
        list(names),
        format_func=names.__getitem__,
        key=state.WALK_AREA_KEY,
        placeholder=t("choose", lang),
    )
    day = st.date_input(t("date", lang), key=state.WALK_DATE_KEY, format="YYYY-MM-DD")
    suggested = _sun_caption(by_slug[slug], day, lang)
    drawn_route = _drawn_route(slug, lang)
    with st.form(state.PLAN_FORM_KEY, clear_on_submit=True):
        # No key: the suggested start must follow the chosen date.
        start = st.time_input(t("start_time", lang), value=suggested or time(18, 0), step=900)
        title = st.text_input(t("walk_title", lang), key=state.PLAN_TITLE_KEY)
        kind = st.radio(
            t("walk_kind", lang), tuple(WalkKind), format_func=lambda k: _kind_title(k, lang),
            horizontal=True, key=state.PLAN_KIND_KEY,
        )  # fmt: skip
        # From data/organisations.toml; stored by their Swedish names, whatever the language.
        known = {o.name.sv: o.name.in_language(lang) for o in cache.organisations()}
        organisations = st.multiselect(
            t("organisations", lang), list(known), placeholder=t("choose", lang),
            format_func=known.__getitem__, key=state.PLAN_ORGANISATIONS_KEY,
        )  # fmt: skip
        others = st.text_input(
            t("other_organisations", lang), key=state.PLAN_OTHER_ORGANISATIONS_KEY
        )
        st.markdown(f"**{t('headcounts', lang)}**")
        columns = st.columns(3)
        counts = {
            group: int(
                columns[i % 3].number_input(
                    t(f"group_{group}", lang), 0, 500, 0, 1, key=state.headcount_key(group)
                )
            )
            for i, group in enumerate(PARTICIPANT_GROUPS)
        }
        notes = st.text_area(t("notes", lang), key=state.PLAN_NOTES_KEY)
        gpx = st.file_uploader(t("route_gpx", lang), type=["gpx"], key=state.PLAN_GPX_KEY)
        st.caption(t("route_later", lang))
        submitted = st.form_submit_button(t("save_walk", lang), type="primary",
                                          key=state.PLAN_SAVE_KEY)  # fmt: skip
    if submitted:
        plan = WalkPlan(
            area=slug,
            title=title,
            starts_at=datetime.combine(day, start, tzinfo=LOCAL_TIME),
            created_by="app",
            kind=kind or WalkKind.REGULAR,  # the radio always has a choice
            organisations=(*organisations, *others.split(",")),
            participants=counts,
            notes=notes,
        )
        try:
            if drawn_route is not None:
                plan = replace(plan, route=drawn_route.geometry)
            elif gpx is not None:
                plan = replace(plan, route=gpx_to_line(gpx.getvalue()))
            with session.writing() as workspace:
                walk = plan_walk(workspace, plan)
        except LocalizedError as error:
            st.error(error.message(lang))
        else:
            state.fresh_maps()  # the next walk starts without this one's drawn route
            st.success(t("walk_saved", lang).format(number=walk.number, area=names[slug]))
    st.header(t("walks_in_area", lang))
    walks = cache.walks(slug)
    st.dataframe(
        [
            {
                t("number", lang): walk.number,
                t("start", lang): walk.starts_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
                t("walk_title", lang): walk.title,
                t("kind", lang): _kind_title(walk.kind, lang),
                t("participants", lang): sum(walk.participants.values()),
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
    workspace = session.workspace()
    st.header(t("walk_detail", lang))
    by_uuid = {walk.uuid: walk for walk in walks}
    chosen = st.selectbox(
        t("walk", lang), list(by_uuid), key=state.WALK_DETAIL_KEY,
        placeholder=t("choose", lang),
        format_func=lambda u: f"{by_uuid[u].number}. {by_uuid[u].title}",
    )  # fmt: skip
    walk = by_uuid[chosen]
    show_join(walk, lang)
    observations = cache.walk_observations(walk)
    walk_map = walk_web_map(cache.walk_map(walk), language=lang,
                            tiles_url=workspace.settings.tiles_url)  # fmt: skip
    st_folium(walk_map, key=state.walk_map_key(walk.uuid), height=300, use_container_width=True,
              returned_objects=[])  # fmt: skip
    if not observations:
        st.caption(t("no_walk_observations", lang))
        return
    thumbnails = cache.thumbnails(slug, [o.uuid for o in observations])
    for observation in observations:
        title = workspace.catalog.category(observation.category).title.in_language(lang)
        when = observation.observed_at.astimezone(LOCAL_TIME).strftime("%H:%M")
        st.markdown(f"**{observation.number}. {title}** · {when}")
        if observation.description:
            st.text(observation.description)
        for k, thumbnail in enumerate(thumbnails.get(observation.uuid, []), start=1):
            alt = t("photo_alt", lang).format(k=k, number=observation.number)
            st.image(thumbnail, width=160, alt=alt)
