"""The action plan page: measures made from observations, their status and history."""

from __future__ import annotations

from datetime import date

import streamlit as st

from gis.i18n import LocalizedError
from ui import (
    cache,
    inbox_panel,
    measure_status_panel,
    open311_panel,
    redaction_panel,
    report_panel,
    routing_panel,
    session,
    state,
)
from ui.i18n import t
from walks.actions.measures import (
    PRIORITIES,
    Measure,
    add_measure,
)
from walks.core.clock import stockholm_today
from walks.core.model import Observation, ObservationStatus

FREE = frozenset({ObservationStatus.NEW, ObservationStatus.ASSESSED})
"""Observations a new measure can take: not yet planned, resolved or dismissed."""


def _observation_label(observation: Observation, lang: str) -> str:
    title = session.workspace().catalog.category(observation.category).title.in_language(lang)
    text = f"{observation.number}. {title}"
    return f"{text}: {observation.description}" if observation.description else text


def _new_measure(slug: str, lang: str) -> None:
    """Draw the form for a new measure from chosen observations, filled from a template."""
    observations = {o.number: o for o in cache.observations(slug) if o.status in FREE}
    st.header(t("plan_new", lang))
    if not observations:
        st.info(t("plan_no_free", lang))
        return
    chosen = st.multiselect(t("observations", lang), list(observations),
                            format_func=lambda n: _observation_label(observations[n], lang),
                            placeholder=t("choose", lang),
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
        title = st.text_input(t("measure", lang), value=suggested)
        who = st.selectbox(t("responsible", lang), list(organisations),
                           index=list(organisations).index(responsible) if responsible else None,
                           placeholder=t("choose", lang),
                           format_func=organisations.__getitem__)  # fmt: skip
        left, right = st.columns(2)
        deadline = left.date_input(t("deadline", lang), value=None, format="YYYY-MM-DD")
        priority = right.radio(t("priority", lang), list(PRIORITIES), index=1,
                               horizontal=True,
                               format_func=lambda p: t(f"priority_{p}", lang))  # fmt: skip
        public = st.checkbox(t("plan_public", lang))
        submitted = st.form_submit_button(t("plan_save", lang), type="primary",
                                          key=state.MEASURE_SAVE_KEY)  # fmt: skip
    if not submitted:
        return
    if who is None:
        st.error(t("plan_no_responsible", lang))
        return
    try:
        with session.writing() as workspace:
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
                t("number", lang): m.number,
                t("measure", lang): m.title,
                t("responsible", lang): organisations.get(m.responsible, m.responsible),
                t("deadline", lang): m.deadline.isoformat() if m.deadline else "",
                t("status", lang): m.status.label.in_language(lang)
                + (f" ({t('overdue', lang).lower()})" if m.is_overdue(today) else ""),
                t("observations", lang): ", ".join(map(str, m.observations)),
            }
            for m in measures
        ],
        hide_index=True,
    )


def photos_panel(slug: str, lang: str) -> None:
    """Draw an observation's photos, chosen by number, to black out people and plates in."""
    if not redaction_panel.may_redact():
        return
    st.header(t("plan_photos", lang))
    every = cache.observations(slug)
    held = cache.thumbnails(slug, [o.uuid for o in every])
    observations = {o.number: o for o in every if held.get(o.uuid)}
    if not observations:
        st.caption(t("plan_no_photos", lang))
        return
    number = st.selectbox(t("plan_photos_pick", lang), list(observations), index=None,
                          format_func=lambda n: _observation_label(observations[n], lang),
                          placeholder=t("choose", lang), key=state.PLAN_PHOTOS_KEY)  # fmt: skip
    if number is None:
        return
    observation, photos = cache.observation(slug, observations[number].uuid)
    if observation is None:
        st.info(t("details_gone", lang))
        return
    # No thumbnails here: the panel's preview shows the photo, with a text alternative.
    redaction_panel.render(slug, observation, photos, lang)


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
                            key=state.MEASURE_AREA_KEY, placeholder=t("choose", lang))  # fmt: skip
        inbox_panel.render(slug, lang)
        routing_panel.render(slug, lang)
        _new_measure(slug, lang)
        st.header(t("measures", lang))
        organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
        left, right = st.columns(2)
        whose = left.selectbox(t("plan_ours", lang), ["", *organisations],
                               format_func=lambda o: organisations.get(o, t("plan_all", lang)),
                               placeholder=t("choose", lang),
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
            measure_status_panel.render(slug, measures, lang)
        photos_panel(slug, lang)
        report_panel.render(slug, lang)
        open311_panel.render(slug, lang)
    except LocalizedError as error:
        st.error(error.message(lang))
