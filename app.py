"""safewalk's Streamlit entry point: page config, navigation and the shared sidebar."""

from __future__ import annotations

import logging

import streamlit as st

from gis.i18n import LANGUAGES
from ui import help_page, map_page, state
from ui.i18n import t

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

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
navigation = st.navigation(
    [
        st.Page(map_page.render, title=t("page_map", language), default=True),
        st.Page(help_page.render, title=t("page_help", language), url_path="help"),
    ]
)
navigation.run()
