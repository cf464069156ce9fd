"""The closed value lists of the system layers, as enums with their titles: defined once.

The schema derives its allowed values from these enums, the store returns their members,
the domain model types its fields with them and the app shows their titles.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from gis.i18n import Text
from layers.catalog import AllowedValue


class TitledEnum(StrEnum):
    """A text value with a Swedish and an English title: ``NEW = "new", "Ny", "New"``."""

    label: Text

    def __new__(cls, value: str, sv: str = "", en: str = "") -> Self:
        """Make a member from its value and its Swedish and English titles."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = Text(sv=sv or value, en=en or value)
        return member

    @classmethod
    def allowed_values(cls) -> tuple[AllowedValue, ...]:
        """Return the members as the schema's allowed values, in declaration order."""
        return tuple(AllowedValue(member.value, member.label) for member in cls)


class ObservationStatus(TitledEnum):
    """Where an observation is in its life: new → assessed → planned → resolved (or dismissed)."""

    NEW = "new", "Ny", "New"
    ASSESSED = "assessed", "Bedömd", "Assessed"
    PLANNED = "planned", "Åtgärd planerad", "Measure planned"
    RESOLVED = "resolved", "Åtgärdad", "Resolved"
    DISMISSED = "dismissed", "Avskriven", "Dismissed"


class ObservationOrigin(TitledEnum):
    """Where an observation came from, when not from the district's own registration."""

    RESIDENT = "resident", "Boendes anmälan", "Resident's report"


class ReportStatus(TitledEnum):
    """Where a resident's report is: waiting in the inbox, or handled one way or the other."""

    NEW = "new", "Ny", "New"
    ACCEPTED = "accepted", "Godtagen", "Accepted"
    REJECTED = "rejected", "Avvisad", "Rejected"


class RequestState(TitledEnum):
    """Where an observation's service request to the city's fault-report system is (Open311)."""

    WAITING = "waiting", "Väntar", "Waiting"
    """Not delivered (no answer, or the server's own error): tried again after a wait."""
    FAILED = "failed", "Misslyckades", "Failed"
    """The city's system refused it, saying why: tried again after a wait, in case the
    cause (its list of services, say) has been put right."""
    SENT = "sent", "Skickad", "Sent"
    """Delivered: the city's system gave it an id (or a token for one); never sent again."""


class DeliveryProblem(TitledEnum):
    """Why a service request was not delivered."""

    REFUSED = "refused", "Stadens system avvisade begäran", "The city's system refused the request"
    SERVER_ERROR = (
        "server_error",
        "Stadens system svarade med ett fel",
        "The city's system answered with an error",
    )
    TIMEOUT = (
        "timeout",
        "Stadens system svarade inte i tid",
        "The city's system did not answer in time",
    )
    UNREACHABLE = (
        "unreachable",
        "Stadens system gick inte att nå",
        "The city's system could not be reached",
    )
    BAD_ANSWER = (
        "bad_answer",
        "Stadens svar gick inte att läsa",
        "The city's answer could not be read",
    )


class LightCondition(TitledEnum):
    """The light when an observation was made."""

    DAYLIGHT = "daylight", "Dagsljus", "Daylight"
    DUSK = "dusk", "Skymning", "Dusk"
    DARK = "dark", "Mörker", "Dark"


class WalkKind(TitledEnum):
    """What kind of walk a walk is."""

    REGULAR = "regular", "Trygghetsvandring", "Safety walk"
    YOUTH = "youth", "Vandring med unga", "Walk with young people"
    INVENTORY = "inventory", "Trygghetsinventering", "Safety inventory"


class ReferenceKind(TitledEnum):
    """What a reference layer holds: context for the analyses, never observations."""

    LAMPS = "lamps", "Belysningsstolpar", "Street lamps"
    STOPS = "stops", "Hållplatser och stationer", "Stops and stations"
    ENTRANCES = "entrances", "Tunnelbaneuppgångar", "Metro entrances"
    SCHOOLS = "schools", "Skolor", "Schools"
    OTHER = "other", "Övrigt", "Other"
    OWNERS = "owners", "Ägare och förvaltare", "Owners and managers"
    """Land and buildings (polygons), each with the organisation that owns or manages it."""
    STREETS = "streets", "Gator och vägar", "Streets and paths"
    """Lines people find their way by, drawn under the observations, named on paper."""
    BUILDINGS = "buildings", "Byggnader", "Buildings"
    """Building outlines (polygons), drawn under the observations."""


class CostClass(TitledEnum):
    """A measure's rough cost, for the analysis group's choices."""

    SMALL = "small", "Liten (under 10 000 kr)", "Small (under SEK 10,000)"
    MEDIUM = "medium", "Mellan (10 000–100 000 kr)", "Medium (SEK 10,000–100,000)"
    LARGE = "large", "Stor (över 100 000 kr)", "Large (over SEK 100,000)"


class MeasureStatus(TitledEnum):
    """Where a measure of the action plan is."""

    PROPOSED = "proposed", "Föreslagen", "Proposed"
    DECIDED = "decided", "Beslutad", "Decided"
    IN_PROGRESS = "in_progress", "Pågår", "In progress"
    DONE = "done", "Genomförd", "Done"
    NOT_FEASIBLE = "not_feasible", "Ej genomförbar", "Not feasible"
