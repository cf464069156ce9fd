"""Everything stored about one account, for a request under GDPR article 15 (right of access).

``account_data`` gathers it from the accounts and every area: the account as stored (its
password only as the fact that a hash is kept), every change-log entry it made, what it
registered, planned, decided or handled, and the residents' reports sent with its name as
e-mail address. Other people's personal data found beside it (a resident's e-mail on a
report the account handled) is left out.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from gis.crs import to_wgs84
from gis.i18n import Text
from layers.accounts import AccountRow
from layers.records import Record
from layers.schema import (
    CHANGE_LOG_LAYER,
    INBOX_LAYER,
    MEASURES_LAYER,
    NOTES_LAYER,
    WALKS_LAYER,
)
from walks.access.accounts import find_account
from walks.actions.inbox import ID_LENGTH
from walks.core import clock
from walks.core.roles import Role
from walks.core.workspace import Workspace

PASSWORD_NOTE: Final = Text(
    sv="Lösenordet sparas bara som en argon2-hash, som inte går att vända tillbaka; den lämnas "
    "inte ut.",
    en="The password is kept only as an argon2 hash, which cannot be turned back; it is not "
    "given out.",
)
LOGINS_NOTE: Final = Text(
    sv="Inloggningar är signerade biljetter med kontots namn och när de upphör; safewalk sparar "
    "inga sessioner, biljetter eller IP-adresser.",
    en="Logins are signed tokens holding the account's name and when they expire; safewalk "
    "stores no sessions, tokens or IP addresses.",
)
PHOTOS_NOTE: Final = Text(
    sv="Fotona räknas här; kopior fås med safewalk export (GeoPackage) av området.",
    en="The photos are counted here; copies come with safewalk export (GeoPackage) of the area.",
)


def _moment(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _plain(record: Record) -> dict[str, object]:
    """Return a record as JSON values: times as ISO 8601, the position in WGS 84, no blobs."""
    plain: dict[str, object] = {}
    for key, value in record.items():
        if key == "fid" or isinstance(value, bytes):
            continue
        if key == "geometry":
            if value is not None and not value.is_empty:
                point = to_wgs84(value.representative_point())
                plain["lon"], plain["lat"] = round(point.x, 7), round(point.y, 7)
            continue
        plain[key] = value.isoformat() if isinstance(value, datetime) else value
    return plain


def _account(row: AccountRow, language: str) -> dict[str, object]:
    return {
        "name": row.name, "role": row.role, "organisation": row.organisation,
        "disabled": row.disabled, "disabled_at": _moment(row.disabled_at),
        "created_at": _moment(row.created_at), "failed_logins": row.failed_logins,
        "locked_until": _moment(row.locked_until), "removed_as": row.removed_as,
        "password": PASSWORD_NOTE.in_language(language),
    }  # fmt: skip


def _entry(entry: Record) -> dict[str, object]:
    found = {k: entry[k] for k in ("action", "layer", "feature_uuid")}
    found["at"] = _moment(entry["at"])
    for key in ("before", "after"):
        found[key] = json.loads(entry[key]) if entry[key] else None
    return found


def _area_data(workspace: Workspace, slug: str, row: AccountRow) -> dict[str, object]:
    """Return what area ``slug`` keeps of the account (empty lists when nothing)."""
    store = workspace.store
    name, email = row.name, row.name.casefold()
    changes = [_entry(e) for e in store.read_records(slug, CHANGE_LOG_LAYER) if e["actor"] == name]
    counts = store.feature_counts(slug)
    observations = []
    for category in (c for c in workspace.catalog.names if counts.get(c)):
        for record in store.read_records(slug, category):
            if record["created_by"] == name:
                observations.append({"category": category, **_plain(record)})
    photos = Counter(p.feature_uuid for p in store.read_photos(
        slug, [str(o["uuid"]) for o in observations]))  # fmt: skip
    for observation in observations:
        observation["photos"] = photos[str(observation["uuid"])]
    measures = [
        _plain(m) for m in store.read_records(slug, MEASURES_LAYER)
        if m["created_by"] == name
        or (row.role == Role.PARTNER and row.organisation and m["responsible"] == row.organisation)
    ]  # fmt: skip
    reports = store.read_records(slug, INBOX_LAYER)
    handled = [
        {k: v for k, v in _plain(r).items() if k in ("uuid", "category", "status", "handled_at",
                                                      "reason", "observation_uuid")}
        | {"id": str(r["uuid"])[:ID_LENGTH]}
        for r in reports if r["handled_by"] == name
    ]  # fmt: skip
    sent = [_plain(r) | {"id": str(r["uuid"])[:ID_LENGTH]} for r in reports
            if r["email"] and str(r["email"]).casefold() == email]  # fmt: skip
    return {
        "changes": changes,
        "observations": observations,
        "walks": [_plain(w) for w in store.read_records(slug, WALKS_LAYER)
                  if w["created_by"] == name],
        "measures": measures,
        "notes": [_plain(n) for n in store.read_records(slug, NOTES_LAYER)
                  if n["created_by"] == name],
        "reports_handled": handled,
        "reports_sent": sent,
    }  # fmt: skip


def account_data(
    workspace: Workspace, name: str, *, language: str = "sv", now: datetime | None = None
) -> dict[str, object]:
    """Return everything stored about account ``name``, as JSON values.

    Keys: ``account`` (as stored; the password only as a note that a hash is kept),
    ``logins`` (what is kept of them: nothing), ``areas`` (for each area that keeps
    anything of it: its change-log entries, observations with their photo counts, walks,
    measures made or, for a partner, its organisation's, follow-up notes, residents'
    reports it handled — without the resident's e-mail — and reports sent with its name
    as e-mail address), and ``counts`` over all areas.

    Raises
    ------
    AccountError
        No such account.
    """
    row = find_account(workspace, name)
    areas: list[Mapping[str, object]] = []
    counts: Counter[str] = Counter()
    for area in workspace.areas():
        found = _area_data(workspace, area.slug, row)
        if any(found.values()):
            areas.append({"area": area.slug, "name": area.name, **found})
            counts.update({key: len(value) for key, value in found.items()
                           if isinstance(value, list)})  # fmt: skip
    return {
        "made_at": (now or clock.utc_now()).isoformat(),
        "workspace": workspace.store.location,
        "account": _account(row, language),
        "logins": LOGINS_NOTE.in_language(language),
        "photos": PHOTOS_NOTE.in_language(language),
        "counts": dict(counts),
        "areas": areas,
    }
