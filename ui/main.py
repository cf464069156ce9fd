"""The pages: page config, navigation and the shared sidebar, drawn on every page view.

``app.py`` calls ``run`` each time Streamlit runs it for a session.
"""

from __future__ import annotations

import html
import logging
from typing import Final

import streamlit as st

from gis.i18n import LANGUAGES, LocalizedError
from ui import (
    data_page,
    help_page,
    login,
    map_page,
    plan_page,
    print_page,
    public_page,
    register_page,
    state,
    streamlit_words,
    walks_page,
)
from ui.i18n import t

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


LEGIBLE: Final = (
    "<style>[data-testid='stCaptionContainer'] "
    "{ opacity: 1 !important; color: #555a64 !important; }"
    " a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible,"
    " summary:focus-visible, [role='button']:focus-visible, [tabindex]:focus-visible"
    " { outline: 3px solid #1a4fa3 !important; outline-offset: 2px; }</style>"
)
"""Streamlit fades its captions to a grey of 3.9:1 on white (text at 60 % opacity); this one
is 6.9:1, where WCAG 1.4.3 asks 4.5. Focus shows as a dark blue ring (7.8:1 on white) on
everything the keyboard reaches, where Streamlit's own is a faint shadow or none (WCAG 2.4.7)."""

STATEMENT: Final = {"sv": "/tillganglighet", "en": "/accessibility"}
"""The accessibility statement in each language, a page served beside the app."""


def statement_link(language: str) -> None:
    """Link the accessibility statement in the language of the page, opened in the same tab."""
    # Markdown would open it in a new tab (Streamlit's links do): an <a> of its own does not.
    st.markdown(
        f'<a href="{STATEMENT[language]}" target="_self">'
        f"{html.escape(t('accessibility_statement', language))}</a>",
        unsafe_allow_html=True,
    )


def run() -> None:
    """Draw the page the session is on, with the navigation and sidebar around it."""
    st.set_page_config(page_title="safewalk", layout="wide")

    with st.sidebar:
        st.radio(
            "Språk / Language",
            LANGUAGES,
            key=state.LANGUAGE_KEY,
            format_func=lambda code: {"sv": "Svenska", "en": "English"}[code],
            horizontal=True,
        )

    language = state.language()
    with st.sidebar:
        streamlit_words.speak(language)
    st.html(LEGIBLE)  # styles only: Streamlit puts them out of the page's flow
    state.set_store_away(None)
    notice = st.empty()  # above the page: the database being away is said once per run
    public = st.Page(public_page.render, title=t("page_public", language), url_path="status")
    try:
        admitted = login.admitted(language)
    except LocalizedError as error:  # e.g. the database does not answer: said, not a traceback
        st.error(error.message(language))
        st.stop()
    if admitted:
        pages = [
            st.Page(map_page.render, title=t("page_map", language), default=True),
            st.Page(register_page.render, title=t("page_register", language), url_path="register"),
            st.Page(walks_page.render, title=t("page_walks", language), url_path="walks"),
            st.Page(plan_page.render, title=t("page_plan", language), url_path="plan"),
            public,
            st.Page(print_page.render, title=t("page_print", language), url_path="print"),
            st.Page(data_page.render, title=t("page_data", language), url_path="data"),
            st.Page(help_page.render, title=t("page_help", language), url_path="help"),
        ]
    else:  # residents' page stays open to everyone
        pages = [st.Page(login.render, title=t("login_title", language), default=True), public]
    with st.sidebar:
        statement_link(language)
    try:
        st.navigation(pages).run()
    finally:
        if away := state.store_away():
            notice.warning(away)
