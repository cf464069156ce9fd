"""Every session-state key of the app, once, with typed access."""

from __future__ import annotations

from typing import Final

import streamlit as st

from gis.i18n import DEFAULT_LANGUAGE, LANGUAGES

LANGUAGE_KEY: Final = "language"


def language() -> str:
    """Return the session's language (Swedish until the user picks English)."""
    value = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
