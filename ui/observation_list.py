"""The map page's observations as a list: the map's selection, readable without the map.

For screen readers and keyboards, as FixMyStreet offers its reports: a real HTML table with a
caption and header cells, sortable by a labelled choice; user text always escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Final

import pandas as pd
import streamlit as st

from ui import state
from ui.i18n import t
from walks.core.model import Catalog, ObservationStatus
from walks.documents.areasmap import MapData

SORT_KEYS: Final = ("number", "category", "area", "status", "severity", "date")
"""What the list sorts by; each is a column of the table."""
ORDERS: Final = ("ascending", "descending")
LISTED_AT_MOST: Final = 500
"""Rows in the table; a larger selection is said, to be narrowed down."""

_STYLE: Final = """<style>
.safewalk-list { overflow-x: auto; }
.safewalk-list table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.safewalk-list caption { text-align: left; padding: 0.25rem 0; color: #31333f; }
.safewalk-list th, .safewalk-list td { border-bottom: 1px solid #d5d7dc; padding: 0.3rem 0.5rem;
  text-align: left; vertical-align: top; }
.safewalk-list thead th { background: #f0f2f6; }
.safewalk-list td:nth-of-type(5) { white-space: nowrap; }
</style>"""


@dataclass(frozen=True, slots=True)
class ListedObservation:
    """One row of the list, as shown (plain text, escaped when drawn)."""

    number: int
    category: str
    area: str
    status: str
    severity: str
    date: str
    description: str


def listed_observations(
    data: MapData, catalog: Catalog, lang: str, *, sort: str, descending: bool
) -> list[ListedObservation]:
    """Return the observations of ``data`` as rows, sorted by ``sort`` (one of ``SORT_KEYS``).

    Ties keep the area's name and the number in order; an observation without a severity
    comes last either way.
    """
    frame = data.observations
    titles = {c.name: c.title.in_language(lang) for c in data.categories}
    names = {a.slug: a.name for a in data.areas}
    statuses = list(ObservationStatus)
    severities = pd.to_numeric(frame["severity"], errors="coerce")
    keys = pd.DataFrame({
        "number": frame["number"].astype(int),
        "category": frame["category"].map(titles).fillna(frame["category"]),
        "area": frame["area"].map(names).fillna(frame["area"]),
        "status": frame["status"].map(lambda s: statuses.index(ObservationStatus(s))),
        "severity": severities,
        "date": frame["day"],
    })  # fmt: skip
    order = keys.sort_values(
        [sort, "area", "number"], ascending=[not descending, True, True], na_position="last",
        kind="stable",
    ).index  # fmt: skip
    rows = []
    for k in order:
        row = frame.loc[k]
        spec = catalog.category(str(row["category"]))
        severity = severities.loc[k]
        rows.append(ListedObservation(
            number=int(row["number"]),
            category=str(keys.at[k, "category"]),
            area=str(keys.at[k, "area"]),
            status=ObservationStatus(row["status"]).label.in_language(lang),
            severity=spec.severity.title_of(int(severity), lang)
            if spec.severity is not None and pd.notna(severity) else "",
            date=pd.Timestamp(row["day"]).date().isoformat() if pd.notna(row["day"]) else "",
            description=str(row["description"] or ""),
        ))  # fmt: skip
    return rows


def sort_titles(lang: str) -> dict[str, str]:
    """Return the title of each sort key (each a column's heading)."""
    return {
        "number": t("number", lang), "category": t("category", lang), "area": t("area", lang),
        "status": t("status", lang), "severity": t("severity", lang), "date": t("date", lang),
    }  # fmt: skip


def table_html(rows: list[ListedObservation], caption: str, *, sort: str, descending: bool,
               lang: str) -> str:  # fmt: skip
    """Return ``rows`` as an HTML table with ``caption``; the sorted column says so (aria-sort)."""
    titles = {**sort_titles(lang), "description": t("description", lang)}
    sorted_by = f' aria-sort="{"descending" if descending else "ascending"}"'
    head = "".join(
        f'<th scope="col"{sorted_by if key == sort else ""}>{html.escape(title)}</th>'
        for key, title in titles.items()
    )
    body = "".join(
        f"<tr><th scope='row'>{row.number}</th><td>{html.escape(row.category)}</td>"
        f"<td>{html.escape(row.area)}</td><td>{html.escape(row.status)}</td>"
        f"<td>{html.escape(row.severity)}</td><td>{row.date}</td>"
        f"<td>{html.escape(row.description)}</td></tr>"
        for row in rows
    )
    # Scrolls sideways on a phone: a region the keyboard can reach and scroll (WCAG 2.1.1).
    name = html.escape(caption)
    return (
        f'<div class="safewalk-list" tabindex="0" role="region" aria-label="{name}">'
        f"<table><caption>{name}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def render(data: MapData, catalog: Catalog, lang: str) -> None:
    """Draw the list of the observations ``data`` holds, with its sort choice."""
    st.header(t("map_list_title", lang))
    titles = {**sort_titles(lang), "number": t("map_sort_number", lang)}
    left, right = st.columns(2)
    sort = left.selectbox(t("map_sort", lang), SORT_KEYS, format_func=titles.__getitem__,
                          placeholder=t("choose", lang), key=state.MAP_SORT_KEY)  # fmt: skip
    sort = sort or "number"  # a choice is always made; None only to the type checker
    orders = {o: t(f"map_order_{o}", lang) for o in ORDERS}
    order = right.radio(t("map_order", lang), ORDERS, horizontal=True,
                        format_func=orders.__getitem__, key=state.MAP_ORDER_KEY)  # fmt: skip
    descending = order == "descending"
    rows = listed_observations(data, catalog, lang, sort=sort, descending=descending)
    if not rows:
        st.info(t("map_list_empty", lang))
        return
    caption = t("map_list_caption", lang).format(
        count=len(rows), key=titles[sort].lower(), order=orders[order or "ascending"].lower()
    )
    if len(rows) > LISTED_AT_MOST:
        st.caption(t("map_list_first", lang).format(shown=LISTED_AT_MOST, count=len(rows)))
    st.html(_STYLE + table_html(rows[:LISTED_AT_MOST], caption, sort=sort,
                                descending=descending, lang=lang))  # fmt: skip
