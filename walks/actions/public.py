"""What residents may see of the action plan: decided and done measures, nothing internal.

Two-way communication with residents starts with showing what was done about what they
reported. Only measures the analysis group marked public are shown, only once decided,
with their title and status, the day of their last change and the (non-internal)
categories of what they are about: no names, no internal categories (crime-exposed or
socially unsafe places), no other free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from gis.i18n import Text
from layers.values import MeasureStatus
from walks.actions.measures import MeasureError, add_note, area_measures
from walks.core.clock import LOCAL_TIME
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations

SHOWN: Final = (MeasureStatus.DECIDED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE)


@dataclass(frozen=True, slots=True)
class PublicMeasure:
    """A measure as residents see it."""

    number: int
    title: str
    status: MeasureStatus
    changed_on: date
    """The day (Stockholm) of its last change."""
    categories: tuple[Text, ...]
    """The titles of the categories of what it is about, internal ones left out."""


def public_measures(workspace: Workspace, area: str) -> list[PublicMeasure]:
    """Return the measures of ``area`` residents may see, newest change first."""
    slug = find_area(workspace, area).slug
    catalog = workspace.catalog
    observations = list_observations(workspace, slug)
    categories = {o.number: o.category for o in observations}
    shown = []
    for measure in area_measures(workspace, slug, observations):
        if not measure.public or measure.status not in SHOWN:
            continue
        about = sorted({categories[n] for n in measure.observations if n in categories})
        visible = [name for name in about if not catalog.category(name).internal]
        if not visible:  # only about internal things: not shown at all
            continue
        shown.append(
            PublicMeasure(
                number=measure.number,
                title=measure.title,
                status=measure.status,
                changed_on=measure.updated_at.astimezone(LOCAL_TIME).date(),
                categories=tuple(catalog.category(name).title for name in visible),
            )
        )
    return sorted(shown, key=lambda m: (m.changed_on, m.number), reverse=True)


RESIDENT: Final = "resident"
"""Who a resident's feedback is from: no name, no account."""
VERDICTS: Final = {
    "better": Text(sv="Bättre nu", en="Better now"),
    "same": Text(sv="Ingen skillnad", en="No difference"),
    "worse": Text(sv="Sämre", en="Worse"),
}
FEEDBACK_MAX_CHARS: Final = 500


def resident_feedback(
    workspace: Workspace, area: str, number: int, verdict: str, comment: str = ""
) -> None:
    """Keep a resident's feedback on a public measure as a follow-up note (``resident``).

    The analysis group sees it in the measure's history. Only measures residents can see
    take feedback; the comment is plain text, at most ``FEEDBACK_MAX_CHARS`` characters.

    Raises
    ------
    MeasureError
        Not a measure residents can see, an unknown verdict, or a comment too long.
    """
    shown = {m.number for m in public_measures(workspace, area)}
    if number not in shown:
        raise MeasureError(
            Text(
                sv=f"Åtgärd nr {number} visas inte för boende och kan inte få återkoppling.",
                en=f"Measure no. {number} is not shown to residents and cannot take feedback.",
            )
        )
    if verdict not in VERDICTS:
        raise MeasureError(Text(sv=f"Okänt svar {verdict!r}.", en=f"Unknown answer {verdict!r}."))
    text = " ".join(comment.split())
    if len(text) > FEEDBACK_MAX_CHARS:
        raise MeasureError(
            Text(
                sv=f"Kommentaren är {len(text)} tecken; högst {FEEDBACK_MAX_CHARS}.",
                en=f"The comment is {len(text)} characters; at most {FEEDBACK_MAX_CHARS}.",
            )
        )
    said = VERDICTS[verdict].sv
    note = f"Boendes återkoppling: {said}" + (f". {text}" if text else "")
    add_note(workspace, area, number, note, actor=RESIDENT)
