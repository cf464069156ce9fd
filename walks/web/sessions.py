"""Who calls the HTTP API: a login as a signed token, in a cookie or as a bearer token.

A token names the account and when it expires, signed with ``Settings.secret_key`` (or a
key of the process's own), so any instance of the app with the same key accepts it. The
account is read again on every call: a disabled account or a changed role takes effect at
once. A browser sends the token as an HttpOnly, SameSite=Strict cookie; its writes must
also carry the login's CSRF value in a header, which a page of another site cannot read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from walks.core.roles import Account

COOKIE: Final = "safewalk_session"
CSRF_HEADER: Final = "X-CSRF-Token"
_PROCESS_KEY: Final = secrets.token_bytes(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def same_text(given: str, expected: str) -> bool:
    """Return whether ``given`` is ``expected``, in time that does not tell how much matched.

    Compared as UTF-8 bytes: any text a caller sends (non-ASCII too) is simply not equal.
    """
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class Signer:
    """Makes and checks login tokens and their CSRF values with one key."""

    def __init__(self, key: str | None) -> None:
        self._key = key.encode("utf-8") if key else _PROCESS_KEY

    def _mac(self, purpose: str, text: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}:{text}".encode(), hashlib.sha256).digest())

    def token(self, name: str, expires: datetime, stamp: str) -> str:
        """Return a token for account ``name`` that holds until ``expires``.

        ``stamp``: the account's password stamp now; the token holds only while it is.
        """
        claims = {"name": name, "exp": int(expires.timestamp()), "pw": stamp,
                  "n": secrets.token_hex(8)}  # fmt: skip
        body = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._mac('login', body)}"

    def claims_in(self, token: str, now: datetime | None = None) -> tuple[str, str] | None:
        """Return the account and password stamp a valid, unexpired token names; else None."""
        body, _, mac = token.partition(".")
        if not mac or not same_text(mac, self._mac("login", body)):
            return None
        try:
            claims = json.loads(_unb64(body))
            name, stamp, expires = str(claims["name"]), str(claims["pw"]), float(claims["exp"])
        except (ValueError, KeyError, TypeError):
            return None
        moment = now or datetime.now(UTC)
        return (name, stamp) if moment.timestamp() < expires else None

    def csrf(self, token: str) -> str:
        """Return the value a cookie-carried ``token``'s writes must send in ``CSRF_HEADER``."""
        return self._mac("csrf", token)


@dataclass(frozen=True, slots=True)
class Login:
    """A login just made: the account, its token, the token's CSRF value, when it ends."""

    account: Account
    token: str
    csrf: str
    expires_at: datetime


def new_login(signer: Signer, account: Account, hours: float, stamp: str) -> Login:
    """Return a login for ``account`` that lasts ``hours`` (or until its password changes)."""
    expires = datetime.now(UTC) + timedelta(hours=hours)
    token = signer.token(account.name, expires, stamp)
    return Login(account, token, signer.csrf(token), expires)
