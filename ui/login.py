"""The login: asked for when the workspace has accounts; the sidebar says who is logged in.

Without accounts the app is used as before, by one person, without a login. With them,
every session logs in, by password or, when ``SAFEWALK_LOGIN_PROVIDER`` names one, by the
city's single sign-on (Streamlit's OpenID Connect login, ``st.login``): the identity
provider checks the person, and the account named by their e-mail address gives the
role. A login lasts ``SAFEWALK_SESSION_HOURS``; a disabled account or a changed role
takes effect at the session's next click.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from gis.i18n import LocalizedError
from ui import session, state
from ui.i18n import t
from walks.access.accounts import account_for_login, has_accounts, log_in
from walks.core.roles import Account, Role


def admitted(language: str) -> bool:
    """Return whether the session may use the app: logged in, or a workspace without accounts.

    A session that may not sees the login page (``render``) and the residents' page only.
    """
    workspace = session.opened()
    try:
        accounts = has_accounts(workspace)
    except LocalizedError as error:  # the database is away: a session let in stays in
        if not state.admitted():
            raise
        st.warning(error.message(language))
        return True
    if not accounts:
        state.set_account(None)
        state.set_guest(False)
        state.set_admitted(True)
        return True
    account = _still_valid(state.account(), language)
    state.set_admitted(account is not None)
    state.set_guest(account is None)
    if account is not None:
        _sidebar(account, language)
        return True
    return False


def render() -> None:
    """Render the login page."""
    _login_form(state.language())


def _still_valid(account: Account | None, language: str) -> Account | None:
    """Return the session's account as stored now; None once expired, disabled or gone."""
    if account is None:
        return None
    since = state.logged_in_at()
    hours = session.opened().settings.session_hours
    if since is None or datetime.now(UTC) - since > timedelta(hours=hours):
        state.set_account(None)
        st.info(t("login_expired", language))
        return None
    row = session.opened().store.accounts().get(account.name)
    if row is None or row.disabled:
        state.set_account(None)
        return None
    current = Account(row.name, Role(row.role), row.organisation)
    if current != account:
        state.set_account(current, at=since)
    return current


def _login_form(language: str) -> None:
    st.title(t("app_title", language))
    provider = session.opened().settings.login_provider
    if provider is not None:
        _single_sign_on(provider, language)
        return
    with st.form(state.LOGIN_FORM_KEY):
        st.header(t("login_title", language))
        name = st.text_input(t("login_name", language), key=state.LOGIN_NAME_KEY)
        password = st.text_input(t("login_password", language), type="password",
                                 key=state.LOGIN_PASSWORD_KEY)  # fmt: skip
        submitted = st.form_submit_button(t("login_button", language))
    if submitted:
        try:
            account = log_in(session.opened(), name, password)
        except LocalizedError as error:
            st.error(error.message(language))
            return
        state.set_account(account, at=datetime.now(UTC))
        st.rerun()


def _single_sign_on(provider: str, language: str) -> None:
    """Log in through the city's identity provider; the e-mail address names the account."""
    user = st.user
    if not user.is_logged_in:
        st.button(t("login_sso", language), on_click=st.login, args=(provider,))
        return
    account = account_for_login(session.opened(), str(user.get("email", "")))
    if account is None:
        st.error(t("login_no_account", language).format(email=user.get("email", "")))
        st.button(t("logout", language), on_click=st.logout)
        return
    state.set_account(account, at=datetime.now(UTC))
    st.rerun()


def _sidebar(account: Account, language: str) -> None:
    with st.sidebar:
        st.caption(t("logged_in_as", language).format(
            name=account.name, role=account.role.label.in_language(language)))  # fmt: skip
        if st.button(t("logout", language), key=state.LOGOUT_KEY):
            state.set_account(None)
            if session.opened().settings.login_provider is not None:
                st.logout()
            st.rerun()
