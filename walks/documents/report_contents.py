"""Tertial reports as files: Excel (typed sheets), Word (an editable action plan) and PDF.

The content is laid out once, as a list of blocks (headings, paragraphs, tables, images),
that the Word and PDF writers both render; the Excel writer puts the same figures in
typed columns, a summary sheet plus one sheet per area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from gis.charts import MapMark, area_map, bar_chart
from gis.i18n import texts_from_file
from walks.actions.measures import PRIORITIES
from walks.actions.tertial import COUNT_TITLES, COUNTS, AreaFollowUp, Counts, as_of
from walks.core.clock import LOCAL_TIME
from walks.core.errors import WalkError
from walks.core.organisations import organisations
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.documents import TEXTS_FILE
from walks.documents.mapdata import shipped_water
from walks.fieldwork.areas import find_area

FORMATS: Final = ("xlsx", "docx", "pdf")
MIME_TYPES: Final = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "report_contents"),
}


class ReportError(WalkError):
    """A report that cannot be written: an unknown format or a file that cannot be made."""


# ------------------------------------------------------------------ blocks
@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; level 1 is the document's title."""

    text: str
    level: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table: column headings and rows of plain values (text, numbers, dates, None)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True, slots=True)
class Image:
    """A PNG picture, ``width_cm`` wide on the page."""

    png: bytes
    width_cm: float


Block = Heading | Paragraph | Table | Image


@dataclass(frozen=True, slots=True)
class Words:
    """What a report needs to name things in one language."""

    language: str
    categories: dict[str, str]
    colours: dict[str, str]
    organisations: dict[str, str]

    def t(self, key: str) -> str:
        """Return the report's text ``key`` in this language."""
        return T[key].in_language(self.language)


def words_for(workspace: Workspace, language: str) -> Words:
    """Return the names of the categories and organisations, and the texts, in ``language``."""
    specs = workspace.catalog.categories
    return Words(
        language,
        {s.name: s.title.in_language(language) for s in specs},
        {s.name: s.style.colour for s in specs},
        {o.id: o.name.in_language(language) for o in organisations(workspace.settings.data_dir)},
    )


def _count_columns(words: Words) -> tuple[str, ...]:
    return tuple(COUNT_TITLES[name].in_language(words.language) for name in COUNTS)


def _row(counts: Counts) -> tuple[int, ...]:
    return tuple(int(getattr(counts, name)) for name in COUNTS)


def _grouped_table(
    first: str, groups: dict[str, Counts], names: dict[str, str], words: Words
) -> Table:
    # In the catalog's or the organisation file's order; anything else after.
    keys = [k for k in names if k in groups] + [k for k in groups if k not in names]
    rows = tuple((names.get(key, key), *_row(groups[key])) for key in keys)
    return Table((first, *_count_columns(words)), rows)


def _figures_table(counts: Counts, words: Words) -> Table:
    rows = tuple(
        (COUNT_TITLES[name].in_language(words.language), int(getattr(counts, name)))
        for name in COUNTS
    )
    return Table((words.t("figure"), words.t("count")), rows)


def measure_rows(
    follow_up: AreaFollowUp, words: Words, now: datetime
) -> list[tuple[int, str, str, str, date | None, str, bool, str, date]]:
    """Return the area's measures as typed rows (number, title, …, created), by number.

    Status and overdue are as at the tertial's end (``walks.actions.tertial.as_of``).
    """
    moment, day = as_of(follow_up.tertial, now)
    rows = []
    for line in sorted(follow_up.measures, key=lambda m: m.measure.number):
        m = line.measure
        status = line.status_at(moment) or m.status
        overdue = line.overdue(moment, day)
        rows.append(
            (
                m.number,
                m.title,
                words.organisations.get(m.responsible, m.responsible),
                words.t(f"priority_{m.priority}") if m.priority in PRIORITIES else m.priority,
                m.deadline,
                status.label.in_language(words.language),
                overdue,
                ", ".join(map(str, m.observations)),
                m.created_at.astimezone(LOCAL_TIME).date(),
            )
        )
    return rows


def measure_columns(words: Words) -> tuple[str, ...]:
    """Return the headings of ``measure_rows``' columns."""
    keys = ("number", "measure", "responsible", "priority", "deadline", "status", "overdue",
            "observations", "created")  # fmt: skip
    return tuple(words.t(key) for key in keys)


def _trend_chart(follow_up: AreaFollowUp, words: Words) -> bytes:
    groups = [t.label(words.language) for t, _ in follow_up.trend]
    shown = ("registered", "decided", "done", "overdue")
    series = [
        (COUNT_TITLES[name].in_language(words.language),
         [int(getattr(c, name)) for _, c in follow_up.trend])
        for name in shown
    ]  # fmt: skip
    return bar_chart(groups, series, title=f"{words.t('trend')}: {follow_up.name}")


def _map(workspace: Workspace, follow_up: AreaFollowUp, words: Words) -> bytes:
    area = find_area(workspace, follow_up.slug)
    covered = {n for line in follow_up.measures for n in line.measure.observations}
    shown = [
        o for o in follow_up.observations
        if o.number in covered or follow_up.tertial.contains(o.observed_at)
    ]  # fmt: skip
    marks = [MapMark(o.x, o.y, o.number, words.colours.get(o.category, "#777777")) for o in shown]
    water = shipped_water(workspace.settings.data_dir)
    return area_map(area.boundary, marks, water=water)


def _area_blocks(
    workspace: Workspace, follow_up: AreaFollowUp, words: Words, now: datetime, *, part: bool
) -> list[Block]:
    """Return an area's map and measures, as a part of the district's report or alone."""
    blocks: list[Block] = []
    level = 3 if part else 2
    if part:
        blocks += [Heading(follow_up.name, 2), _figures_table(follow_up.counts, words)]
    blocks += [
        Heading(words.t("map"), level),
        Image(_map(workspace, follow_up, words), 16),
        Paragraph(words.t("map_caption")),
        Heading(words.t("measures"), level),
    ]
    rows = measure_rows(follow_up, words, now)
    if not rows:
        blocks.append(Paragraph(words.t("no_measures")))
        return blocks
    overdue = words.t("yes")
    blocks.append(
        Table(
            measure_columns(words)[:-1],
            tuple((*r[:6], overdue if r[6] else "", r[7]) for r in rows),
        )
    )
    return blocks


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def report_blocks(
    workspace: Workspace, follow_up: AreaFollowUp, language: str, *, now: datetime
) -> list[Block]:
    """Return the report's content: the summary, then each area (or the one area)."""
    words = words_for(workspace, language)
    tertial = follow_up.tertial
    last = date.fromordinal(tertial.end_day.toordinal() - 1).isoformat()
    moment, _ = as_of(tertial, now)
    at = f"{last} 24:00" if moment == tertial.end else _local(moment)
    period = T["period"].format(first=tertial.first_day.isoformat(), last=last, at=at,
                                made=_local(now)).in_language(language)  # fmt: skip
    title = T["title"].format(tertial=tertial.label(language), name=follow_up.name)
    trend_rows = tuple((t.label(language), *_row(c)) for t, c in follow_up.trend)
    blocks: list[Block] = [
        Heading(title.in_language(language), 1),
        Paragraph(period),
        Heading(words.t("figures"), 2),
        _figures_table(follow_up.counts, words),
        Heading(words.t("trend"), 2),
        Image(_trend_chart(follow_up, words), 16),
        Table((words.t("tertial"), *_count_columns(words)), trend_rows),
    ]  # fmt: skip
    if follow_up.areas:
        rows = tuple((a.name, *_row(a.counts)) for a in follow_up.areas)
        blocks += [Heading(words.t("by_area"), 2),
                   Table((words.t("area"), *_count_columns(words)), rows)]  # fmt: skip
    blocks += [
        Heading(words.t("by_category"), 2),
        _grouped_table(words.t("category"), follow_up.by_category, words.categories, words),
        Heading(words.t("by_organisation"), 2),
        _grouped_table(
            words.t("organisation"), follow_up.by_organisation, words.organisations, words
        ),
    ]
    if not follow_up.areas:
        return blocks + _area_blocks(workspace, follow_up, words, now, part=False)
    for area in follow_up.areas:
        if area.measures or area.counts.registered:
            blocks += _area_blocks(workspace, area, words, now, part=True)
    return blocks
