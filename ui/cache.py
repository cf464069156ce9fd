"""Cached loaders: every read from the workspace, cached per data version.

All Streamlit sessions run in one process and share these caches. Each loader takes
``ui.session.current()``'s key as an argument, so the next read in any session after a
write (through the app, or from outside it) misses the cache and reads the store again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path

import streamlit as st

from gis.detection import Finding
from gis.qrcodes import qr_png
from ui.session import current, workspace
from walks.actions.measures import HistoryEntry, Measure, area_measures, measure_history
from walks.actions.public import PublicMeasure
from walks.actions.public import public_measures as list_public_measures
from walks.actions.routing import Route, route_observations
from walks.actions.tertial import AreaFollowUp, Tertial, follow_up
from walks.core.clock import stockholm_today
from walks.core.model import Area, AreaSummary, Observation, PhotoInfo, Walk
from walks.core.organisations import MeasureTemplate, Organisation, measure_templates
from walks.core.organisations import organisations as list_organisations
from walks.core.workspace import Workspace
from walks.documents.areasmap import (
    AnalysisShapes,
    MapData,
    MarkedLayer,
    ObservationFilter,
    WalkChoice,
    analysis_shapes,
    change_layers,
    map_data,
    near_layer,
    priority_layer,
)
from walks.documents.mapdata import LocalMapData, area_map_data, walk_map_data
from walks.documents.printing import PrintOptions, first_page_png, print_area, print_atlas
from walks.documents.report_files import report_bytes
from walks.exchange.exporting import export
from walks.exchange.importing import ImportReport, import_upload, upload_unfilled_fields
from walks.exchange.importing import upload_layers as read_upload_layers
from walks.exchange.open311_requests import CityRequest, city_requests, sendable_observations
from walks.fieldwork.areas import area_summaries
from walks.fieldwork.indicators import indicator_names, indicator_values
from walks.fieldwork.planning import list_walks
from walks.fieldwork.recording import (
    find_observation,
    list_observations,
    observation_photos,
    photo_image,
    photo_thumbnails,
)
from walks.fieldwork.recording import walk_observations as read_walk_observations
from walks.fieldwork.redaction import photo_findings

_ENTRIES = 64
"""Cached results kept per loader: old versions fall out instead of piling up."""


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _areas(_workspace: Workspace, version: str) -> list[Area]:
    return _workspace.areas()


def areas() -> list[Area]:
    """Return every area, sorted by name."""
    return _areas(*current())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _summaries(_workspace: Workspace, version: str) -> list[AreaSummary]:
    return area_summaries(_workspace)


def summaries() -> list[AreaSummary]:
    """Return every area's counts."""
    return _summaries(*current())


# The map of some areas holds up to 100,000 rows: kept as it is (cache_resource), not
# copied on every read as cache_data would; nobody changes it.
@st.cache_resource(show_spinner=False, max_entries=8)
def _map_data(_workspace: Workspace, version: str, slugs: tuple[str, ...]) -> MapData:
    return map_data(_workspace, slugs)


@st.cache_resource(show_spinner=False, max_entries=16)
def _filtered_map_data(
    _workspace: Workspace, version: str, slugs: tuple[str, ...], key: str,
    _observation_filter: ObservationFilter,
) -> MapData:  # fmt: skip
    return _map_data(_workspace, version, slugs).filtered(_observation_filter)


def map_data_of(slugs: list[str], observation_filter: ObservationFilter | None = None) -> MapData:
    """Return what the map of areas ``slugs`` shows, with ``observation_filter`` applied."""
    if observation_filter is None:
        return _map_data(*current(), tuple(slugs))
    return _filtered_map_data(*current(), tuple(slugs), observation_filter.key(),
                              observation_filter)  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=8)
def _analyses(
    _workspace: Workspace, version: str, slugs: tuple[str, ...], language: str
) -> AnalysisShapes:
    return analysis_shapes(_workspace, slugs, language)


def analyses(slugs: list[str], language: str) -> AnalysisShapes:
    """Return the hotspots and dark stretches of areas ``slugs`` (default settings)."""
    return _analyses(*current(), tuple(slugs), language)


@st.cache_resource(show_spinner=False, max_entries=8)
def _marked(
    _workspace: Workspace, version: str, slugs: tuple[str, ...], filter_key: str,
    _data: MapData, language: str, kind: str,
) -> MarkedLayer:  # fmt: skip
    if kind == "near":
        return near_layer(_workspace, _data, language)
    return priority_layer(_workspace, _data, language)


def marked(
    slugs: list[str], observation_filter: ObservationFilter, data: MapData, language: str,
    kind: str,
) -> MarkedLayer:  # fmt: skip
    """Return the observations of ``data`` that analysis ``kind`` (near, priority) picks out."""
    return _marked(*current(), tuple(slugs), observation_filter.key(), data, language, kind)


@st.cache_resource(show_spinner=False, max_entries=8)
def _changes(
    _workspace: Workspace, version: str, slugs: tuple[str, ...], filter_key: str,
    _data: MapData, language: str, before: str, after: str,
    _walks: tuple[WalkChoice, WalkChoice],
) -> list[MarkedLayer]:  # fmt: skip
    return change_layers(_workspace, _data, *_walks, language)


def changes(
    slugs: list[str], observation_filter: ObservationFilter, data: MapData, language: str,
    before: WalkChoice, after: WalkChoice,
) -> list[MarkedLayer]:  # fmt: skip
    """Return what was resolved, persists and is new between walks ``before`` and ``after``."""
    return _changes(*current(), tuple(slugs), observation_filter.key(), data, language,
                    before.uuid, after.uuid, (before, after))  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _observations(_workspace: Workspace, version: str, slug: str) -> list[Observation]:
    return list_observations(_workspace, slug)


def observations(slug: str) -> list[Observation]:
    """Return the observations of area ``slug``, by number."""
    return _observations(*current(), slug)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _measures(_workspace: Workspace, version: str, slug: str) -> list[Measure]:
    return area_measures(_workspace, slug)


def measures(slug: str) -> list[Measure]:
    """Return the measures of area ``slug``, by number."""
    return _measures(*current(), slug)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _routes(_workspace: Workspace, version: str, slug: str) -> list[Route]:
    return route_observations(_workspace, slug)


def routes(slug: str) -> list[Route]:
    """Return who is responsible for each observation of area ``slug``, and why."""
    return _routes(*current(), slug)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _open311_requests(_workspace: Workspace, version: str, slug: str) -> list[CityRequest]:
    return city_requests(_workspace, area=slug)


def open311_requests(slug: str) -> list[CityRequest]:
    """Return the area's requests to the city's fault-report system: failed, waiting, sent."""
    return _open311_requests(*current(), slug)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _open311_sendable(_workspace: Workspace, version: str, slug: str, minute: str) -> list[int]:
    return sendable_observations(_workspace, slug)


def open311_sendable(slug: str) -> list[int]:
    """Return the numbers of the area's observations a send would try now.

    Kept for a minute at most: a request's wait ends without any write.
    """
    return _open311_sendable(*current(), slug, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"))


@st.cache_data(show_spinner=False, max_entries=8)
def _follow_up(
    _workspace: Workspace, version: str, slug: str, tertial: str, day: str
) -> AreaFollowUp:
    # ``day``: a running tertial's figures (overdue, in progress) change at midnight.
    return follow_up(_workspace, slug or None, Tertial.parse(tertial))


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _report(
    _workspace: Workspace, version: str, slug: str, tertial: str, kind: str, language: str
) -> bytes:
    # One follow-up for the three files of a choice: Excel, Word and PDF.
    figures = _follow_up(_workspace, version, slug, tertial, stockholm_today().isoformat())
    return report_bytes(_workspace, figures, kind, language=language, now=datetime.now(UTC))


def report(slug: str, tertial: str, kind: str, language: str) -> bytes:
    """Return a tertial follow-up report as a file of ``kind`` (xlsx, docx or pdf).

    ``tertial`` as ``2026:3``; ``slug`` "" for every area.
    """
    return _report(*current(), slug, tertial, kind, language)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _printed(
    _workspace: Workspace, version: str, slug: str, options: PrintOptions
) -> tuple[bytes, bytes, int]:
    now = datetime.now(UTC)
    if slug:
        printed = print_area(_workspace, slug, options, now=now)
    else:
        printed = print_atlas(_workspace, options, now=now)
    return printed.pdf, first_page_png(printed.pdf), printed.pages


def printed(slug: str, options: PrintOptions) -> tuple[bytes, bytes, int]:
    """Return area ``slug``'s map ("" for the atlas) as PDF, its first page as PNG, its pages."""
    return _printed(*current(), slug, options)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _exported(
    _workspace: Workspace, version: str, slug: str, layers: tuple[str, ...], kind: str
) -> tuple[bytes, int, str]:
    suffix = {"shp": ".zip", "gpkg": ".gpkg" if slug else ".zip"}.get(kind, f".{kind}")
    name = f"safewalk-{slug or 'alla'}{suffix}"
    with tempfile.TemporaryDirectory(prefix="safewalk-download-") as folder:
        path = Path(folder) / name
        _, count = export(_workspace, path, areas=[slug] if slug else None,
                          layers=list(layers) or None, format=kind)  # fmt: skip
        return path.read_bytes(), count, name


def exported(slug: str, layers: tuple[str, ...], kind: str) -> tuple[bytes, int, str]:
    """Return area ``slug``'s observations ("" for every area) as a file of ``kind``.

    The file's bytes, how many observations it holds, and its name.
    """
    return _exported(*current(), slug, layers, kind)


@st.cache_data(show_spinner=False, max_entries=8)
def _import_preview(
    _workspace: Workspace, version: str, name: str, data: bytes, mapping: bytes | None,
    options: tuple[tuple[str, str | None], ...], fields: tuple[tuple[str, object], ...],
) -> ImportReport:  # fmt: skip
    return import_upload(_workspace, name, data, mapping=mapping, actor="app", dry_run=True,
                         fields=dict(fields), **dict(options))  # fmt: skip


def import_preview(
    name: str, data: bytes, mapping: bytes | None, *, fields: Mapping[str, object],
    **options: str | None,
) -> ImportReport:  # fmt: skip
    """Return what importing an uploaded file would do (a dry run), kept per data version.

    ``fields``: the values given to every feature that has none.
    """
    return _import_preview(*current(), name, data, mapping, tuple(sorted(options.items())),
                           tuple(sorted(fields.items())))  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=8)
def _unfilled_fields(
    _workspace: Workspace, version: str, name: str, data: bytes, mapping: bytes | None,
    category: str, layer: str | None, crs: str | None,
) -> list[str]:  # fmt: skip
    found = upload_unfilled_fields(_workspace, name, data, category=category, mapping=mapping,
                                   layer=layer, crs=crs)  # fmt: skip
    return [f.name for f in found]


def unfilled_fields(
    name: str, data: bytes, mapping: bytes | None, *, category: str, layer: str | None,
    crs: str | None = None,
) -> list[str]:  # fmt: skip
    """Return the required fields of ``category`` an uploaded file fills in no row."""
    return _unfilled_fields(*current(), name, data, mapping, category, layer, crs)


@st.cache_data(show_spinner=False, max_entries=8)
def upload_layers(name: str, data: bytes) -> list[str]:
    """Return the layers of an uploaded GeoPackage to choose from."""
    return read_upload_layers(name, data)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _history(_workspace: Workspace, version: str, slug: str, number: int) -> list[HistoryEntry]:
    return measure_history(_workspace, slug, number)


def history(slug: str, number: int) -> list[HistoryEntry]:
    """Return the changes and notes of measure ``number`` of area ``slug``, oldest first."""
    return _history(*current(), slug, number)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _public(_workspace: Workspace, version: str, slug: str) -> list[PublicMeasure]:
    return list_public_measures(_workspace, slug)


def public_measures(slug: str) -> list[PublicMeasure]:
    """Return what residents may see of area ``slug``'s measures."""
    return _public(*current(), slug)


def organisations() -> tuple[Organisation, ...]:
    """Return the analysis group's organisations (from the data file)."""
    return list_organisations(workspace().settings.data_dir)


def templates() -> dict[str, MeasureTemplate]:
    """Return the measure template of each category that has one."""
    return measure_templates(workspace().settings.data_dir)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _indicators(_workspace: Workspace, version: str) -> dict[str, dict[str, float]]:
    return {name: indicator_values(_workspace, name) for name in indicator_names(_workspace)}


def indicators() -> dict[str, dict[str, float]]:
    """Return every area indicator's latest value per area (slug), by indicator name."""
    return _indicators(*current())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _observation(
    _workspace: Workspace, version: str, slug: str, uuid: str
) -> tuple[Observation | None, list[PhotoInfo]]:
    found = find_observation(_workspace, slug, uuid)
    return found, observation_photos(_workspace, slug, uuid) if found else []


def observation(slug: str, uuid: str) -> tuple[Observation | None, list[PhotoInfo]]:
    """Return observation ``uuid`` of area ``slug`` (None if gone) and its photos."""
    return _observation(*current(), slug, uuid)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _findings(_workspace: Workspace, version: str, slug: str, number: int, k: int) -> list[Finding]:
    return photo_findings(_workspace, slug, number, photo=k)[0].findings


def findings(slug: str, number: int, k: int) -> list[Finding]:
    """Return the faces and licence plates found in photo ``k`` of observation ``number``."""
    return _findings(*current(), slug, number, k)


def forget_photos() -> None:
    """Drop every cached thumbnail and finding: after a photo is blacked out, no old copy stays.

    The next read misses the cache anyway (the version changed); this lets the old
    thumbnails, and exported files holding the old photo, go from memory now rather than
    when they fall out.
    """
    _observation.clear()
    _thumbnails.clear()
    _findings.clear()
    _exported.clear()  # a GeoPackage made for download holds the photos


def full_photo(slug: str, photo_uuid: str) -> bytes | None:
    """Return one photo at full size (read when asked for, not cached)."""
    return photo_image(workspace(), slug, photo_uuid)


# An area's map holds its streets and buildings (thousands of shapes): kept as it is
# (cache_resource), not copied on every rerun as cache_data would; nobody changes it.
@st.cache_resource(show_spinner=False, max_entries=16)
def _area_map(_workspace: Workspace, version: str, slug: str) -> LocalMapData:
    return area_map_data(_workspace, slug)


def area_map(slug: str) -> LocalMapData:
    """Return what the map of area ``slug`` shows."""
    return _area_map(*current(), slug)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _walks(_workspace: Workspace, version: str, slug: str) -> list[Walk]:
    return list_walks(_workspace, slug)


def walks(slug: str) -> list[Walk]:
    """Return the walks of area ``slug``, newest start first."""
    return _walks(*current(), slug)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _walk_observations(
    _workspace: Workspace, version: str, slug: str, walk_uuid: str
) -> list[Observation]:
    return read_walk_observations(_workspace, slug, walk_uuid)


def walk_observations(walk: Walk) -> list[Observation]:
    """Return a walk's observations in the order they were made."""
    return _walk_observations(*current(), walk.area, walk.uuid)


# A walk is keyed by its UUID: what else it holds can only change with the version. Kept as
# it is, as an area's map.
@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs={Walk: attrgetter("uuid")})
def _walk_map(_workspace: Workspace, version: str, walk: Walk) -> LocalMapData:
    observations = _walk_observations(_workspace, version, walk.area, walk.uuid)
    return walk_map_data(_workspace, walk, observations)


def walk_map(walk: Walk) -> LocalMapData:
    """Return what the map of ``walk`` shows: its area, route and observations."""
    return _walk_map(*current(), walk)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _thumbnails(
    _workspace: Workspace, version: str, slug: str, uuids: tuple[str, ...]
) -> dict[str, list[bytes]]:
    return photo_thumbnails(_workspace, slug, list(uuids))


def thumbnails(slug: str, uuids: list[str]) -> dict[str, list[bytes]]:
    """Return the photo thumbnails of features ``uuids`` of area ``slug``, per feature."""
    return _thumbnails(*current(), slug, tuple(uuids))


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def qr_code(text: str) -> bytes:
    """Return the QR code of a link as PNG (the same link gives the same picture)."""
    return qr_png(text, module_px=4)
