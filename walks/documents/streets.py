"""Streets, paths and buildings as the maps draw them: the reference layers, with their credits.

Both the printed and the interactive map draw an area's streets and buildings under the
observations, so that a reader can tell where a number is; the credit of each load
(its source and licence, asked for when the file was loaded) goes into the map's
attributions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from gis.crs import xy_to_wgs84
from gis.i18n import Text
from layers.schema import PATH_TYPES, reference_layer
from layers.store import Query
from layers.values import ReferenceKind
from walks.core.workspace import Workspace

STREET_KINDS: Final = (ReferenceKind.BUILDINGS, ReferenceKind.STREETS)
"""The kinds drawn on every map, in drawing order: buildings first, streets over them."""
_COLUMNS: Final = ("name", "type", "attribution", "licence")
WEB_DETAIL_M: Final = 1.0
"""Detail a web map leaves out of streets and buildings: a metre is below a pixel up to
zoom 17, and the browser gets less to draw."""


def is_path(street_type: str | None) -> bool:
    """Return whether a street of ``street_type`` (as its source names it) is a path."""
    if not street_type:
        return False
    lowered = street_type.casefold()
    return any(word in lowered for word in PATH_TYPES)


@dataclass(frozen=True, slots=True)
class StreetCredit:
    """Whom one kind of street data is credited to, and under which licence."""

    kind: ReferenceKind
    attribution: str
    licence: str | None


@dataclass(frozen=True, slots=True)
class StreetLayer:
    """Streets (lines) or buildings (polygons) of some areas, in EPSG:3006."""

    kind: ReferenceKind
    geometries: NDArray[np.object_]
    names: tuple[str, ...]
    """A feature's name, ``""`` where it has none."""
    paths: NDArray[np.bool_]
    """Which are paths (footways, cycle ways, …): drawn thinner. All False for buildings."""
    credits: tuple[StreetCredit, ...]

    def __len__(self) -> int:
        """Return the number of features."""
        return len(self.geometries)


def street_layers(
    workspace: Workspace,
    slugs: Sequence[str],
    *,
    bbox: tuple[float, float, float, float] | None = None,
    counts: Mapping[str, Mapping[str, int]] | None = None,
) -> list[StreetLayer]:
    """Return the buildings and the streets of areas ``slugs`` (those with any), in that order.

    ``bbox`` (EPSG:3006): only the features whose extent meets it. A feature loaded for
    two neighbouring areas is returned once. ``counts``: each area's
    ``Store.feature_counts``, if the caller has them: an area without any is not read.
    """
    found = []
    for kind in STREET_KINDS:
        layer = reference_layer(kind)
        frames = [
            workspace.store.read_layer(slug, layer, Query(columns=_COLUMNS, bbox=bbox))
            for slug in slugs if counts is None or counts[slug].get(layer, 0)
        ]  # fmt: skip
        frames = [frame for frame in frames if len(frame)]
        if not frames:
            continue
        frame = frames[0]
        if len(frames) > 1:
            # A feature near two areas was loaded for each: drawn once.
            frame = pd.concat(frames, ignore_index=True)
            _, first = np.unique(shapely.to_wkb(frame.geometry.to_numpy()), return_index=True)
            frame = frame.iloc[np.sort(first)]
        found.append(_layer(kind, frame))
    return found


def street_layers_wgs84(
    workspace: Workspace, slugs: Sequence[str], *,
    counts: Mapping[str, Mapping[str, int]] | None = None,
) -> list[StreetLayer]:  # fmt: skip
    """Return ``street_layers`` of ``slugs`` in WGS 84, as light as a web map needs.

    Simplified by ``WEB_DETAIL_M`` first; a building left too small to show is dropped.
    """
    found = []
    for layer in street_layers(workspace, slugs, counts=counts):
        light = shapely.simplify(layer.geometries, WEB_DETAIL_M, preserve_topology=True)
        kept = ~shapely.is_empty(light)
        lon_lat = shapely.transform(light[kept], _to_wgs84)
        names = tuple(n for n, k in zip(layer.names, kept, strict=True) if k)
        found.append(replace(layer, geometries=lon_lat, names=names, paths=layer.paths[kept]))
    return found


def _to_wgs84(xy: NDArray[np.float64]) -> NDArray[np.float64]:
    lon, lat = xy_to_wgs84(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)  # None or NaN


def _layer(kind: ReferenceKind, frame: pd.DataFrame) -> StreetLayer:
    types = [_text(v) for v in frame["type"]]
    paths = np.array([kind is ReferenceKind.STREETS and is_path(t) for t in types], dtype=bool)
    credits = {
        (_text(a), _text(b) or None)
        for a, b in zip(frame["attribution"], frame["licence"], strict=True)
        if _text(a)
    }
    return StreetLayer(
        kind,
        np.asarray(frame.geometry.to_numpy(), dtype=object),
        tuple(_text(name) for name in frame["name"]),
        paths,
        tuple(StreetCredit(kind, a, b) for a, b in sorted(credits, key=str)),
    )


def credit_texts(layers: Sequence[StreetLayer], language: str) -> list[str]:
    """Return the credits of ``layers`` as the maps print them, one line per credit.

    ``Gator och vägar: © OpenStreetMap contributors, ODbL``; kinds credited alike share a
    line (``Byggnader samt gator och vägar: …``).
    """
    by_credit: dict[tuple[str, str | None], list[ReferenceKind]] = {}
    for layer in layers:
        for credit in layer.credits:
            by_credit.setdefault((credit.attribution, credit.licence), []).append(layer.kind)
    lines = []
    for (attribution, licence), kinds in by_credit.items():
        titles = [kind.label.in_language(language) for kind in kinds]
        named = _AND.in_language(language).join([titles[0], *(t.lower() for t in titles[1:])])
        lines.append(f"{named}: {attribution}" + (f", {licence}" if licence else ""))
    return lines


_AND: Final = Text(sv=" samt ", en=" and ")
