"""Residents' reports of a place: received without an account, handled by a coordinator.

A resident reports a place from the residents' page (``/boende``): a category (never an
internal one), a position, a short description, perhaps a photo and an e-mail for an
answer. The report waits in its area's inbox (``layers.schema.INBOX_TABLE``), never on
the map, until a coordinator accepts it, when it becomes an ordinary observation with
the next number of its area, marked as come from a resident (``origin``), or rejects it
with a reason. Either way the e-mail is removed then: it is kept only until the report
is handled (and never in the change log, ``layers.rules.changelog.UNLOGGED``).

A report is known by its short id, the first characters of its UUID (``Report.id``),
unique across the district's areas.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from uuid import uuid4

from gis.crs import to_wgs84
from gis.i18n import Text
from gis.photos import PhotoError, process_photo
from layers.catalog import Catalog, LayerSpec
from layers.records import Record, Update
from layers.schema import INBOX_LAYER, PHOTOS_LAYER
from layers.values import ObservationOrigin, ReportStatus
from walks.actions.tertial import Tertial
from walks.core.errors import PositionError, WalkError
from walks.core.model import Observation, ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import locate, photo_rows, prepare_observation

RESIDENT: Final = "resident"
"""Who a report is from in the change log: no name, no account."""
REPORT_MAX_CHARS: Final = 1000
"""The longest description a resident may send."""
EMAIL_MAX_CHARS: Final = 254
_EMAIL: Final = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
ID_LENGTH: Final = 8
"""The characters of a report's UUID its short id shows (unique among a district's reports)."""


class InboxError(WalkError):
    """A report that cannot be received, found or handled as asked; nothing was changed."""


class ReportNotFoundError(InboxError):
    """No report, or more than one, has the id given."""


class ReportHandledError(InboxError):
    """The report was accepted or rejected already."""


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """What a resident sends."""

    category: str
    position: Position
    description: str = ""
    email: str | None = None
    photo: bytes | None = None
    """The upload as sent: ``receive_report`` checks it and strips its metadata."""
    language: str = "sv"
    """The language the resident wrote in, for an answer."""


@dataclass(frozen=True, slots=True)
class Report:
    """A resident's report as stored in its area's inbox."""

    id: str
    """The short id people use (``safewalk inbox accept ID``)."""
    uuid: str
    area: str
    category: str
    description: str
    email: str | None
    """Kept only until the report is handled."""
    status: ReportStatus
    received_at: datetime
    handled_at: datetime | None
    handled_by: str | None
    reason: str | None
    """Why it was rejected."""
    observation_uuid: str | None
    """The observation it became, once accepted."""
    x: float
    y: float
    lon: float
    lat: float
    language: str
    photos: int

    def to_json(self) -> dict[str, object]:
        """Return the report as the command line and the HTTP API give it."""
        return {
            "id": self.id, "uuid": self.uuid, "area": self.area, "category": self.category,
            "description": self.description, "email": self.email, "status": self.status.value,
            "received_at": self.received_at.isoformat(),
            "handled_at": None if self.handled_at is None else self.handled_at.isoformat(),
            "handled_by": self.handled_by, "reason": self.reason,
            "observation_uuid": self.observation_uuid, "lon": self.lon, "lat": self.lat,
            "photos": self.photos,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReportCount:
    """How many reports an area received in a tertial and how many of them are handled."""

    tertial: Tertial
    received: int
    handled: int


def _refused(text: Text, *, field: str, kind: type[InboxError] = InboxError) -> InboxError:
    error = kind(text)
    error.field = field
    return error


def resident_categories(catalog: Catalog) -> list[LayerSpec]:
    """Return the categories residents may report in: every one that is not internal."""
    return [spec for spec in catalog.categories if not spec.internal]


def _checked_category(catalog: Catalog, name: str) -> str:
    allowed = {spec.name: spec for spec in resident_categories(catalog)}
    if name not in allowed:
        names = ", ".join(allowed)
        said = Text(sv=f"Välj en av kategorierna ({names}).",
                    en=f"Choose one of the categories ({names}).")  # fmt: skip
        raise _refused(said, field="category")
    return name


def _checked_text(description: str) -> str:
    text = description.strip()
    if not text:
        said = Text(sv="Beskriv kort vad som är fel eller bra på platsen.",
                    en="Describe briefly what is wrong or good at the place.")  # fmt: skip
        raise _refused(said, field="description")
    if len(text) > REPORT_MAX_CHARS:
        said = Text(
            sv=f"Beskrivningen är {len(text)} tecken; högst {REPORT_MAX_CHARS}.",
            en=f"The description is {len(text)} characters; at most {REPORT_MAX_CHARS}.",
        )
        raise _refused(said, field="description")
    return text


def _checked_email(email: str | None) -> str | None:
    text = (email or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX_CHARS or not _EMAIL.match(text):
        said = Text(
            sv="E-postadressen ser inte ut som en adress (namn@exempel.se); rätta den eller "
            "lämna fältet tomt.",
            en="The e-mail address does not look like one (name@example.com); correct it or "
            "leave the field empty.",
        )
        raise _refused(said, field="email")
    return text


def receive_report(
    workspace: Workspace, draft: ReportDraft, *, now: datetime | None = None
) -> Report:
    """Check a resident's report and put it in the inbox of the area its position lies in.

    Raises
    ------
    LocalizedError
        A refusal, with ``field`` naming what to correct: ``category`` (unknown or
        internal), ``description`` (empty or too long), ``email`` (not an address),
        ``position`` (outside every area) or ``photo`` (not a photo, or too large).
        Nothing is stored then.
    """
    category = _checked_category(workspace.catalog, draft.category)
    description = _checked_text(draft.description)
    email = _checked_email(draft.email)
    try:
        area, point = locate(workspace, draft.position)
    except PositionError as error:
        error.field = "position"
        raise
    photos = []
    if draft.photo:
        try:
            photos = [process_photo(draft.photo, max_bytes=workspace.settings.max_photo_bytes)]
        except PhotoError as error:
            error.field = "photo"
            raise
    moment = now or datetime.now(UTC)
    values: dict[str, object] = {
        "uuid": str(uuid4()), "category": category, "description": description,
        "email": email, "status": ReportStatus.NEW, "language": draft.language,
        "created_at": moment, "updated_at": moment, "created_by": RESIDENT, "is_demo": False,
    }  # fmt: skip
    redact = workspace.settings.redact_on_upload
    children = {PHOTOS_LAYER: photo_rows(photos, moment, redact=redact)} if photos else None
    record = workspace.store.append(
        area.slug, INBOX_LAYER, values, point, actor=RESIDENT, children=children
    )
    return _report(area.slug, record, len(photos))


def _report(slug: str, record: Record, photos: int) -> Report:
    point = record["geometry"]
    wgs = to_wgs84(point)
    return Report(
        id=str(record["uuid"])[:ID_LENGTH], uuid=record["uuid"], area=slug,
        category=record["category"], description=record["description"] or "",
        email=record["email"], status=ReportStatus(record["status"]),
        received_at=record["created_at"], handled_at=record["handled_at"],
        handled_by=record["handled_by"], reason=record["reason"],
        observation_uuid=record["observation_uuid"], x=point.x, y=point.y,
        lon=round(wgs.x, 7), lat=round(wgs.y, 7), language=record["language"] or "sv",
        photos=photos,
    )  # fmt: skip


def _area_reports(workspace: Workspace, slug: str) -> list[Report]:
    records = workspace.store.read_records(slug, INBOX_LAYER)
    photos = Counter(
        photo.feature_uuid
        for photo in workspace.store.read_photos(slug, [str(r["uuid"]) for r in records])
    )
    return [_report(slug, record, photos[record["uuid"]]) for record in records]


def list_reports(
    workspace: Workspace, *, area: str | None = None, status: ReportStatus | None = ReportStatus.NEW
) -> list[Report]:
    """Return the reports of ``area`` (None: all) with ``status`` (None: any), oldest first."""
    slugs = [find_area(workspace, area).slug] if area else [a.slug for a in workspace.areas()]
    found = [r for slug in slugs for r in _area_reports(workspace, slug)]
    return sorted(
        (r for r in found if status is None or r.status is status),
        key=lambda r: r.received_at,  # stable: the same moment in the order stored
    )


def find_report(workspace: Workspace, report_id: str) -> Report:
    """Return the report whose id (or UUID, or the start of it) is ``report_id``.

    Raises
    ------
    InboxError
        No report, or several, start so.
    """
    wanted = report_id.strip().lower()
    found = (
        [r for r in list_reports(workspace, status=None) if r.uuid.startswith(wanted)]
        if len(wanted) >= 4
        else []
    )
    if len(found) == 1:
        return found[0]
    if found:
        said = Text(
            sv=f"Flera anmälningar börjar med {report_id!r}; skriv fler tecken.",
            en=f"Several reports start with {report_id!r}; give more characters.",
        )
        raise _refused(said, field="id", kind=ReportNotFoundError)
    said = Text(
        sv=f"Ingen anmälan har id {report_id!r}. `safewalk inbox list` visar dem som väntar.",
        en=f"No report has the id {report_id!r}. `safewalk inbox list` shows those waiting.",
    )
    raise _refused(said, field="id", kind=ReportNotFoundError)


def _waiting(report: Report) -> None:
    if report.status is not ReportStatus.NEW:
        when = report.handled_at.date().isoformat() if report.handled_at else "-"
        said = Text(
            sv=f"Anmälan {report.id} är redan hanterad ({report.status.label.sv.lower()} {when}).",
            en=f"Report {report.id} is handled already ({report.status.label.en.lower()} {when}).",
        )
        raise _refused(said, field="id", kind=ReportHandledError)


def _handled(report: Report, actor: str, moment: datetime, **changes: object) -> Update:
    """Return the update that marks ``report`` handled and forgets its e-mail."""
    changes = {"handled_at": moment, "handled_by": actor, "email": None, "updated_at": moment,
               **changes}  # fmt: skip
    return (INBOX_LAYER, report.uuid, changes)


def accept_report(
    workspace: Workspace,
    report_id: str,
    *,
    actor: str,
    category: str | None = None,
    fields: Mapping[str, object] | None = None,
    severity: int | None = None,
    now: datetime | None = None,
) -> Observation:
    """Make a waiting report an ordinary observation of its area and return the observation.

    The observation takes the report's place, description, time and photos, the next
    number of the area and ``origin`` resident; ``category`` (any, internal ones too: the
    coordinator decides) replaces the resident's choice, ``fields`` give the category's
    own fields (its required ones the resident was not asked). One transaction: the
    observation, the report marked accepted (its e-mail removed) and its photos moved to
    the observation.

    Raises
    ------
    InboxError
        No such report, or one handled already.
    LayerError
        An unknown category, or fields missing or not fitting it.
    """
    report = find_report(workspace, report_id)
    _waiting(report)
    moment = now or datetime.now(UTC)
    draft = ObservationDraft(
        category=category or report.category,
        position=Position(report.x, report.y, "EPSG:3006"),
        created_by=actor,
        uuid=str(uuid4()),
        severity=severity,
        description=report.description,
        fields=dict(fields or {}),
        observed_at=report.received_at,
    )
    prepared = prepare_observation(workspace, draft, area=report.area, now=moment)
    photos = workspace.store.read_photos(report.area, [report.uuid])
    updates: list[Update] = [
        _handled(report, actor, moment, status=ReportStatus.ACCEPTED,
                 observation_uuid=draft.uuid),
        *((PHOTOS_LAYER, photo.uuid, {"feature_uuid": draft.uuid, "layer": prepared.category})
          for photo in photos),
    ]  # fmt: skip
    values = {**prepared.values, "origin": ObservationOrigin.RESIDENT}
    stored = workspace.store.append(
        prepared.area, prepared.category, values, prepared.geometry, actor=actor,
        updates=updates,
    )  # fmt: skip
    return prepared.stored(stored)


def reject_report(
    workspace: Workspace, report_id: str, reason: str, *, actor: str, now: datetime | None = None
) -> Report:
    """Mark a waiting report rejected with ``reason``; its e-mail and photos are removed.

    Raises
    ------
    InboxError
        No such report, one handled already, or no reason given.
    """
    text = " ".join(reason.split())
    if not text:
        said = Text(sv="Skriv varför anmälan avvisas (--reason).",
                    en="Say why the report is rejected (--reason).")  # fmt: skip
        raise _refused(said, field="reason")
    report = find_report(workspace, report_id)
    _waiting(report)
    moment = now or datetime.now(UTC)
    update = _handled(report, actor, moment, status=ReportStatus.REJECTED, reason=text)
    [record] = workspace.store.update_many(report.area, [update], actor=actor)
    photos = [p.uuid for p in workspace.store.read_photos(report.area, [report.uuid])]
    if photos:  # nothing of a rejected report is kept that need not be
        workspace.store.delete(report.area, PHOTOS_LAYER, photos, actor=actor)
    return _report(report.area, record, 0)


def report_counts(workspace: Workspace, area: str, *, last: int = 3) -> list[ReportCount]:
    """Return how many reports ``area`` received per tertial and how many are handled.

    The ``last`` tertials up to the current one, oldest first; a tertial's handled count
    is of the reports received in it (handled since, whenever).
    """
    slug = find_area(workspace, area).slug
    tertials = [Tertial.of(datetime.now(UTC))]
    while len(tertials) < last:
        tertials.insert(0, tertials[0].previous())
    received: Counter[Tertial] = Counter()
    handled: Counter[Tertial] = Counter()
    for report in _area_reports(workspace, slug):
        tertial = Tertial.of(report.received_at)
        received[tertial] += 1
        handled[tertial] += report.status is not ReportStatus.NEW
    return [ReportCount(t, received[t], handled[t]) for t in tertials]
