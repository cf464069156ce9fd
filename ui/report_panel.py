"""The tertial follow-up on the action plan page: the report as Excel, Word and PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

import streamlit as st

from ui import cache, state
from ui.i18n import t
from walks.actions.tertial import Tertial, trend
from walks.documents.report_contents import MIME_TYPES

REPORT_KINDS: Final = {"xlsx": "Excel", "docx": "Word", "pdf": "PDF"}


def render(slug: str, lang: str) -> None:
    """Draw the tertial follow-up: a button makes the files, then each one downloads."""
    st.header(t("report_title", lang))
    st.caption(t("report_intro", lang))
    tertials = [str(x) for x in reversed(trend(Tertial.of(datetime.now(UTC))))]
    left, right = st.columns(2)
    tertial = left.selectbox(t("tertial", lang), tertials,
                             format_func=lambda x: Tertial.parse(x).label(lang),
                             placeholder=t("choose", lang),
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
