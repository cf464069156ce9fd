"""The help page."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.i18n import t


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("help_title", lang))
    st.markdown(t("help_body", lang))
    st.markdown(t("help_capture", lang))
    st.markdown(t("help_residents", lang))
    st.markdown(t("help_retention", lang))
    st.markdown(t("help_photos", lang))
    st.markdown(t("help_gis", lang))
    st.markdown(t("help_open311", lang))
