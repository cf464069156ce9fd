"""Cached loaders: one workspace per process, map and counts cached per data version."""

from __future__ import annotations

import streamlit as st

from walks.areas import area_summaries
from walks.config import settings_from_env
from walks.model import AreaSummary
from walks.overview import overview_svg
from walks.startup import open_workspace
from walks.workspace import Workspace


@st.cache_resource(show_spinner=False)
def workspace() -> Workspace:
    """Open the workspace named by the environment (created and seeded on first run)."""
    return open_workspace(settings_from_env())


@st.cache_data(show_spinner=False, ttl=30)
def overview(_workspace: Workspace, language: str) -> str:
    """Return the overview map as SVG."""
    return overview_svg(_workspace, language=language)


@st.cache_data(show_spinner=False, ttl=30)
def summaries(_workspace: Workspace) -> list[AreaSummary]:
    """Return every area's counts."""
    return area_summaries(_workspace)
