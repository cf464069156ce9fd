"""The residents' page: what was decided and done in their area (nothing internal)."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from ui import cache, state
from ui.i18n import t


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("public_title", lang))
    st.caption(t("public_intro", lang))
    try:
        areas = {area.slug: area.name for area in cache.areas()}
        slug = st.selectbox(t("area", lang), list(areas), format_func=areas.__getitem__,
                            key=state.PUBLIC_AREA_KEY)  # fmt: skip
        measures = cache.public_measures(slug)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    if not measures:
        st.info(t("public_none", lang))
        return
    for measure in measures:
        with st.container(border=True):
            # Text elements, not markdown: the title is shown as written.
            st.text(measure.title)
            about = ", ".join(c.in_language(lang) for c in measure.categories)
            status = measure.status.label.in_language(lang)
            st.caption(f"{status} · {measure.changed_on.isoformat()} · {about}")
