"""Residents' reports waiting in an area's inbox: accepted as observations, or rejected."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from ui import session, state
from ui.i18n import t
from ui.widgets import category_inputs
from walks.actions.inbox import Report, accept_report, list_reports, reject_report
from walks.core.clock import LOCAL_TIME
from walks.core.roles import Role


def render(slug: str, lang: str) -> None:
    """Draw the reports waiting in area ``slug``, and the forms that handle the one chosen."""
    st.header(t("inbox_title", lang))
    if done := st.session_state.pop(state.INBOX_DONE_KEY, None):
        st.success(done)
    workspace = session.workspace()
    if workspace.account is not None and not workspace.account.at_least(Role.COORDINATOR):
        st.caption(t("inbox_coordinators", lang))
        return
    st.caption(t("inbox_intro", lang))
    reports = {r.id: r for r in list_reports(workspace, area=slug)}
    if not reports:
        st.info(t("inbox_none", lang))
        return
    titles = {spec.name: spec.title.in_language(lang) for spec in workspace.catalog.categories}
    chosen = st.selectbox(
        t("inbox_pick", lang), list(reports), key=state.INBOX_PICK_KEY,
        placeholder=t("choose", lang),
        format_func=lambda i: f"{i} · {titles[reports[i].category]} · "
        f"{reports[i].received_at.astimezone(LOCAL_TIME):%Y-%m-%d}",
    )  # fmt: skip
    report = reports[chosen]
    _details(report, lang)
    _accept(report, titles, lang)
    _reject(report, lang)


def _details(report: Report, lang: str) -> None:
    with st.container(border=True):
        when = report.received_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
        st.caption(t("inbox_received", lang).format(when=when))
        st.text(report.description)  # text, not markdown: shown as the resident wrote it
        st.caption(t("inbox_position", lang).format(lat=report.lat, lon=report.lon))
        if report.email:
            st.text(t("inbox_wants_answer", lang).format(email=report.email))
        if report.photos:
            photos = session.workspace().store.read_photos(report.area, [report.uuid])
            alt = t("inbox_photo_alt", lang).format(id=report.id)
            st.image([p.thumbnail for p in photos], width=160, alt=[alt] * len(photos))


def _accept(report: Report, titles: dict[str, str], lang: str) -> None:
    """Draw the choice of category and its fields, and accept the report with them."""
    names = list(titles)
    category = st.selectbox(
        t("category", lang), names, index=names.index(report.category),
        placeholder=t("choose", lang),
        format_func=titles.__getitem__, key=f"{state.INBOX_CATEGORY_KEY}_{report.id}",
    )  # fmt: skip
    spec = session.workspace().catalog.category(category)
    with st.form(f"inbox_accept_{report.id}"):
        fields = category_inputs(spec, lang, key=f"{state.INBOX_CATEGORY_KEY}_{report.id}")
        accepted = st.form_submit_button(t("inbox_accept", lang), type="primary",
                                         key=state.INBOX_ACCEPT_KEY)  # fmt: skip
    if not accepted:
        return
    try:
        with session.writing() as workspace:
            observation = accept_report(workspace, report.id, actor="app", category=category,
                                        fields=fields)  # fmt: skip
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    _done(t("inbox_accepted", lang).format(id=report.id, number=observation.number))


def _reject(report: Report, lang: str) -> None:
    with st.form(f"inbox_reject_{report.id}", clear_on_submit=True):
        reason = st.text_input(t("inbox_reason", lang), key=state.INBOX_REASON_KEY)
        rejected = st.form_submit_button(t("inbox_reject", lang), key=state.INBOX_REJECT_KEY)
    if not rejected:
        return
    try:
        with session.writing() as workspace:
            reject_report(workspace, report.id, reason, actor="app")
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    _done(t("inbox_rejected", lang).format(id=report.id))


def _done(message: str) -> None:
    """Draw the page again without the handled report, saying what became of it."""
    st.session_state[state.INBOX_DONE_KEY] = message
    st.rerun()
