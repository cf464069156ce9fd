"""The residents' page: what was decided and done in their area (nothing internal)."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from ui import cache, session, state
from ui.i18n import t
from walks.actions.public import FEEDBACK_MAX_CHARS, VERDICTS, resident_feedback


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("public_title", lang))
    st.caption(t("public_intro", lang))
    st.markdown(t("public_light", lang))
    try:
        areas = {area.slug: area.name for area in cache.areas()}
        slug = st.selectbox(t("area", lang), list(areas), format_func=areas.__getitem__,
                            key=state.PUBLIC_AREA_KEY, placeholder=t("choose", lang))  # fmt: skip
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
            _feedback(slug, measure.number, lang)


def _feedback(slug: str, number: int, lang: str) -> None:
    """Draw the form a resident answers whether the place got better."""
    sent = st.session_state.setdefault(state.PUBLIC_SENT_KEY, set())
    if (slug, number) in sent:
        st.success(t("public_thanks", lang))
        return
    with st.expander(t("public_feedback", lang)), st.form(f"feedback_{slug}_{number}"):
        verdict = st.radio(t("public_verdict", lang), list(VERDICTS), horizontal=True,
                           format_func=lambda v: VERDICTS[v].in_language(lang))  # fmt: skip
        comment = st.text_area(t("public_comment", lang), max_chars=FEEDBACK_MAX_CHARS,
                               height=68)  # fmt: skip
        if not st.form_submit_button(t("public_send", lang)):
            return
    try:
        with session.writing() as workspace:
            resident_feedback(workspace, slug, number, str(verdict), comment)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    sent.add((slug, number))
    st.success(t("public_thanks", lang))
