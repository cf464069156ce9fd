"""Accounts and roles: who may see and change what, and logging in.

A workspace without accounts is used by one person (the embedded set-up): everyone may do
everything, as before. Once an account exists, the app asks for a login and each session
works as its account (``walks.access.guard``). Passwords are kept as argon2 hashes; after
``MAX_FAILED`` wrong passwords in a row an account waits ``LOCK_S`` seconds before the
next try.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gis.i18n import Text
from layers.accounts import AccountRow, with_changes
from walks.core.errors import WalkError
from walks.core.organisations import find_organisation
from walks.core.roles import Account, Role, removed_account_name
from walks.core.workspace import Workspace

MAX_FAILED: Final = 5
"""Wrong passwords in a row before an account must wait."""
LOCK_S: Final = 300
"""How long an account waits after ``MAX_FAILED`` wrong passwords."""
MIN_PASSWORD: Final = 10
"""The shortest password taken."""
_HASHER: Final = PasswordHasher()
_DUMMY_HASH: Final = _HASHER.hash("safewalk: no such account")
"""Checked against for unknown names, so that they take as long as known ones."""


class AccountError(WalkError):
    """An account that cannot be made or changed, or a login that fails."""


def role_of(text: str) -> Role:
    """Return the role named ``text``; refuse others, listing the roles."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise AccountError(
            Text(sv=f"Okänd roll {text!r}; roller: {names}.",
                 en=f"Unknown role {text!r}; roles: {names}.")
        ) from None  # fmt: skip


def has_accounts(workspace: Workspace) -> bool:
    """Return whether the workspace has any account (then the app asks for a login)."""
    return bool(workspace.store.accounts().all())


def _account(row: AccountRow) -> Account:
    return Account(row.name, Role(row.role), row.organisation)


def list_accounts(workspace: Workspace) -> list[AccountRow]:
    """Return every account, by name."""
    return workspace.store.accounts().all()


def add_account(
    workspace: Workspace,
    name: str,
    role: str | Role,
    password: str,
    *,
    organisation: str | None = None,
    now: datetime | None = None,
) -> Account:
    """Add an account with a password; a partner names its organisation.

    Raises
    ------
    AccountError
        An empty or taken name, an unknown role or organisation, a partner without an
        organisation, or a password shorter than ``MIN_PASSWORD``.
    """
    name = name.strip()
    chosen = role if isinstance(role, Role) else role_of(role)
    if not name or any(c.isspace() for c in name):
        raise AccountError(Text(sv="Ange ett användarnamn utan mellanslag.",
                                en="Give a user name without spaces."))  # fmt: skip
    _check_password(password)
    org = _organisation(workspace, chosen, organisation)
    row = AccountRow(name, chosen.value, _HASHER.hash(password), org, False,
                     now or datetime.now(UTC))  # fmt: skip
    if not workspace.store.accounts().add(row):
        raise AccountError(Text(sv=f"Användaren {name!r} finns redan.",
                                en=f"The user {name!r} exists already."))  # fmt: skip
    return _account(row)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            Text(
                sv=f"Lösenordet är för kort: minst {MIN_PASSWORD} tecken.",
                en=f"The password is too short: at least {MIN_PASSWORD} characters.",
            )
        )


def _organisation(workspace: Workspace, role: Role, given: str | None) -> str | None:
    if given:
        return find_organisation(workspace.settings.data_dir, given).id
    if role is Role.PARTNER:
        raise AccountError(Text(sv="En samverkanspart behöver --organisation.",
                                en="A partner needs --organisation."))  # fmt: skip
    return None


def _stored(workspace: Workspace, name: str) -> AccountRow:
    row = workspace.store.accounts().get(name)
    if row is None:
        raise AccountError(Text(sv=f"Det finns ingen användare {name!r}.",
                                en=f"There is no user {name!r}."))  # fmt: skip
    if row.removed_as is not None:
        raise AccountError(
            Text(
                sv=f"Kontot {name!r} är anonymiserat (eller håller på att bli det) och kan inte "
                "ändras; lägg till ett nytt konto.",
                en=f"The account {name!r} is anonymised (or being anonymised) and cannot be "
                "changed; add a new account.",
            )
        )
    return row


def find_account(workspace: Workspace, name: str) -> AccountRow:
    """Return the stored account ``name`` (an anonymised one's too).

    Raises
    ------
    AccountError
        There is no such account.
    """
    row = workspace.store.accounts().get(name)
    if row is None:
        raise AccountError(Text(sv=f"Det finns ingen användare {name!r}.",
                                en=f"There is no user {name!r}."))  # fmt: skip
    return row


def set_role(
    workspace: Workspace, name: str, role: str | Role, *, organisation: str | None = None
) -> Account:
    """Give an account another role (a partner: and its organisation)."""
    row = _stored(workspace, name)
    chosen = role if isinstance(role, Role) else role_of(role)
    org = _organisation(workspace, chosen, organisation or row.organisation)
    changed = with_changes(row, role=chosen.value, organisation=org)
    workspace.store.accounts().put(changed)
    return _account(changed)


def set_disabled(
    workspace: Workspace, name: str, *, disabled: bool = True, now: datetime | None = None
) -> None:
    """Disable an account (it can no longer log in; what it did stays theirs), or enable it.

    The day it was disabled is kept: the retention rule ``accounts`` counts from it.
    """
    row = _stored(workspace, name)
    since = (row.disabled_at or now or datetime.now(UTC)) if disabled else None
    workspace.store.accounts().put(with_changes(row, disabled=disabled, disabled_at=since))


def next_removal_numbers(rows: list[AccountRow], count: int) -> list[int]:
    """Return the next ``count`` numbers for anonymised accounts, never one given before."""
    last = max((row.removed_as or 0 for row in rows), default=0)
    return list(range(last + 1, last + 1 + count))


def begin_removal(workspace: Workspace, name: str, *, now: datetime | None = None) -> AccountRow:
    """Give account ``name`` its number as an anonymised account, and disable it; return it.

    Kept on the account until its removal is finished (``finish_removal``), so that a
    removal that failed in some area is taken up again under the same number. An account
    that has its number already keeps it. Held under the store's lock: two removals at
    once never share a number.
    """
    accounts = workspace.store.accounts()
    with workspace.store.exclusive():
        row = find_account(workspace, name)
        if row.removed_as is not None:
            return row
        [number] = next_removal_numbers(accounts.all(), 1)
        moment = now or datetime.now(UTC)
        marked = with_changes(row, removed_as=number, disabled=True,
                              disabled_at=row.disabled_at or moment)  # fmt: skip
        accounts.put(marked)
    return marked


def finish_removal(workspace: Workspace, row: AccountRow) -> AccountRow:
    """Replace account ``row`` (its removal begun) by what is left of it; return that.

    Left: ``removed account N``, the role, the dates; no password, no organisation. Safe to
    repeat after a failure between its two steps.
    """
    if row.removed_as is None:
        msg = f"the removal of {row.name!r} was not begun"
        raise ValueError(msg)
    left = AccountRow(
        removed_account_name(row.removed_as), row.role, "", None, True, row.created_at,
        disabled_at=row.disabled_at, removed_as=row.removed_as,
    )  # fmt: skip
    accounts = workspace.store.accounts()
    accounts.add(left)  # there already when a first try stopped after it
    if left.name != row.name:
        accounts.remove(row.name)
    return left


def set_password(workspace: Workspace, name: str, password: str) -> None:
    """Give an account a new password (and let it try again at once)."""
    _check_password(password)
    row = _stored(workspace, name)
    workspace.store.accounts().put(
        with_changes(row, password_hash=_HASHER.hash(password), failed_logins=0, locked_until=None)
    )


WRONG: Final = Text(sv="Fel användarnamn eller lösenord.", en="Wrong user name or password.")


def log_in(
    workspace: Workspace, name: str, password: str, *, now: datetime | None = None
) -> Account:
    """Return the account of ``name`` when ``password`` is its password.

    Raises
    ------
    AccountError
        Wrong name or password (which of them is not said), a disabled account, or one
        that must wait after too many wrong passwords.
    """
    moment = now or datetime.now(UTC)
    accounts = workspace.store.accounts()
    row = accounts.get(name.strip())
    if row is None:
        _verify(_DUMMY_HASH, password)
        raise AccountError(WRONG)
    if row.locked_until is not None and moment < row.locked_until:
        minutes = max(1, round((row.locked_until - moment).total_seconds() / 60))
        raise AccountError(
            Text(
                sv=f"För många felaktiga försök; försök igen om {minutes} min.",
                en=f"Too many wrong tries; try again in {minutes} min.",
            )
        )
    if not _verify(row.password_hash, password):
        failed = row.failed_logins + 1
        locked = moment + timedelta(seconds=LOCK_S) if failed >= MAX_FAILED else None
        accounts.put(with_changes(row, failed_logins=0 if locked else failed,
                                  locked_until=locked))  # fmt: skip
        raise AccountError(WRONG)
    if row.disabled:
        raise AccountError(Text(sv="Kontot är avstängt; kontakta samordnaren.",
                                en="The account is disabled; ask the coordinator."))  # fmt: skip
    if row.failed_logins or row.locked_until:
        accounts.put(with_changes(row, failed_logins=0, locked_until=None))
    return _account(row)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def account_for_login(workspace: Workspace, email: str) -> Account | None:
    """Return the enabled account named by a single sign-on login's e-mail address, or None.

    With the city's single sign-on (Streamlit's OpenID Connect login) the identity
    provider checks the password; the account, named by the e-mail address, gives the role.
    """
    row = workspace.store.accounts().get(email.strip().lower())
    return None if row is None or row.disabled else _account(row)


def current_account(workspace: Workspace, name: str) -> Account | None:
    """Return the account ``name`` as stored now (its role today); None when disabled or gone.

    A login made earlier (the HTTP API's signed token) is checked against it on every call,
    so a disabled account or a changed role takes effect at once.
    """
    row = workspace.store.accounts().get(name)
    return None if row is None or row.disabled else _account(row)


def password_stamp(workspace: Workspace, name: str) -> str | None:
    """Return a fingerprint of the account's stored password, which changes with the password.

    A login signed with it (the HTTP API's token) ends when the password is changed.
    """
    row = workspace.store.accounts().get(name)
    if row is None:
        return None
    return hashlib.sha256(row.password_hash.encode("utf-8")).hexdigest()[:16]
