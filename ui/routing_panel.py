"""Who is responsible for each observation of an area, and the form to choose another."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from ui import cache, session, state
from ui.i18n import t
from walks.actions.routing import set_responsible


def render(slug: str, lang: str) -> None:
    """Draw who is responsible for each observation, and the form to choose another."""
    routes = cache.routes(slug)
    if not routes:
        return
    with st.expander(t("route_title", lang)):
        st.caption(t("route_intro", lang))
        organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
        catalog = session.workspace().catalog

        def who(ident: str | None) -> str:
            return organisations.get(ident, ident) if ident else t("nobody", lang)

        by_number = {r.number: r for r in routes}
        with st.form(state.ROUTE_FORM_KEY):
            left, right = st.columns(2)
            number = left.selectbox(t("route_observation", lang), list(by_number),
                                    format_func=lambda n: f"{n}. " + catalog.category(
                                        by_number[n].category).title.in_language(lang),
                                    placeholder=t("choose", lang),
                                    key=state.ROUTE_PICK_KEY)  # fmt: skip
            chosen = right.selectbox(t("responsible", lang), ["", *organisations],
                                     format_func=lambda o: organisations.get(
                                         o, t("route_automatic", lang)),
                                     placeholder=t("choose", lang),
                                     key=state.ROUTE_WHO_KEY)  # fmt: skip
            submitted = st.form_submit_button(t("route_save", lang), key=state.ROUTE_SAVE_KEY)
        if submitted and number is not None:
            try:
                with session.writing() as workspace:
                    route = set_responsible(workspace, slug, number, chosen or None, actor="app")
            except LocalizedError as error:
                st.error(error.message(lang))
            else:
                text = t("route_saved", lang).format(number=number, who=who(route.responsible))
                st.success(text)
        # Below the form, so that a choice just saved shows at once.
        routes = cache.routes(slug)
        st.dataframe(
            [
                {
                    t("number", lang): r.number,
                    t("category", lang): catalog.category(r.category).title.in_language(lang),
                    t("responsible", lang): who(r.responsible),
                    t("why", lang): (f"{t('route_chosen', lang)}. " if r.override else "")
                    + r.reason.in_language(lang),
                }
                for r in routes
            ],
            hide_index=True,
        )
