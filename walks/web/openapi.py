"""The OpenAPI 3.1 document of the HTTP API, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any, Final

_TITLES: Final = {"type": "object", "properties": {"sv": {"type": "string"},
                                                   "en": {"type": "string"}}}  # fmt: skip
_REFUSAL: Final = {
    "description": "Refused: the message in the caller's language (Accept-Language: sv, en), "
    "and the field it is about.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}},
}
_LOGIN: Final = {"description": "A login is needed (the workspace has accounts).",
                 "content": _REFUSAL["content"]}  # fmt: skip
_FORBIDDEN: Final = {"description": "The account's role may not do this, or a write with the "
                     "cookie lacks X-CSRF-Token.", "content": _REFUSAL["content"]}  # fmt: skip
_TOO_LARGE: Final = {"description": "The body is larger than allowed (JSON: 64 kB; photos: "
                     "SAFEWALK_MAX_PHOTO_MB); refused before it is read.",
                     "content": _REFUSAL["content"]}  # fmt: skip
_AWAY: Final = {"description": "The database does not answer; nothing was stored. Send again "
                "later.", "content": _REFUSAL["content"]}  # fmt: skip


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_REPORT_ID: Final = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                      "description": "The report's short id (or its uuid)"}  # fmt: skip
_OBSERVATION: Final = {"name": "uuid", "in": "path", "required": True,
                       "schema": {"type": "string", "format": "uuid"}}  # fmt: skip
_BOX: Final = {"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4,
               "description": "[x, y, width, height] in the photo's pixels"}  # fmt: skip
_SCHEMAS: Final[dict[str, Any]] = {
    "Report": {
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "uuid": {"type": "string", "format": "uuid"},
            "area": {"type": "string"}, "category": {"type": "string"},
            "description": {"type": "string"},
            "email": {"type": ["string", "null"], "description": "Kept until it is handled"},
            "status": {"enum": ["new", "accepted", "rejected"]},
            "received_at": {"type": "string", "format": "date-time"},
            "handled_at": {"type": ["string", "null"], "format": "date-time"},
            "handled_by": {"type": ["string", "null"]}, "reason": {"type": ["string", "null"]},
            "observation_uuid": {"type": ["string", "null"]},
            "lon": {"type": "number"}, "lat": {"type": "number"}, "photos": {"type": "integer"},
        },
    },
    "CityRequest": {
        "type": "object",
        "description": "An observation's service request to the city's fault-report system "
        "(Open311 GeoReport v2): sent (with the city's id or token), waiting, or failed (why, "
        "in the server's words), and the city's status once fetched.",
        "properties": {
            "area": {"type": "string"}, "number": {"type": ["integer", "null"]},
            "uuid": {"type": "string", "format": "uuid"}, "category": {"type": "string"},
            "service_code": {"type": "string"},
            "state": {"enum": ["waiting", "failed", "sent"]},
            "attempts": {"type": "integer"},
            "next_attempt": {"type": ["string", "null"], "format": "date-time"},
            "problem": {"type": ["string", "null"], "enum": [
                "refused", "server_error", "timeout", "unreachable", "bad_answer", None]},
            "error": {"type": ["string", "null"]}, "message": {"type": ["string", "null"]},
            "service_request_id": {"type": ["string", "null"]},
            "token": {"type": ["string", "null"]},
            "sent_at": {"type": ["string", "null"], "format": "date-time"},
            "status": {"type": ["string", "null"]},
            "status_notes": {"type": ["string", "null"]},
            "status_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "Refusal": {
        "type": "object", "required": ["error", "field"],
        "properties": {"error": {"type": "string"}, "field": {"type": ["string", "null"]}},
    },
    "Account": {"type": "object", "properties": {"name": {"type": "string"},
                                                 "role": {"type": "string"}}},
    "Catalog": {
        "type": "object",
        "properties": {
            "categories": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"}, "title": _TITLES, "description": _TITLES,
                    "geometries": {"type": "array",
                                   "items": {"enum": ["point", "line", "area"]}},
                    "severity": {"type": ["object", "null"]},
                    "fields": {"type": "array", "items": {"type": "object"}},
                },
            }},
            "settings": {"type": "object"},
        },
    },
    "Observation": {
        "type": "object", "required": ["uuid", "category"],
        "properties": {
            "uuid": {"type": "string", "format": "uuid",
                     "description": "Made by the phone when the observation is saved; sent "
                     "again unchanged until an answer arrives."},
            "category": {"type": "string"},
            "lon": {"type": "number"}, "lat": {"type": "number"},
            "accuracy_m": {"type": "number", "minimum": 0},
            "taken_at": {"type": "string", "format": "date-time",
                         "description": "When it was saved on the phone, with its offset: the "
                         "light condition is that moment's."},
            "area": {"type": "string", "description": "Optional: found from the position."},
            "walk": {"type": ["integer", "string"], "description": "The walk's number."},
            "severity": {"type": "integer"}, "description": {"type": "string"},
            "fields": {"type": "object"},
            "geometry": {"type": "object",
                         "description": "GeoJSON, WGS 84: a line or an area, not lon/lat."},
        },
    },
    "Stored": {
        "type": "object",
        "properties": {
            "uuid": {"type": "string"}, "number": {"type": "integer"},
            "area": {"type": "string"}, "category": {"type": "string"},
            "light_condition": {"enum": ["daylight", "dusk", "dark"]},
            "observed_at": {"type": "string", "format": "date-time"},
            "duplicates": {"type": "array", "items": {"type": "object", "properties": {
                "number": {"type": "integer"}, "distance_m": {"type": "number"}}}},
            "warnings": {"type": "array", "items": {"type": "string"}},
        },
    },
    "FeatureCollection": {"type": "object", "description": "GeoJSON (RFC 7946), WGS 84."},
}  # fmt: skip


def openapi_document() -> dict[str, Any]:
    """Return the API's OpenAPI 3.1 description."""
    area = {"name": "area", "in": "query", "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "safewalk API", "version": "1",
            "description": "Field capture for safety walks: what a phone needs, and observations "
            "sent from it. Without accounts in the workspace every call is open; with them, log "
            "in (cookie or bearer token) and the account's role decides.",
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "cookie": {"type": "apiKey", "in": "cookie", "name": "safewalk_session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{}, {"cookie": []}, {"bearer": []}],
        "paths": {
            "/api/v1/session": {"get": {
                "summary": "Whether a login is needed, and who is logged in",
                "responses": {"200": _json({"type": "object"}, "The session")},
            }},
            "/api/v1/login": {"post": {
                "summary": "Log in: a session cookie (HttpOnly, SameSite=Strict) and a token",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["name", "password"],
                    "properties": {"name": {"type": "string"}, "password": {"type": "string"}},
                }}}},
                "responses": {"200": _json({"type": "object", "properties": {
                    "account": _ref("Account"), "token": {"type": "string"},
                    "csrf": {"type": "string", "description": "Send as X-CSRF-Token on writes "
                             "made with the cookie."},
                    "expires_at": {"type": "string", "format": "date-time"}}}, "Logged in"),
                    "401": _LOGIN, "413": _TOO_LARGE},
            }},
            "/api/v1/logout": {"post": {"summary": "Log out (forget the cookie)",
                                        "responses": {"204": {"description": "Logged out"}}}},
            "/api/v1/catalog": {"get": {
                "summary": "The categories the caller may register, their fields and values",
                "responses": {"200": _json(_ref("Catalog"), "The catalog"), "401": _LOGIN},
            }},
            "/api/v1/areas": {"get": {
                "summary": "The areas, as GeoJSON in WGS 84 (slug, name)",
                "responses": {"200": _json(_ref("FeatureCollection"), "The areas"),
                              "401": _LOGIN},
            }},
            "/api/v1/walks": {"get": {
                "summary": "The walks of an area (or of every area)", "parameters": [area],
                "responses": {"200": _json({"type": "object"}, "The walks"), "401": _LOGIN,
                              "422": _REFUSAL},
            }},
            "/api/v1/observations": {
                "get": {
                    "summary": "An area's observations the caller may see, as GeoJSON",
                    "parameters": [{**area, "required": True},
                                   {"name": "since", "in": "query",
                                    "schema": {"type": "string", "format": "date-time"}}],
                    "responses": {"200": _json(_ref("FeatureCollection"), "Observations"),
                                  "401": _LOGIN, "422": _REFUSAL},
                },
                "post": {
                    "summary": "Store an observation (once per uuid)",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": _ref("Observation")}}},
                    "responses": {
                        "201": _json(_ref("Stored"), "Stored"),
                        "200": _json(_ref("Stored"), "Stored before: the same answer again"),
                        "401": _LOGIN, "403": _FORBIDDEN, "413": _TOO_LARGE,
                        "422": _REFUSAL, "503": _AWAY,
                    },
                },
            },
            "/api/v1/observations/{uuid}/photos": {"post": {
                "summary": "Add one photo to a stored observation (once per photo uuid)",
                "parameters": [{"name": "uuid", "in": "path", "required": True,
                                "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["photo"], "properties": {
                        "photo": {"type": "string", "format": "binary"},
                        "uuid": {"type": "string", "format": "uuid"},
                        "area": {"type": "string"}}}}}},
                "responses": {
                    "201": _json({"type": "object"}, "Stored, without its EXIF metadata"),
                    "200": _json({"type": "object"}, "Stored before"),
                    "401": _LOGIN, "403": _FORBIDDEN, "404": _REFUSAL, "413": _TOO_LARGE,
                    "422": _REFUSAL, "503": _AWAY,
                },
            }},
            "/api/v1/observations/{uuid}/photos/suggestions": {"get": {
                "summary": "Faces and licence plates found in an observation's photos, as boxes "
                "in each photo's pixels to black out (found by OpenCV's cascades: look too)",
                "parameters": [_OBSERVATION],
                "responses": {
                    "200": _json({"type": "object", "properties": {
                        "observation": {"type": "string"}, "area": {"type": "string"},
                        "photos": {"type": "array", "items": {"type": "object", "properties": {
                            "photo": {"type": "integer"}, "uuid": {"type": "string"},
                            "width": {"type": "integer"}, "height": {"type": "integer"},
                            "boxes": {"type": "array", "items": {"type": "object", "properties": {
                                "kind": {"enum": ["face", "plate"]}, "box": _BOX}}}}}}}},
                        "The boxes found, per photo"),
                    "401": _LOGIN, "403": _FORBIDDEN, "404": _REFUSAL, "503": _AWAY,
                },
            }},
            "/api/v1/observations/{uuid}/photos/{photo}/redact": {"post": {
                "summary": "Black out boxes of photo 1, 2, … of an observation, for good "
                "(coordinators): the photo and its thumbnail are replaced, no original kept",
                "parameters": [_OBSERVATION, {"name": "photo", "in": "path", "required": True,
                                              "schema": {"type": "integer", "minimum": 1}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["boxes"], "properties": {
                        "boxes": {"type": "array", "minItems": 1, "items": _BOX}}}}}},
                "responses": {
                    "200": _json({"type": "object"}, "Blacked out: the photo and the boxes"),
                    "401": _LOGIN, "403": _FORBIDDEN, "404": _REFUSAL, "413": _TOO_LARGE,
                    "422": _REFUSAL, "503": _AWAY,
                },
            }},
            "/api/v1/inbox": {"get": {
                "summary": "Residents' reports (coordinators): those waiting, or by status",
                "parameters": [area, {"name": "status", "in": "query", "schema": {
                    "enum": ["new", "accepted", "rejected", "all"], "default": "new"}}],
                "responses": {
                    "200": _json({"type": "object", "properties": {
                        "reports": {"type": "array", "items": _ref("Report")}}}, "The reports"),
                    "401": _LOGIN, "403": _FORBIDDEN, "422": _REFUSAL, "503": _AWAY,
                },
            }},
            "/api/v1/inbox/{id}/accept": {"post": {
                "summary": "Make a waiting report an observation of its area (from a resident)",
                "parameters": [_REPORT_ID],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "category": {"type": "string", "description": "Default: the resident's"},
                        "fields": {"type": "object", "description": "The category's own fields "
                                   "(its required ones: the resident was not asked)"},
                        "severity": {"type": "integer"}}}}}},
                "responses": {
                    "201": _json({"type": "object", "properties": {
                        "report": {"type": "string"}, "uuid": {"type": "string"},
                        "number": {"type": "integer"}, "area": {"type": "string"},
                        "category": {"type": "string"}, "source": {"const": "resident"}}},
                        "The observation it became"),
                    "401": _LOGIN, "403": _FORBIDDEN, "404": _REFUSAL, "409": _REFUSAL,
                    "413": _TOO_LARGE, "422": _REFUSAL, "503": _AWAY,
                },
            }},
            "/api/v1/inbox/{id}/reject": {"post": {
                "summary": "Reject a waiting report, saying why (its e-mail and photos go)",
                "parameters": [_REPORT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["reason"],
                    "properties": {"reason": {"type": "string"}}}}}},
                "responses": {
                    "200": _json(_ref("Report"), "The report, rejected"),
                    "401": _LOGIN, "403": _FORBIDDEN, "404": _REFUSAL, "409": _REFUSAL,
                    "413": _TOO_LARGE, "422": _REFUSAL, "503": _AWAY,
                },
            }},
            "/api/v1/open311": {"get": {
                "summary": "What was sent to the city's fault-report system (coordinators): "
                "failed, waiting, then sent; read only",
                "parameters": [area],
                "responses": {
                    "200": _json({"type": "object", "properties": {
                        "requests": {"type": "array", "items": _ref("CityRequest")}}},
                        "The requests"),
                    "401": _LOGIN, "403": _FORBIDDEN, "422": _REFUSAL, "503": _AWAY,
                },
            }},
            "/api/v1/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
    }  # fmt: skip
