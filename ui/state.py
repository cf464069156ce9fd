"""Every session-state key of the app, once, with typed access."""

from __future__ import annotations

from typing import Final

import streamlit as st

from gis.i18n import DEFAULT_LANGUAGE, LANGUAGES
from walks.model import Observation

LANGUAGE_KEY: Final = "language"
REGISTER_AREA_KEY: Final = "register_area"
REGISTER_WALK_KEY: Final = "register_walk"
REGISTER_CATEGORY_KEY: Final = "register_category"
_LAST_OBSERVATION_KEY: Final = "last_observation"


def language() -> str:
    """Return the session's language (Swedish until the user picks English)."""
    value = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def last_observation() -> Observation | None:
    """Return the observation this session registered last, if it is still there."""
    value = st.session_state.get(_LAST_OBSERVATION_KEY)
    return value if isinstance(value, Observation) else None


def set_last_observation(observation: Observation | None) -> None:
    """Remember (or forget) the last registration, for undo."""
    st.session_state[_LAST_OBSERVATION_KEY] = observation
