"""The print page: a map of an area, or the atlas, as PDF, with a preview of its first page."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from gis.printmap import PAPERS
from ui import cache, session, state
from ui.i18n import t
from walks.documents.printing import EXTENTS, ORIENTATIONS, STATUSES, PrintOptions

ATLAS = ""
"""The area choice that prints every area: the atlas."""


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("page_print", lang))
    st.caption(t("print_intro", lang))
    areas = {area.slug: area.name for area in cache.areas()}
    catalog = session.workspace().catalog
    titles = {spec.name: spec.title.in_language(lang) for spec in catalog.categories}
    choices = [ATLAS, *areas]
    left, middle, right = st.columns(3)
    slug = left.selectbox(t("area", lang), choices, index=1 if len(choices) > 1 else 0,
                          format_func=lambda s: areas.get(s, t("print_atlas", lang)),
                          key=state.PRINT_AREA_KEY, placeholder=t("choose", lang))  # fmt: skip
    paper = middle.radio(t("print_paper", lang), list(PAPERS), horizontal=True,
                         key=state.PRINT_PAPER_KEY)  # fmt: skip
    orientation = right.radio(t("print_orientation", lang), list(ORIENTATIONS), horizontal=True,
                              format_func=lambda o: t(f"print_{o}", lang),
                              key=state.PRINT_ORIENTATION_KEY)  # fmt: skip
    layers = st.multiselect(t("categories", lang), list(titles), format_func=titles.__getitem__,
                            placeholder=t("print_all_layers", lang),
                            key=state.PRINT_LAYERS_KEY)  # fmt: skip
    left, middle, right = st.columns(3)
    title = left.text_input(t("print_title", lang), key=state.PRINT_TITLE_KEY)
    status = middle.radio(t("observations", lang), list(STATUSES), horizontal=True,
                          format_func=lambda s: t(f"print_status_{s}", lang),
                          key=state.PRINT_STATUS_KEY)  # fmt: skip
    extent = right.radio(t("print_extent", lang), list(EXTENTS), horizontal=True,
                         format_func=lambda e: t(f"print_extent_{e}", lang),
                         key=state.PRINT_EXTENT_KEY)  # fmt: skip
    options = PrintOptions(paper=str(paper), orientation=str(orientation),
                           layers=tuple(layers) or None, title=title.strip() or None,
                           status=str(status), language=lang, extent=str(extent))  # fmt: skip
    if st.button(t("print_make", lang), type="primary", key=state.PRINT_MAKE_KEY):
        st.session_state[state.PRINT_READY_KEY] = (slug, options)
    if st.session_state.get(state.PRINT_READY_KEY) != (slug, options):
        return
    try:
        with st.spinner(t("print_making", lang)):
            pdf, preview, pages = cache.printed(slug, options)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    name = f"{slug or 'atlas'}-{paper.lower()}.pdf"
    st.download_button(t("print_download", lang).format(pages=pages), data=pdf, file_name=name,
                       mime="application/pdf", on_click="ignore", type="primary",
                       key=state.PRINT_DOWNLOAD_KEY)  # fmt: skip
    st.image(preview, caption=t("print_preview", lang), use_container_width=True)
