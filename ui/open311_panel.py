"""The city's fault-report system on the action plan page: send observations, follow them up."""

from __future__ import annotations

from typing import Final

import streamlit as st

from gis.i18n import LocalizedError
from ui import cache, session, state
from ui.i18n import t
from walks.core.clock import LOCAL_TIME
from walks.core.model import RequestState
from walks.exchange.open311_codes import unsent_categories
from walks.exchange.open311_requests import (
    CityRequest,
    Delivery,
    is_configured,
    may_send,
    send_observations,
    sync_requests,
)


def render(slug: str, lang: str) -> None:
    """Draw the buttons that send and sync area ``slug``'s requests, their outcome, the table."""
    st.header(t("open311_title", lang))
    workspace = session.workspace()
    if not may_send(workspace):
        st.caption(t("open311_coordinators", lang))
        return
    st.caption(t("open311_intro", lang))
    for kind, text in st.session_state.pop(state.OPEN311_DONE_KEY, []):
        SHOWN[kind](text)
    configured = is_configured(workspace.settings)
    if not configured:
        st.warning(t("open311_not_configured", lang))
    titles = {spec.name: spec.title.in_language(lang) for spec in workspace.catalog.categories}
    uncoded = unsent_categories(workspace)
    if uncoded:
        listed = ", ".join(titles[name] for name in uncoded)
        st.caption(t("open311_no_code", lang).format(categories=listed))
    sendable = cache.open311_sendable(slug)
    requests = cache.open311_requests(slug)
    left, right = st.columns(2)
    send = left.button(
        t("open311_send", lang).format(count=len(sendable)), key=state.OPEN311_SEND_KEY,
        type="primary", disabled=not (configured and sendable), help=t("open311_send_help", lang),
    )  # fmt: skip
    sync = right.button(
        t("open311_sync", lang), key=state.OPEN311_SYNC_KEY, disabled=not (configured and requests),
        help=t("open311_sync_help", lang),
    )  # fmt: skip
    if send or sync:
        said = _act(slug, lang, sync=sync)
        if said is not None:  # drawn again from the store, saying what came of it
            st.session_state[state.OPEN311_DONE_KEY] = said
            st.rerun()
    _table(requests, titles, lang)


SHOWN: Final = {"success": st.success, "error": st.error, "info": st.info}
"""How each kind of message is shown."""
Said = list[tuple[str, str]]
"""Messages to show, each (kind, text)."""


def _act(slug: str, lang: str, *, sync: bool) -> Said | None:
    """Send (or sync) the area's requests; return what to say of it (None: said already)."""
    try:
        with st.spinner(t("open311_sending", lang)), session.writing() as workspace:
            if not sync:
                return _said(send_observations(workspace, slug, actor="app"), lang, quiet=False)
            synced = sync_requests(workspace, area=slug, actor="app")
    except LocalizedError as refused:
        st.error(refused.message(lang))
        return None
    said = _said(synced.delivery, lang, quiet=True)
    checked = t("open311_checked", lang).format(
        checked=synced.checked, changed=len(synced.changed), resolved=len(synced.resolved)
    )
    said.append(("info", checked))
    for request in synced.resolved:
        note = request.status_notes or "-"
        said.append(("success", t("open311_resolved", lang).format(number=request.number,
                                                                   note=note)))  # fmt: skip
    said += [("error", t("open311_not_asked", lang).format(error=problem.message(lang)))
             for _, problem in synced.problems]  # fmt: skip
    return said


def _said(delivery: Delivery, lang: str, *, quiet: bool) -> Said:
    """Return what to say of a sending: what went, and what did not arrive and why."""
    said: Said = []
    if delivery.sent:
        numbers = ", ".join(str(r.number) for r in delivery.sent)
        said.append(("success", t("open311_sent", lang).format(numbers=numbers)))
    for request in delivery.undelivered:
        reason = request.reason()
        said.append(("error", t("open311_not_delivered", lang).format(
            number=request.number, reason=reason.in_language(lang) if reason else "-",
            when=_when(request))))  # fmt: skip
    if not (delivery.sent or delivery.undelivered or quiet):
        said.append(("info", t("open311_nothing", lang)))
    return said


def _when(request: CityRequest) -> str:
    moment = request.next_attempt
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _table(requests: list[CityRequest], titles: dict[str, str], lang: str) -> None:
    """Show the area's requests as a plain table (text only, read by screen readers too)."""
    if not requests:
        st.caption(t("open311_none", lang))
        return
    rows = []
    for r in requests:
        reason = r.reason()
        why = reason.in_language(lang) if r.state is not RequestState.SENT and reason else (
            r.status_notes or "")  # fmt: skip
        rows.append({
            t("number", lang): str(r.number or "-"),
            t("category", lang): titles.get(r.category, r.category),
            t("open311_state", lang): r.state.label.in_language(lang),
            t("open311_attempts", lang): str(r.attempts),
            t("open311_next", lang): _when(r) if r.state is not RequestState.SENT else "",
            t("open311_city_id", lang): r.service_request_id or r.token or "",
            t("open311_city_status", lang): r.status or "",
            t("open311_why", lang): why,
        })  # fmt: skip
    st.table(rows)
