"""Retention on the data page: the rules, what they would remove now, and removing it."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from ui import session, state
from ui.i18n import t
from walks.actions.retention import RetentionResult, apply_retention
from walks.actions.retention_rules import retention_rules
from walks.core.roles import Role, actor_text


def render(lang: str) -> None:
    """Draw the rules, the dry run's summary on request, and the removal once confirmed."""
    st.header(t("retention_title", lang))
    workspace = session.workspace()
    if workspace.account is not None and not workspace.account.at_least(Role.COORDINATOR):
        st.caption(t("retention_coordinators", lang))
        return
    st.caption(t("retention_intro", lang))
    if done := st.session_state.pop(state.RETENTION_DONE_KEY, None):
        st.success(done)
    try:
        rules = retention_rules(workspace.settings.data_dir)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    st.dataframe(
        [{t("retention_rule", lang): s.title.in_language(lang),
          t("retention_kept", lang): s.period().in_language(lang),
          t("retention_on", lang): s.enabled} for s in rules.settings],
        hide_index=True,
    )  # fmt: skip
    st.caption(t("retention_files", lang).format(files=", ".join(map(str, rules.files))))
    if st.button(t("retention_check", lang), key=state.RETENTION_CHECK_KEY):
        st.session_state[state.RETENTION_SHOWN_KEY] = True
    if not st.session_state.get(state.RETENTION_SHOWN_KEY):
        return
    try:
        planned = apply_retention(workspace, actor="app", dry_run=True, rules=rules)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    _summary(planned, lang)
    if not planned.areas and not planned.accounts:
        return
    sure = st.checkbox(t("retention_confirm", lang), key=state.RETENTION_CONFIRM_KEY)
    if st.button(t("retention_apply", lang), type="primary", disabled=not sure,
                 key=state.RETENTION_APPLY_KEY):  # fmt: skip
        _apply(lang)


def _summary(result: RetentionResult, lang: str) -> None:
    for rule, why in result.skipped:
        st.caption(t("retention_skipped", lang).format(rule=rule.value,
                                                        why=why.in_language(lang)))  # fmt: skip
    if not result.areas and not result.accounts:
        st.info(t("retention_nothing", lang))
        return
    for area in result.areas:
        with st.container(border=True):  # text, not markdown: an area's name is people's text
            st.text(area.name)
            for removal in area.removals:
                st.text(f"· {removal.text(lang)}")
    for account in result.accounts:
        st.text(t("retention_account", lang).format(
            name=account.name, new=actor_text(account.new_name).in_language(lang)))  # fmt: skip


def _apply(lang: str) -> None:
    try:
        with session.writing() as workspace:
            result = apply_retention(workspace, actor="app")
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    for area in result.failed:
        why = area.error.message(lang) if area.error else ""
        st.error(t("retention_failed", lang).format(area=area.name, why=why))
    if result.failed:
        return
    st.session_state[state.RETENTION_SHOWN_KEY] = False
    st.session_state[state.RETENTION_DONE_KEY] = t("retention_done", lang).format(
        areas=len(result.areas)
    )
    st.rerun()
