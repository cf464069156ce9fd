"""The feature service's JSON documents: landing page, conformance, collections, OpenAPI.

Links are absolute, made from the address the request came to (behind a reverse proxy
that sets ``X-Forwarded-Proto``, an https address stays https). Titles and descriptions
are in the caller's language.
"""

from __future__ import annotations

from typing import Any, Final

from gis.crs import SWEREF99_TM, WGS84, bounds_to_crs
from gis.i18n import Text
from walks.exchange.collections import Collection
from walks.web.ogc.params import CRS84, DEFAULT_LIMIT, EPSG_3006, MAX_LIMIT, SERVED_CRS

JSON: Final = "application/json"
GEOJSON: Final = "application/geo+json"
OPENAPI: Final = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE: Final = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)
"""What the service conforms to: Part 1 Core with GeoJSON and an OpenAPI 3.0 description,
Part 2 (coordinate systems by reference)."""
TITLE: Final = Text(
    sv="safewalk: trygghetsvandringarnas lager", en="safewalk: the safety walks' layers"
)
DESCRIPTION: Final = Text(
    sv="Iakttagelser från trygghetsvandringar och trygghetsinventeringar, ett lager per område "
    "och kategori, med vandringar och områdesgränser. Koordinater i WGS 84 (CRS84) eller "
    "SWEREF 99 TM (EPSG:3006).",
    en="Observations from safety walks and safety inventories, one layer per area and "
    "category, with walks and area boundaries. Coordinates in WGS 84 (CRS84) or SWEREF 99 TM "
    "(EPSG:3006).",
)
THIS_PAGE: Final = Text(sv="Den här sidan", en="This document")
API_TITLE: Final = Text(sv="Tjänstens beskrivning (OpenAPI 3.0)",
                        en="The service's definition (OpenAPI 3.0)")  # fmt: skip
CONFORMANCE_TITLE: Final = Text(sv="Standarder tjänsten följer",
                                en="Standards the service conforms to")  # fmt: skip
DATA_TITLE: Final = Text(sv="Lagren (samlingarna)", en="The layers (collections)")
ITEMS_TITLE: Final = Text(sv="Objekten", en="The features")
COLLECTION_TITLE: Final = Text(sv="Samlingen", en="The collection")
NEXT_TITLE: Final = Text(sv="Nästa sida", en="The next page")


def link(href: str, rel: str, kind: str, title: str | None = None) -> dict[str, str]:
    """Return one link of a document."""
    made = {"href": href, "rel": rel, "type": kind}
    if title is not None:
        made["title"] = title
    return made


def landing_page(base: str, language: str) -> dict[str, Any]:
    """Return the landing page (``/ogc/``); ``base`` is the service's address, ending in /."""
    return {
        "title": TITLE.in_language(language),
        "description": DESCRIPTION.in_language(language),
        "links": [
            link(base, "self", JSON, THIS_PAGE.in_language(language)),
            link(f"{base}openapi", "service-desc", OPENAPI, API_TITLE.in_language(language)),
            link(
                f"{base}conformance", "conformance", JSON, CONFORMANCE_TITLE.in_language(language)
            ),
            link(f"{base}collections", "data", JSON, DATA_TITLE.in_language(language)),
        ],
    }


def conformance() -> dict[str, Any]:
    """Return the conformance declaration (``/ogc/conformance``)."""
    return {"conformsTo": list(CONFORMANCE)}


def crs84_bounds(collection: Collection, margin_m: float) -> list[float]:
    """Return a collection's extent in CRS84: its area's, ``margin_m`` wider all round.

    Observations may lie that far outside their area (``SAFEWALK_AREA_TOLERANCE_M``).
    """
    min_x, min_y, max_x, max_y = collection.area.boundary.bounds
    wider = (min_x - margin_m, min_y - margin_m, max_x + margin_m, max_y + margin_m)
    return [round(value, 7) for value in bounds_to_crs(wider, SWEREF99_TM, WGS84)]


def collection_document(
    collection: Collection, base: str, language: str, *, margin_m: float
) -> dict[str, Any]:
    """Return one collection's description (``/ogc/collections/{id}``)."""
    here = f"{base}collections/{collection.id}"
    return {
        "id": collection.id,
        "title": collection.title.in_language(language),
        "description": collection.description.in_language(language),
        "itemType": "feature",
        "extent": {"spatial": {"bbox": [crs84_bounds(collection, margin_m)], "crs": CRS84}},
        "crs": list(SERVED_CRS),
        "storageCrs": EPSG_3006,
        "links": [
            link(here, "self", JSON, collection.title.in_language(language)),
            link(f"{here}/items", "items", GEOJSON, ITEMS_TITLE.in_language(language)),
        ],
    }


def collections_document(
    collections: list[Collection], base: str, language: str, *, margin_m: float
) -> dict[str, Any]:
    """Return the list of collections (``/ogc/collections``)."""
    return {
        "links": [link(f"{base}collections", "self", JSON, DATA_TITLE.in_language(language))],
        "collections": [
            collection_document(c, base, language, margin_m=margin_m) for c in collections
        ],
        "crs": list(SERVED_CRS),
    }


def _parameter(name: str, schema: dict[str, Any], description: str, *,
               where: str = "query", required: bool = False,
               explode: bool | None = None) -> dict[str, Any]:  # fmt: skip
    made = {"name": name, "in": where, "required": required, "schema": schema,
            "description": description}  # fmt: skip
    if explode is not None:
        made.update(style="form", explode=explode)
    return made


_CRS_SCHEMA: Final = {"type": "string", "format": "uri", "enum": list(SERVED_CRS)}
_PARAMETERS: Final[dict[str, Any]] = {
    "collectionId": _parameter("collectionId", {"type": "string"},
                               "A collection's id: <area id>__<table>.", where="path",
                               required=True),
    "featureId": _parameter("featureId", {"type": "integer", "minimum": 1},
                            "A feature's id in its collection.", where="path", required=True),
    "limit": _parameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                  "default": DEFAULT_LIMIT},
                        f"The most features in one page; more than {MAX_LIMIT} are served as "
                        f"{MAX_LIMIT}.", explode=False),
    "bbox": _parameter("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                                "items": {"type": "number"}},
                       "Features whose extent meets the box: lower corner, upper corner, in "
                       "bbox-crs (CRS84 if none: longitude, latitude; EPSG:3006: northing, "
                       "easting).", explode=False),
    "bbox-crs": _parameter("bbox-crs", _CRS_SCHEMA, "The system of bbox.", explode=False),
    "datetime": _parameter("datetime", {"type": "string"},
                           "When observed (a walk: when it starts): a time with its zone, a "
                           "day (Swedish time), or start/end with .. for an open end.",
                           explode=False),
    "crs": _parameter("crs", _CRS_SCHEMA, "The system of the coordinates answered.",
                      explode=False),
    "after": _parameter("after", {"type": "integer", "minimum": 0},
                        "The feature id a page begins after; the next links give it.",
                        explode=False),
    "f": _parameter("f", {"type": "string", "enum": ["json", "geojson"]},
                    "The format (JSON; GeoJSON for features).", explode=False),
    "lang": _parameter("lang", {"type": "string", "enum": ["sv", "en"]},
                       "The language of titles and messages (else Accept-Language).",
                       explode=False),
}  # fmt: skip


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _answer(description: str, kind: str = JSON) -> dict[str, Any]:
    return {"description": description,
            "content": {kind: {"schema": {"type": "object"}}}}  # fmt: skip


_REFUSALS: Final = {
    "400": _answer("A parameter that cannot be used: its name and what a right value is."),
    "401": _answer("A login is needed (HTTP Basic, or a login's bearer token)."),
    "404": _answer("No such collection or feature (for this account)."),
}


def _get(summary: str, operation: str, parameters: list[str], answer: dict[str, Any],
         *, tags: list[str]) -> dict[str, Any]:  # fmt: skip
    return {"get": {
        "summary": summary, "operationId": operation, "tags": tags,
        "parameters": [_ref(name) for name in [*parameters, "f", "lang"]],
        "responses": {"200": answer, **_REFUSALS},
    }}  # fmt: skip


def openapi_document(base: str) -> dict[str, Any]:
    """Return the service's OpenAPI 3.0 description (``/ogc/openapi``)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": TITLE.en, "version": "1.0.0", "description": DESCRIPTION.en},
        "servers": [{"url": base.rstrip("/")}],
        "security": [{"basic": []}, {"bearer": []}],
        "tags": [{"name": "Capabilities"}, {"name": "Data"}],
        "paths": {
            "/": _get("Landing page", "getLandingPage", [], _answer("The landing page."),
                      tags=["Capabilities"]),
            "/conformance": _get("Conformance", "getConformanceDeclaration", [],
                                 _answer("The conformance classes."), tags=["Capabilities"]),
            "/collections": _get("Collections", "getCollections", [],
                                 _answer("The collections the account may see."),
                                 tags=["Capabilities"]),
            "/collections/{collectionId}": _get(
                "A collection", "describeCollection", ["collectionId"],
                _answer("The collection."), tags=["Capabilities"]),
            "/collections/{collectionId}/items": _get(
                "A page of features", "getFeatures",
                ["collectionId", "limit", "bbox", "bbox-crs", "datetime", "crs", "after"],
                _answer("A GeoJSON FeatureCollection, with numberMatched, numberReturned "
                        "and a next link when there is more.", GEOJSON), tags=["Data"]),
            "/collections/{collectionId}/items/{featureId}": _get(
                "A feature", "getFeature", ["collectionId", "featureId", "crs"],
                _answer("A GeoJSON Feature.", GEOJSON), tags=["Data"]),
        },
        "components": {
            "parameters": _PARAMETERS,
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }  # fmt: skip
