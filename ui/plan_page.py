"""The action plan page: measures made from observations, their status and history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

import streamlit as st

from gis.i18n import LocalizedError
from gis.photos import process_photo
from ui import cache, state
from ui.i18n import t
from ui.widgets import PHOTO_TYPES
from walks.measures import (
    PRIORITIES,
    HistoryEntry,
    Measure,
    add_measure,
    change_status,
    next_status,
    stockholm_today,
)
from walks.model import MeasureStatus, Observation, ObservationStatus
from walks.planning import LOCAL_TIME
from walks.reports import MIME_TYPES
from walks.routing import set_responsible
from walks.tertial import Tertial, trend

FREE = frozenset({ObservationStatus.NEW, ObservationStatus.ASSESSED})
"""Observations a new measure can take: not yet planned, resolved or dismissed."""


def _observation_label(observation: Observation, lang: str) -> str:
    title = cache.workspace().catalog.category(observation.category).title.in_language(lang)
    text = f"{observation.number}. {title}"
    return f"{text}: {observation.description}" if observation.description else text


def _new_measure(slug: str, lang: str) -> None:
    """Draw the form for a new measure from chosen observations, filled from a template."""
    observations = {o.number: o for o in cache.observations(slug) if o.status in FREE}
    st.subheader(t("plan_new", lang))
    if not observations:
        st.info(t("plan_no_free", lang))
        return
    chosen = st.multiselect(t("plan_observations", lang), list(observations),
                            format_func=lambda n: _observation_label(observations[n], lang),
                            key=state.PLAN_OBSERVATIONS_KEY)  # fmt: skip
    organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
    template = cache.templates().get(observations[chosen[0]].category) if chosen else None
    routed = {r.number: r.responsible for r in cache.routes(slug)}
    # The template and the routing fill the form once per first observation; what the
    # user types stays.
    suggested = template.title.in_language(lang) if template else ""
    responsible = routed.get(chosen[0]) if chosen else None
    if responsible not in organisations:
        responsible = template.responsible if template else next(iter(organisations), None)
    with st.form(state.MEASURE_FORM_KEY, clear_on_submit=True):
        title = st.text_input(t("plan_title_field", lang), value=suggested)
        who = st.selectbox(t("plan_responsible", lang), list(organisations),
                           index=list(organisations).index(responsible) if responsible else None,
                           format_func=organisations.__getitem__)  # fmt: skip
        left, right = st.columns(2)
        deadline = left.date_input(t("plan_deadline", lang), value=None, format="YYYY-MM-DD")
        priority = right.radio(t("plan_priority", lang), list(PRIORITIES), index=1,
                               horizontal=True,
                               format_func=lambda p: t(f"plan_priority_{p}", lang))  # fmt: skip
        public = st.checkbox(t("plan_public", lang))
        submitted = st.form_submit_button(t("plan_save", lang), type="primary",
                                          key=state.MEASURE_SAVE_KEY)  # fmt: skip
    if not submitted:
        return
    try:
        with cache.writing() as workspace:
            measure = add_measure(
                workspace, slug, observations=chosen, title=title, responsible=who,
                deadline=deadline if isinstance(deadline, date) else None,
                priority=priority or "medium", public=public, actor="app",
            )  # fmt: skip
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    st.success(t("plan_saved", lang).format(number=measure.number))


def _measure_table(measures: list[Measure], lang: str) -> None:
    organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
    today = stockholm_today()
    st.dataframe(
        [
            {
                t("col_number", lang): m.number,
                t("plan_title_field", lang): m.title,
                t("plan_responsible", lang): organisations.get(m.responsible, m.responsible),
                t("plan_deadline", lang): m.deadline.isoformat() if m.deadline else "",
                t("plan_status", lang): m.status.label.in_language(lang)
                + (f" ({t('plan_overdue', lang)})" if m.is_overdue(today) else ""),
                t("plan_observations", lang): ", ".join(map(str, m.observations)),
            }
            for m in measures
        ],
        hide_index=True,
    )


def _status_change(slug: str, measures: list[Measure], lang: str) -> None:
    """Draw the form that moves one measure on (reason, note), then its history."""
    st.subheader(t("plan_change", lang))
    by_number = {m.number: m for m in measures}
    number = st.selectbox(t("plan_measure", lang), list(by_number),
                          format_func=lambda n: f"{n}. {by_number[n].title}",
                          key=state.MEASURE_PICK_KEY)  # fmt: skip
    with st.form(state.STATUS_FORM_KEY, clear_on_submit=True):
        current = by_number[number].status
        statuses = list(MeasureStatus)
        # The next step forward by default; the current status is no change.
        following = next_status(current)
        to = st.selectbox(t("plan_to", lang), statuses,
                          index=statuses.index(following or current),
                          format_func=lambda s: s.label.in_language(lang))  # fmt: skip
        reason = st.text_input(t("plan_reason", lang))
        note = st.text_area(t("plan_note", lang), height=68)
        uploads = st.file_uploader(t("plan_note_photos", lang), type=PHOTO_TYPES,
                                   accept_multiple_files=True,
                                   key=state.NOTE_PHOTOS_KEY)  # fmt: skip
        submitted = st.form_submit_button(t("plan_apply", lang), key=state.STATUS_SAVE_KEY)
    if submitted:
        try:
            max_bytes = cache.workspace().settings.max_photo_bytes
            photos = [process_photo(u.getvalue(), max_bytes=max_bytes) for u in uploads or []]
            with cache.writing() as workspace:
                moved = change_status(workspace, slug, number, MeasureStatus(to), actor="app",
                                      reason=reason, note=note, photos=photos)  # fmt: skip
        except LocalizedError as error:
            st.error(error.message(lang))
        else:
            label = moved.status.label.in_language(lang).lower()
            st.success(t("plan_moved", lang).format(number=moved.number, status=label))
    st.markdown(f"**{t('plan_history', lang)}**")
    history = cache.history(slug, number)
    _history_table(history, lang)
    noted = [e.note_uuid for e in history if e.photos]
    if noted:
        thumbnails = cache.thumbnails(slug, noted)
        st.caption(t("plan_photos", lang))
        for entry in (e for e in history if e.photos):
            local = entry.at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
            st.image(thumbnails.get(entry.note_uuid, []), width=160,
                     caption=[f"{local}: {entry.note}"] * entry.photos)  # fmt: skip


def _history_table(history: list[HistoryEntry], lang: str) -> None:
    st.dataframe(
        [
            {
                t("details_time", lang): e.at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
                t("plan_who", lang): e.actor,
                t("plan_what", lang): e.note
                or "; ".join(f"{k}: {old} → {new}" for k, (old, new) in e.changes.items()),
                t("plan_photos", lang): e.photos or None,
            }
            for e in history
        ],
        hide_index=True,
    )


def _routing(slug: str, lang: str) -> None:
    """Draw who is responsible for each observation, and the form to choose another."""
    routes = cache.routes(slug)
    if not routes:
        return
    with st.expander(t("route_title", lang)):
        st.caption(t("route_intro", lang))
        organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
        catalog = cache.workspace().catalog

        def who(ident: str | None) -> str:
            return organisations.get(ident, ident) if ident else t("route_nobody", lang)

        by_number = {r.number: r for r in routes}
        with st.form(state.ROUTE_FORM_KEY):
            left, right = st.columns(2)
            number = left.selectbox(t("route_observation", lang), list(by_number),
                                    format_func=lambda n: f"{n}. " + catalog.category(
                                        by_number[n].category).title.in_language(lang),
                                    key=state.ROUTE_PICK_KEY)  # fmt: skip
            chosen = right.selectbox(t("route_who", lang), ["", *organisations],
                                     format_func=lambda o: organisations.get(
                                         o, t("route_automatic", lang)),
                                     key=state.ROUTE_WHO_KEY)  # fmt: skip
            submitted = st.form_submit_button(t("route_save", lang), key=state.ROUTE_SAVE_KEY)
        if submitted and number is not None:
            try:
                with cache.writing() as workspace:
                    route = set_responsible(workspace, slug, number, chosen or None, actor="app")
            except LocalizedError as error:
                st.error(error.message(lang))
            else:
                text = t("route_saved", lang).format(number=number, who=who(route.responsible))
                st.success(text)
        # Below the form, so that a choice just saved shows at once.
        routes = cache.routes(slug)
        st.dataframe(
            [
                {
                    t("col_number", lang): r.number,
                    t("category", lang): catalog.category(r.category).title.in_language(lang),
                    t("route_who", lang): who(r.responsible),
                    t("route_why", lang): (f"{t('route_chosen', lang)}. " if r.override else "")
                    + r.reason.in_language(lang),
                }
                for r in routes
            ],
            hide_index=True,
        )


REPORT_KINDS: Final = {"xlsx": "Excel", "docx": "Word", "pdf": "PDF"}


def _reports(slug: str, lang: str) -> None:
    """Draw the tertial follow-up: a button makes the files, then each one downloads."""
    st.subheader(t("report_title", lang))
    st.caption(t("report_intro", lang))
    tertials = [str(x) for x in reversed(trend(Tertial.of(datetime.now(UTC))))]
    left, right = st.columns(2)
    tertial = left.selectbox(t("report_tertial", lang), tertials,
                             format_func=lambda x: Tertial.parse(x).label(lang),
                             key=state.REPORT_TERTIAL_KEY)  # fmt: skip
    scope = right.radio(t("report_scope", lang), ["area", "all"], horizontal=True,
                        format_func=lambda x: t(f"report_{x}", lang),
                        key=state.REPORT_SCOPE_KEY)  # fmt: skip
    chosen = slug if scope == "area" else ""
    wanted = (chosen, tertial, lang)
    if st.button(t("report_make", lang), key=state.REPORT_MAKE_KEY):
        st.session_state[state.REPORT_READY_KEY] = wanted
    if st.session_state.get(state.REPORT_READY_KEY) != wanted:
        return
    name = (slug if chosen else "alla") + f"-{tertial.replace(':', '-T')}"
    with st.spinner(t("report_making", lang)):
        files = {kind: cache.report(chosen, tertial, kind, lang) for kind in REPORT_KINDS}
    for column, (kind, title) in zip(st.columns(3), REPORT_KINDS.items(), strict=True):
        column.download_button(
            t("report_download", lang).format(kind=title),
            data=files[kind],
            file_name=f"uppfoljning-{name}.{kind}",
            mime=MIME_TYPES[kind],
            on_click="ignore",
            key=f"report_{kind}",
        )


def open_with(slug: str, number: int) -> None:
    """Go to this page with observation ``number`` of area ``slug`` chosen for a new measure."""
    st.session_state[state.MEASURE_AREA_KEY] = slug
    st.session_state[state.PLAN_OBSERVATIONS_KEY] = [number]
    st.switch_page(st.Page(render, url_path="plan"))


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("page_plan", lang))
    st.caption(t("plan_intro", lang))
    try:
        areas = {area.slug: area.name for area in cache.areas()}
        slug = st.selectbox(t("area", lang), list(areas), format_func=areas.__getitem__,
                            key=state.MEASURE_AREA_KEY)  # fmt: skip
        _routing(slug, lang)
        _new_measure(slug, lang)
        st.subheader(t("plan_measures", lang))
        organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
        left, right = st.columns(2)
        whose = left.selectbox(t("plan_ours", lang), ["", *organisations],
                               format_func=lambda o: organisations.get(o, t("plan_all", lang)),
                               key=state.MEASURE_WHOSE_KEY)  # fmt: skip
        late = right.toggle(t("plan_only_overdue", lang), key=state.MEASURE_LATE_KEY)
        measures = cache.measures(slug)
        shown = [m for m in measures if (not whose or m.responsible == whose)
                 and (not late or m.is_overdue(stockholm_today()))]  # fmt: skip
        if not shown:
            st.info(t("plan_none", lang))
        else:
            _measure_table(shown, lang)
        if measures:
            _status_change(slug, measures, lang)
        _reports(slug, lang)
    except LocalizedError as error:
        st.error(error.message(lang))
