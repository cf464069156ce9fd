"""Roles and the account a session or a use case works as (``walks.access.accounts`` keeps them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from gis.i18n import Text


class Role(StrEnum):
    """What an account may do; each role may do what the ones before it may."""

    VIEWER = "viewer"
    """Sees the map, without the internal categories (crime-exposed, socially unsafe)."""
    REGISTRANT = "registrant"
    """Registers observations during walks."""
    PARTNER = "partner"
    """An organisation of the analysis group: sees everything, edits its own measures."""
    COORDINATOR = "coordinator"
    """Everything in the district: walks, measures, imports, analyses."""
    ADMIN = "admin"
    """Users and configuration too."""

    @property
    def rank(self) -> int:
        """The role's place: a higher one may do all a lower one may."""
        return list(Role).index(self)

    @property
    def label(self) -> Text:
        """The role's name for people."""
        return ROLE_LABELS[self]


ROLE_LABELS: Final = {
    Role.VIEWER: Text(sv="läsare", en="viewer"),
    Role.REGISTRANT: Text(sv="registrerare", en="registrant"),
    Role.PARTNER: Text(sv="samverkanspart", en="partner"),
    Role.COORDINATOR: Text(sv="samordnare", en="coordinator"),
    Role.ADMIN: Text(sv="administratör", en="admin"),
}


@dataclass(frozen=True, slots=True)
class Account:
    """A logged-in user: the name every change is recorded under, the role, the organisation."""

    name: str
    role: Role
    organisation: str | None = None
    """For a partner: the organisation (id) whose measures it edits."""

    def at_least(self, role: Role) -> bool:
        """Return whether the account may do what ``role`` may."""
        return self.role.rank >= role.rank


REMOVED_ACCOUNT: Final = "removed account {number}"
"""What an anonymised account's changes are attributed to, as stored (a name with spaces,
which no account can have)."""
_REMOVED_SV: Final = "borttaget konto {number}"
_REMOVED_PATTERN: Final = re.compile(r"removed account (\d+)")


def removed_account_name(number: int) -> str:
    """Return the name an anonymised account's changes are kept under: ``removed account N``."""
    return REMOVED_ACCOUNT.format(number=number)


def removed_account_number(name: str) -> int | None:
    """Return N when ``name`` is an anonymised account's (``removed account N``), else None."""
    found = _REMOVED_PATTERN.fullmatch(name)
    return int(found.group(1)) if found else None


def actor_text(actor: str) -> Text:
    """Return who did something as people read it: ``borttaget konto 3`` in Swedish."""
    number = removed_account_number(actor)
    if number is None:
        return Text(sv=actor, en=actor)
    return Text(sv=_REMOVED_SV.format(number=number), en=removed_account_name(number))
