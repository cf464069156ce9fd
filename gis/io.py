"""Reading vector files into GeoDataFrames in SWEREF 99 TM, with clear errors for bad files."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import shapely

from gis.crs import SWEREF99_TM, crs_from_user_input, infer_crs
from gis.errors import MissingCRSError, UnreadableFileError, VectorFileError
from gis.i18n import Text

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

MAX_VECTOR_FILE_BYTES = 200 * 1024 * 1024
XML_SUFFIXES: Final = (".kml", ".gpx", ".gml", ".xml")
"""Files read as XML: refused when they declare a DTD (entity bombs, external entities)."""
INFERRED_CRS: Final = "inferred_crs"
"""The key of a read frame's ``attrs`` naming the CRS inferred from its values (else None)."""


def read_file_bytes(path: Path, *, at_most: int | None = None) -> bytes:
    """Return the bytes of ``path`` (the first ``at_most`` if given: a size check's read).

    Raises
    ------
    UnreadableFileError
        The file is missing, a folder, or cannot be read; the message names it and why.
    """
    try:
        with path.open("rb") as file:
            return file.read(-1 if at_most is None else at_most)
    except OSError as error:
        raise UnreadableFileError(path=str(path), reason=error.strerror or str(error)) from None


def refuse_hostile_xml(path: Path) -> None:
    """Refuse an XML file that declares a DTD (entities that grow a billion-fold or read files).

    Geodata never needs one; only the head of the file is read.

    Raises
    ------
    VectorFileError
        The file declares a DTD, or is no XML at all.
    """
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        for _ in ElementTree.iterparse(path, events=("start",), forbid_dtd=True):
            return  # the root element: any DTD came before it
    except DefusedXmlException:
        raise VectorFileError(
            Text(
                sv=f"{path.name} deklarerar en DTD med entiteter (<!DOCTYPE …>), som kan läsa "
                "andra filer eller växa utan gräns; filen läses inte. Spara den utan DOCTYPE.",
                en=f"{path.name} declares a DTD with entities (<!DOCTYPE …>), which can read "
                "other files or grow without bound; the file is not read. Save it without the "
                "DOCTYPE.",
            )
        ) from None
    except ElementTree.ParseError as error:
        raise VectorFileError(
            Text(
                sv=f"{path.name} är ingen läsbar XML-fil ({error}).",
                en=f"{path.name} is not a readable XML file ({error}).",
            )
        ) from None


def read_vector_file(
    path: Path,
    *,
    crs: str | None = None,
    expected_extent: BaseGeometry | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector file (GeoPackage, GeoJSON, Shapefile, …) and return it in EPSG:3006.

    A file that states no CRS, where none is given, has one inferred from its values
    when only one fits; the frame's ``attrs[INFERRED_CRS]`` then names it.

    Parameters
    ----------
    path
        The file to read; the format is taken from its content by GDAL.
    crs
        The CRS of the coordinates when the file does not state one (overrides nothing
        the file states itself).
    expected_extent
        A SWEREF 99 TM polygon where the data should lie; used to infer a missing CRS
        among WGS 84, SWEREF 99 TM and SWEREF 99 18 00.
    layer
        Layer name for multi-layer files; the first layer otherwise.

    Raises
    ------
    VectorFileError
        The file is missing, too large, unreadable, or has no geometry.
    MissingCRSError
        The file has no CRS, none was given and it cannot be inferred.
    UnknownCRSError
        ``crs`` is not a CRS pyproj knows.
    """
    import pyogrio

    if path.is_dir():
        raise VectorFileError(
            Text(
                sv=f"{path} är en mapp; ange en fil (t.ex. .gpkg, .geojson eller .shp).",
                en=f"{path} is a folder; give a file (e.g. .gpkg, .geojson or .shp).",
            )
        )
    if not path.is_file():
        raise VectorFileError(
            Text(sv=f"Filen {path} finns inte.", en=f"The file {path} does not exist.")
        )
    size = path.stat().st_size
    if size > MAX_VECTOR_FILE_BYTES:
        raise VectorFileError(
            Text(
                sv=f"Filen {path} är för stor ({size // 1_000_000} MB; högst "
                f"{MAX_VECTOR_FILE_BYTES // 1_000_000} MB).",
                en=f"The file {path} is too large ({size // 1_000_000} MB; at most "
                f"{MAX_VECTOR_FILE_BYTES // 1_000_000} MB).",
            )
        )
    if path.suffix.lower() in XML_SUFFIXES:
        refuse_hostile_xml(path)
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise VectorFileError(
            Text(
                sv=f"Filen {path} kunde inte läsas som vektordata: {error}",
                en=f"The file {path} could not be read as vector data: {error}",
            )
        ) from None
    if "geometry" not in frame or frame.geometry.isna().all():
        raise VectorFileError(
            Text(sv=f"Filen {path} har ingen geometri.", en=f"The file {path} has no geometry.")
        )
    if frame.crs is None:
        source = crs_from_user_input(crs).to_string() if crs else None
        inferred = None
        if source is None and expected_extent is not None:
            source = inferred = infer_crs(
                tuple(frame.total_bounds), expected_extent=expected_extent
            )
            if source is not None:
                log.info("inferred CRS %s for %s from its coordinates", source, path)
        if source is None:
            raise MissingCRSError(path=str(path))
        frame = frame.set_crs(source)
    else:
        inferred = None
    stated = frame.crs.to_string()
    frame = frame.to_crs(SWEREF99_TM)
    frame.attrs[INFERRED_CRS] = inferred
    if not np.isfinite(shapely.get_coordinates(frame.geometry.to_numpy())).all():
        raise VectorFileError(
            Text(
                sv=f"Koordinaterna i {path} passar inte filens koordinatsystem ({stated}). "
                "Kontrollera vilket system filen är sparad i och ange det, t.ex. i QGIS.",
                en=f"The coordinates in {path} do not fit the file's coordinate reference system "
                f"({stated}). Check which system the file was saved in and set it, e.g. in QGIS.",
            )
        )
    return frame
