"""Whose account an HTTP request comes with: a login's token, or a name and password (Basic).

The JSON API takes a login's signed token (``sessions``), as a bearer token or the session
cookie. The feature service (``ogc``) takes the token too, and HTTP Basic: QGIS and ArcGIS
send a name and password with every request. A password is checked as the login checks it
(argon2, wrong ones counted towards the lock, ``walks.access.accounts.log_in``); a checked
pair is remembered for ``BASIC_REMEMBER_S``, as a keyed hash, so that paging through a
layer does not cost an argon2 check a page. Either way the account is read again on every
request: a disabled account, a changed role or a changed password counts at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from typing import Final

from starlette.requests import Request

from walks.access.accounts import current_account, log_in, password_stamp
from walks.core.roles import Account
from walks.core.workspace import Workspace
from walks.web.sessions import COOKIE, Signer

BASIC_REMEMBER_S: Final = 300.0
"""How long a name and password checked once are taken again without argon2."""
BASIC_REMEMBERED: Final = 1000
"""How many checked pairs are remembered at most (the oldest are forgotten first)."""


def request_token(request: Request) -> tuple[str | None, bool]:
    """Return the request's login token and whether it came in the session cookie."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(COOKIE)
    return (cookie, True) if cookie else (None, False)


def token_account(workspace: Workspace, signer: Signer, token: str) -> Account | None:
    """Return the account a valid login token names, as stored now; None for any other."""
    claims = signer.claims_in(token)
    account = current_account(workspace, claims[0]) if claims else None
    if account is None or claims is None:
        return None
    if password_stamp(workspace, account.name) != claims[1]:  # the password changed since
        return None
    return account


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """Return the name and password of an ``Authorization: Basic`` header; else None.

    The pair is read as UTF-8 (RFC 7617's ``charset="UTF-8"``, which the 401 asks for);
    bytes that are no UTF-8 as Latin-1, which some clients send (Python's requests: a
    password with å, ä or ö). A header that is not Basic, or not Base64, gives None.
    """
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except binascii.Error:
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    name, colon, password = decoded.partition(":")
    return (name, password) if colon else None


class BasicLogins:
    """Checks HTTP Basic names and passwords, remembering checked pairs for a short while.

    Only a keyed hash of each pair is kept (the key is this object's own), with the
    password's stamp at the check: a pair is taken again only while the account's
    password is unchanged. One per service, shared by its requests (threads).
    """

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._checked: OrderedDict[bytes, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, name: str, password: str) -> bytes:
        pair = name.encode("utf-8") + b"\0" + password.encode("utf-8")
        return hmac.new(self._key, pair, hashlib.sha256).digest()

    def account(self, workspace: Workspace, name: str, password: str) -> Account:
        """Return the account of ``name`` if ``password`` is its password (blocking).

        Raises
        ------
        walks.access.accounts.AccountError
            Wrong name or password, a disabled account, or one that must wait after too
            many wrong passwords (as the login says them).
        """
        digest = self._digest(name, password)
        now = time.monotonic()
        with self._lock:
            remembered = self._checked.get(digest)
        if remembered is not None and now - remembered[0] < BASIC_REMEMBER_S:
            account = current_account(workspace, name.strip())
            if account is not None and password_stamp(workspace, account.name) == remembered[1]:
                return account
        account = log_in(workspace, name, password)
        stamp = password_stamp(workspace, account.name) or ""
        with self._lock:
            self._checked[digest] = (now, stamp)
            self._checked.move_to_end(digest)
            while len(self._checked) > BASIC_REMEMBERED:
                self._checked.popitem(last=False)
        return account
