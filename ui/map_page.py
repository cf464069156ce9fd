"""The map page: every area and its observations, with counts per area."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from ui import cache, state
from ui.i18n import t
from ui.maps import legend_html


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("map_title", lang))
    st.caption(t("map_intro", lang))
    try:
        workspace = cache.workspace()
        svg = cache.overview_svg(lang)
        rows = cache.summaries()
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    st.markdown(f'<div class="safewalk-map">{svg}</div>', unsafe_allow_html=True)
    with st.expander(t("legend", lang)):
        st.markdown(legend_html(workspace.catalog, lang), unsafe_allow_html=True)
    st.subheader(t("counts_title", lang))
    st.dataframe(
        [
            {
                t("col_area", lang): row.name,
                t("col_observations", lang): row.observations,
                t("col_walks", lang): row.counts.get("walks", 0),
                t("col_measures", lang): row.counts.get("measures", 0),
            }
            for row in rows
        ],
        hide_index=True,
    )
    st.info(t("demo_note", lang))
