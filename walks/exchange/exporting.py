"""Exporting observations: GeoPackage, GeoJSON, CSV, Excel, KML and zipped Shapefile.

Every format carries each observation's area, category, number, UUID, status, severity,
description, times, light and the category's own fields. GeoPackage is the area itself
(every layer, QGIS styles, photos, the change log: ``Store.export_area``); the others hold
the observations of the chosen layers, in WGS 84 (Shapefile: SWEREF 99 TM, as the
district's GIS uses it), and no photos unless asked (``photos``): photos show people and
cars, and a spreadsheet travels far. Asked, each photo is written as a JPEG file, in a
folder beside the file (inside the zip for Shapefiles), and each observation's ``photos``
column names its files.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from gis.crs import SWEREF99_TM, WGS84
from gis.i18n import Text
from gis.sheets import write_xlsx_sheets
from walks.core.clock import LOCAL_TIME
from walks.core.errors import WalkError
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

FORMATS: Final = ("gpkg", "geojson", "csv", "xlsx", "kml", "shp")
SUFFIXES: Final = {
    ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson", ".csv": "csv",
    ".xlsx": "xlsx", ".kml": "kml", ".zip": "shp",
}  # fmt: skip
"""The format a file name asks for (``.zip``: zipped Shapefile, or GeoPackages with --all)."""
FIRST_COLUMNS: Final = (
    "area", "area_id", "category", "number", "uuid", "status", "severity", "description",
    "observed_at", "light_condition", "responsible", "walk_uuid", "created_at", "created_by",
    "is_demo",
)  # fmt: skip
"""The columns every observation has, first, in this order; then its category's fields."""
DROPPED: Final = ("updated_at",)
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes a cell to be a formula by (OWASP's CSV injection list)."""


PHOTO_FOLDER_SUFFIX: Final = "_photos"
"""The folder beside an exported file that holds its photos: ``<file's stem>_photos``."""
PHOTOS_COLUMN: Final = "photos"


class ExportError(WalkError):
    """An export that cannot be made as asked; nothing is written."""


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: the format, the observations, and whether photos came along."""

    format: str
    count: int
    photos: bool
    """Whether the export holds the observations' photos (a GeoPackage always does)."""
    photo_files: int = 0
    """Photos written as files (not for a GeoPackage, which holds them inside)."""
    photo_folder: Path | None = None
    """The folder of those files, beside the exported file; None: none, or inside the zip."""


def export_format(path: Path, given: str | None) -> str:
    """Return the format ``--format`` or the file's suffix asks for.

    Raises
    ------
    ExportError
        Neither names a known format.
    """
    if given is not None:
        if given not in FORMATS:
            raise ExportError(
                Text(
                    sv=f"--format {given!r}: välj {', '.join(FORMATS)}.",
                    en=f"--format {given!r}: choose {', '.join(FORMATS)}.",
                )
            )
        return given
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(SUFFIXES)
        raise ExportError(
            Text(
                sv=f"{path.name}: okänt format; välj ett filnamn som slutar på {known}, "
                "eller --format.",
                en=f"{path.name}: unknown format; choose a file name ending in {known}, or "
                "--format.",
            )
        )
    return kind


def _layers(workspace: Workspace, layers: Sequence[str] | None) -> list[str]:
    names = workspace.catalog.names
    unknown = sorted(set(layers or ()) - set(names))
    if unknown:
        raise ExportError(
            Text(
                sv=f"--layers: okänt lager {', '.join(unknown)}; lager: {', '.join(names)}.",
                en=f"--layers: unknown layer {', '.join(unknown)}; layers: {', '.join(names)}.",
            )
        )
    return [name for name in names if not layers or name in layers]


def observations_frame(
    workspace: Workspace, areas: Sequence[str], layers: Sequence[str]
) -> gpd.GeoDataFrame:
    """Return the observations of ``areas`` in ``layers`` as one frame, in EPSG:3006."""
    frames = []
    for slug in areas:
        area = find_area(workspace, slug)
        for layer in layers:
            frame = workspace.store.read_layer(area.slug, layer)
            if len(frame):
                frames.append(frame.assign(area=area.name, area_id=area.slug, category=layer))
    if not frames:
        return gpd.GeoDataFrame({c: [] for c in FIRST_COLUMNS}, geometry=[], crs=SWEREF99_TM)
    combined = pd.concat(frames, ignore_index=True)
    own = [c for c in combined.columns if c not in FIRST_COLUMNS and c not in DROPPED
           and c != "geometry"]  # fmt: skip
    return gpd.GeoDataFrame(combined[[*FIRST_COLUMNS, *own, "geometry"]], crs=SWEREF99_TM)


def _local(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with its times as Stockholm time without zone (spreadsheets' way)."""
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert(LOCAL_TIME).dt.tz_localize(None)
    return frame


def iso_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with its times as ISO 8601 text with their offset (Stockholm time)."""
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            local = frame[column].dt.tz_convert(LOCAL_TIME)
            frame[column] = [None if pd.isna(t) else t.isoformat() for t in local]
    return frame


def _positions(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return each feature's point as lon/lat and easting/northing, and lines' and areas' WKT.

    lon/lat in WGS 84, easting/northing in SWEREF 99 TM; the WKT in WGS 84.
    """
    points = shapely.point_on_surface(frame.geometry.to_numpy())
    wgs = gpd.GeoSeries(points, crs=SWEREF99_TM).to_crs(WGS84)
    shapes = frame.geometry.to_crs(WGS84)
    return pd.DataFrame({
        "lon": wgs.x.round(8), "lat": wgs.y.round(8),
        "easting": shapely.get_x(points).round(3), "northing": shapely.get_y(points).round(3),
        "wkt": [None if g.geom_type == "Point" else shapely.to_wkt(g, rounding_precision=8)
                for g in shapes],
    })  # fmt: skip


def _table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the observations as a plain table: fields, then positions."""
    return pd.concat([_local(pd.DataFrame(frame.drop(columns="geometry"))),
                      _positions(frame)], axis=1)  # fmt: skip


def write_csv(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a CSV that opens right in Swedish Excel: semicolons, decimal commas, UTF-8 BOM."""
    table = _table(frame)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(table.columns)
        for row in table.itertuples(index=False, name=None):
            writer.writerow([_csv_value(value) for value in row])


def _csv_value(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # A whole number stays whole (an integer column with gaps is float in pandas).
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    # A spreadsheet would run text starting like a formula: an apostrophe keeps it text.
    return "'" + text if text[:1] in FORMULA_STARTS else text


def write_xlsx(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write one sheet per category, typed: numbers, times (Stockholm), truth values."""
    table = _table(frame)
    sheets = {
        str(category): rows[
            [c for c in rows.columns if rows[c].notna().any() or c in FIRST_COLUMNS]
        ]
        for category, rows in table.groupby("category", sort=False)
    }
    write_xlsx_sheets(sheets or {"observations": pd.DataFrame(columns=list(FIRST_COLUMNS))}, path)


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write RFC 7946 GeoJSON in WGS 84 (8 decimals: about a millimetre)."""
    import pyogrio

    options = {"RFC7946": "YES", "COORDINATE_PRECISION": "8"}
    pyogrio.write_dataframe(iso_times(frame).to_crs(WGS84), path, driver="GeoJSON",
                            layer_options=options)  # fmt: skip


def _kml_coordinates(coords: Any) -> str:
    return " ".join(f"{x:.8f},{y:.8f}" for x, y, *_ in coords)


def _kml_geometry(geometry: BaseGeometry) -> str:
    """Return a WGS 84 geometry as KML."""
    parts = []
    for part in shapely.get_parts(geometry):
        if part.geom_type == "Point":
            parts.append(f"<Point><coordinates>{part.x:.8f},{part.y:.8f}</coordinates></Point>")
        elif part.geom_type == "LineString":
            parts.append(f"<LineString><coordinates>{_kml_coordinates(part.coords)}"
                         "</coordinates></LineString>")  # fmt: skip
        else:
            rings = [f"<outerBoundaryIs><LinearRing><coordinates>"
                     f"{_kml_coordinates(part.exterior.coords)}</coordinates></LinearRing>"
                     "</outerBoundaryIs>"]  # fmt: skip
            rings += [f"<innerBoundaryIs><LinearRing><coordinates>{_kml_coordinates(r.coords)}"
                      "</coordinates></LinearRing></innerBoundaryIs>"
                      for r in part.interiors]  # fmt: skip
            parts.append(f"<Polygon>{''.join(rings)}</Polygon>")
    if len(parts) == 1:
        return parts[0]
    return f"<MultiGeometry>{''.join(parts)}</MultiGeometry>"


def write_kml(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write KML (Google Earth, My Maps): a folder per category, placemarks named by number.

    Every field goes into the placemark's ExtendedData, escaped: text stays text.
    """
    wgs = iso_times(frame).to_crs(WGS84)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>safewalk</name>',
    ]
    columns = [c for c in wgs.columns if c != "geometry"]
    for category, rows in wgs.groupby("category", sort=False):
        out.append(f"<Folder><name>{escape(str(category))}</name>")
        for values, geometry in zip(rows[columns].itertuples(index=False, name=None),
                                    rows.geometry, strict=True):  # fmt: skip
            record = dict(zip(columns, values, strict=True))
            data = "".join(
                f'<Data name="{escape(name)}"><value>{escape(_csv_value(value))}</value></Data>'
                for name, value in record.items()
            )
            name = f"{record['number']}. {category}"
            out.append(f"<Placemark><name>{escape(name)}</name>"
                       f"<description>{escape(str(record['description'] or ''))}</description>"
                       f"<ExtendedData>{data}</ExtendedData>{_kml_geometry(geometry)}"
                       "</Placemark>")  # fmt: skip
        out.append("</Folder>")
    out.append("</Document></kml>")
    path.write_text("\n".join(out), encoding="utf-8")


def _short_names(columns: Sequence[str]) -> dict[str, str]:
    """Return Shapefile field names (at most 10 characters, unique) for ``columns``."""
    found: dict[str, str] = {}
    for column in columns:
        name, k = column[:10], 1
        while name in found.values():
            suffix = str(k)
            name, k = column[: 10 - len(suffix)] + suffix, k + 1
        found[column] = name
    return found


def write_shapefile_zip(
    frame: gpd.GeoDataFrame, path: Path, photo_folder: Path | None = None
) -> None:
    """Write a zip of Shapefiles (SWEREF 99 TM, UTF-8 with ``.cpg``).

    One per category and kind of geometry, as a Shapefile holds one kind. ``photo_folder``:
    photo files to put in the zip, in a folder of that name.
    """
    import pyogrio

    with (
        tempfile.TemporaryDirectory(prefix="safewalk-shp-") as folder,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for (category, kind), rows in frame.groupby(
            ["category", frame.geom_type.str.replace("Multi", "")], sort=False
        ):
            columns = [c for c in rows.columns if c != "geometry"]
            renamed = iso_times(rows).rename(columns=_short_names(columns))
            name = f"{category}_{str(kind).lower()}"
            pyogrio.write_dataframe(renamed, Path(folder) / f"{name}.shp", encoding="UTF-8")
            for part in sorted(Path(folder).glob(f"{name}.*")):
                archive.write(part, part.name)
        if photo_folder is not None:
            for photo in sorted(photo_folder.iterdir()):
                archive.write(photo, f"{photo_folder.name}/{photo.name}")


def write_geopackages(
    workspace: Workspace, areas: Sequence[str], layers: Sequence[str], path: Path
) -> int:
    """Write each area as its own GeoPackage (layers, styles, photos, change log).

    The file itself for one area, a zip of them for several; each file stands alone
    (``Store.export_area``), whatever store the workspace keeps its areas in. Returns
    how many observations the files hold.
    """
    with tempfile.TemporaryDirectory(prefix="safewalk-gpkg-") as folder:
        files = [Path(folder) / f"{slug}.gpkg" for slug in areas]
        count = sum(
            workspace.store.export_area(slug, file, categories=layers)
            for slug, file in zip(areas, files, strict=True)
        )
        if len(files) == 1 and path.suffix.lower() == ".gpkg":
            shutil.move(files[0], path)
            return count
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in files:
                archive.write(file, file.name)
    return count


def write_photo_files(
    workspace: Workspace, frame: gpd.GeoDataFrame, folder: Path
) -> gpd.GeoDataFrame:
    """Write the photos of the observations in ``frame`` into ``folder``, one JPEG each.

    Files are named ``<area id>-<number>-<k>.jpg``; returns ``frame`` with a ``photos``
    column naming each observation's files (``<folder>/<file>``, comma-separated), as
    seen from the exported file beside the folder.
    """
    folder.mkdir()
    held: dict[str, list[str]] = {}
    for slug, rows in frame.groupby("area_id", sort=False):
        for info in workspace.store.read_photos(str(slug), [str(u) for u in rows["uuid"]]):
            held.setdefault(info.feature_uuid, []).append(info.uuid)
    names = []
    for slug, uuid, number in zip(frame["area_id"], frame["uuid"], frame["number"], strict=True):
        files = []
        for k, photo_uuid in enumerate(held.get(str(uuid), []), start=1):
            image = workspace.store.read_photo_image(str(slug), photo_uuid)
            if image is None:  # removed meanwhile
                continue
            name = f"{slug}-{int(number)}-{k}.jpg"
            (folder / name).write_bytes(image)
            files.append(f"{folder.name}/{name}")
        names.append(", ".join(files))
    columns = [c for c in frame.columns if c != "geometry"]
    return frame.assign(**{PHOTOS_COLUMN: names})[[*columns, PHOTOS_COLUMN, "geometry"]]


def export(
    workspace: Workspace,
    path: Path,
    *,
    areas: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    format: str | None = None,
) -> tuple[str, int]:
    """Write the observations of ``areas`` (every area when None) to ``path``, no photos.

    Returns the format and how many observations were written; see ``export_observations``.
    """
    done = export_observations(workspace, path, areas=areas, layers=layers, format=format)
    return done.format, done.count


def export_observations(
    workspace: Workspace,
    path: Path,
    *,
    areas: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    format: str | None = None,
    photos: bool = False,
) -> Exported:
    """Write the observations of ``areas`` (every area when None) to ``path``.

    A GeoPackage holds the photos (it is the area itself); the other formats only with
    ``photos``: then as files in ``<stem>_photos`` beside ``path`` (a Shapefile zip: in
    the zip). The file, and the folder, are written whole or not at all.

    Raises
    ------
    ExportError
        An unknown format or layer, a GeoPackage of several areas not in a ``.zip``, or
        a photo folder that is there already.
    """
    kind = export_format(path, format)
    chosen = (
        [find_area(workspace, a).slug for a in areas]
        if areas
        else [a.slug for a in workspace.areas()]
    )
    names = _layers(workspace, layers)
    if kind == "gpkg" and len(chosen) > 1 and path.suffix.lower() != ".zip":
        raise ExportError(
            Text(
                sv="En GeoPackage-fil rymmer ett område: exportera alla till en .zip (en fil "
                "per område) eller välj --area.",
                en="A GeoPackage file holds one area: export every area to a .zip (a file per "
                "area) or choose --area.",
            )
        )
    writers: dict[str, Any] = {
        "geojson": write_geojson, "csv": write_csv, "xlsx": write_xlsx, "kml": write_kml,
    }  # fmt: skip
    beside = path.parent / f"{path.stem}{PHOTO_FOLDER_SUFFIX}"
    with_files = photos and kind != "gpkg"
    if with_files and kind != "shp" and beside.exists():
        raise ExportError(
            Text(
                sv=f"Mappen {beside} finns redan; välj ett annat filnamn eller flytta mappen.",
                en=f"The folder {beside} exists already; choose another file name or move the "
                "folder.",
            )
        )
    files, folder_made = 0, None
    try:
        # Built beside the target, then renamed: no half-written file.
        with tempfile.TemporaryDirectory(prefix=".safewalk-", dir=path.parent) as folder:
            draft = Path(folder) / path.name
            if kind == "gpkg":
                count = write_geopackages(workspace, chosen, names, draft)
            else:
                frame = observations_frame(workspace, chosen, names)
                album = Path(folder) / beside.name
                if with_files:
                    frame = write_photo_files(workspace, frame, album)
                    files = sum(1 for _ in album.iterdir())
                if kind == "shp":
                    write_shapefile_zip(frame, draft, album if with_files else None)
                else:
                    writers[kind](frame, draft)
                if with_files and kind != "shp":
                    album.replace(beside)
                    folder_made = beside
                count = len(frame)
            draft.replace(path)
    except OSError as error:
        if folder_made is not None:  # the file is not there: neither are its photos
            shutil.rmtree(folder_made, ignore_errors=True)
        raise ExportError(
            Text(
                sv=f"{path} kan inte skrivas ({error.strerror or error}).",
                en=f"{path} cannot be written ({error.strerror or error}).",
            )
        ) from None
    return Exported(kind, count, photos=kind == "gpkg" or photos, photo_files=files,
                    photo_folder=folder_made)  # fmt: skip
