"""The one settings object, read from the environment once and passed explicitly."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from gis.i18n import DEFAULT_LANGUAGE, LANGUAGES, Text
from walks.core.errors import ConfigError

OSM_TILES: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
REPO_ROOT: Final = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR: Final = REPO_ROOT / "data"
DEFAULT_ORGANISATION: Final = "Hässelby-Vällingby stadsdelsförvaltning"
STATEMENT_REVIEWED: Final = date(2026, 12, 6)
"""When the accessibility statement shipped with safewalk was last assessed against WCAG 2.1 AA."""


def default_workspace(environ: Mapping[str, str]) -> str:
    """Return the default workspace: ``$XDG_DATA_HOME/safewalk/workspace`` (or ~/.local/share)."""
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "safewalk" / "workspace")


def _cache_home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, frozen: every Streamlit session shares one process."""

    workspace: str
    """Where the data lives, as given: a folder of GeoPackages (or ``gpkg:///path``).
    Only ``layers.store.open_store`` interprets it."""
    database_url: str | None = None
    """A database URL (``postgresql://…``); when set it is used instead of ``workspace``."""
    catalog: Path | None = None
    """A catalog file; None means the workspace's own catalog or the shipped one."""
    language: str = DEFAULT_LANGUAGE
    data_dir: Path = DEFAULT_DATA_DIR
    area_tolerance_m: float = 50.0
    """How far outside its area's boundary a position may lie (GPS error at the edge)."""
    tiles_url: str | None = OSM_TILES
    """Background tiles of web maps; None shows only the shipped vector layers."""
    gps_accuracy_m: float = 30.0
    """GPS positions less accurate than this are flagged to the user."""
    duplicate_m: float = 15.0
    """An open observation of the same category this close to a new one may be the same."""
    max_photo_bytes: int = 20_000_000
    """The largest photo upload accepted."""
    redact_on_upload: bool = False
    """Black out the faces and licence plates found in every photo as it arrives, before
    it is stored (``SAFEWALK_REDACT_ON_UPLOAD=1``)."""
    max_import_bytes: int = 200_000_000
    """The largest file ``safewalk import`` and the Data page take."""
    seed_new_workspace: bool = True
    """Fill a workspace that has no areas with the shipped areas and the demo data."""
    district: str = "Hässelby-Vällingby"
    """The district the areas make up: the name over reports of every area."""
    print_tiles: str | None = None
    """A tile server (URL template with {z}/{x}/{y}) for printed maps' background; None:
    the shipped vector background. Choose a server whose terms allow printing."""
    print_tiles_attribution: str = "© OpenStreetMap contributors"
    tile_cache: Path = Path.home() / ".cache" / "safewalk" / "tiles"
    """Where fetched tiles are kept, so that a map prints again without the network."""
    session_hours: float = 8.0
    """How long an app login lasts (a working day) before the app asks again."""
    login_provider: str | None = None
    """The city's single sign-on: the name of a provider configured for Streamlit's
    OpenID Connect login (``st.login``) in ``.streamlit/secrets.toml``; None: passwords."""
    public_url: str = "http://localhost:8501"
    """The address people reach the app at: links and QR codes that join a walk."""
    secret_key: str | None = None
    """Signs the HTTP API's logins; None: a key of the process's own (logins then last
    only until the app restarts and hold on one instance only)."""
    organisation: str = DEFAULT_ORGANISATION
    """Who runs the service: named on the residents' pages and in the accessibility statement."""
    accessibility_contact: str | None = None
    """Where people report accessibility problems or ask for content in another form: an
    e-mail address or an https address of a contact form. None: the statement says that
    the service's operator has not given one yet."""
    accessibility_reviewed: date = STATEMENT_REVIEWED
    """When the service was last assessed against the law's requirements (the statement
    says so)."""
    open311_url: str | None = None
    """The city's Open311 GeoReport v2 endpoint (``…/requests.json`` is under it); None:
    nothing is sent to the city's fault-report system."""
    open311_api_key: str | None = field(default=None, repr=False)
    """The key the city gave for sending service requests: never shown, logged or stored."""
    open311_jurisdiction: str | None = None
    """``jurisdiction_id`` of the requests, for a server that serves several cities."""
    open311_timeout_s: float = 10.0
    """How long to wait for the city's system to answer one call."""

    @property
    def store_url(self) -> str:
        """The address of the store: the database URL if there is one, else the workspace."""
        return self.database_url or self.workspace


def check_language(language: str, *, source: str = "--lang") -> str:
    """Return ``language`` if the app speaks it, else raise ``ConfigError`` naming ``source``."""
    if language not in LANGUAGES:
        choices = ", ".join(LANGUAGES)
        raise ConfigError(
            Text(
                sv=f"{source}={language!r} är inget språk som stöds; välj {choices}.",
                en=f"{source}={language!r} is not a supported language; choose {choices}.",
            )
        )
    return language


def _number(env: Mapping[str, str], name: str, default: float, *, zero: bool = False) -> float:
    """Return the number in variable ``name`` (positive, or 0 too with ``zero``), or ``default``."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        kind = (
            Text(sv="ett tal, 0 eller större", en="a number, 0 or more")
            if zero
            else Text(sv="ett positivt tal", en="a positive number")
        )
        raise ConfigError(
            Text(
                sv=f"Miljövariabeln {name}={text!r} ska vara {kind.sv}, t.ex. {default:g}.",
                en=f"The environment variable {name}={text!r} must be {kind.en}, e.g. {default:g}.",
            )
        )
    return value


def _switch(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    """Return the 0/1 switch in variable ``name``, or ``default`` when it is unset."""
    text = env.get(name, "").strip()
    if text not in ("", "0", "1"):
        raise ConfigError(
            Text(
                sv=f"Miljövariabeln {name}={text!r} ska vara 0 eller 1.",
                en=f"The environment variable {name}={text!r} must be 0 or 1.",
            )
        )
    return default if not text else text == "1"


def _contact(env: Mapping[str, str], name: str) -> str | None:
    """Return the e-mail address or https address in variable ``name``, or None when unset."""
    text = env.get(name, "").strip()
    if not text:
        return None
    local, at, domain = text.removeprefix("mailto:").partition("@")
    if at and local and "." in domain and not any(c.isspace() for c in text):
        return text.removeprefix("mailto:")
    if text.startswith("https://") and len(text) > len("https://") and " " not in text:
        return text
    raise ConfigError(
        Text(
            sv=f"Miljövariabeln {name}={text!r} ska vara en e-postadress eller en https-adress, "
            "t.ex. tillganglighet@example.se.",
            en=f"The environment variable {name}={text!r} must be an e-mail address or an https "
            "address, e.g. accessibility@example.se.",
        )
    )


def _day(env: Mapping[str, str], name: str, default: date) -> date:
    """Return the day (YYYY-MM-DD) in variable ``name``, or ``default`` when it is unset."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            Text(
                sv=f"Miljövariabeln {name}={text!r} ska vara ett datum, t.ex. {default}.",
                en=f"The environment variable {name}={text!r} must be a date, e.g. {default}.",
            )
        ) from None


LOOPBACK_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})
"""Hosts an Open311 endpoint may be reached at over plain HTTP: this machine only."""


def _open311_url(env: Mapping[str, str], name: str) -> str | None:
    """Return the https address in variable ``name`` without a trailing slash, or None.

    Plain http only to this machine: the requests carry the city's API key.
    """
    text = env.get(name, "").strip().rstrip("/")
    if not text:
        return None
    parts = urlsplit(text)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    )
    if not (secure and parts.hostname) or parts.query or parts.fragment or " " in text:
        raise ConfigError(
            Text(
                sv=f"Miljövariabeln {name}={text!r} ska vara en https-adress utan frågedel, "
                "t.ex. https://felanmalan.example.se/open311/v2 (http bara till localhost).",
                en=f"The environment variable {name}={text!r} must be an https address without "
                "a query, e.g. https://open311.example.se/v2 (http only to localhost).",
            )
        )
    return text


def settings_from_env(
    environ: Mapping[str, str] | None = None,
    *,
    workspace: str | None = None,
    database_url: str | None = None,
    language: str | None = None,
) -> Settings:
    """Return settings from ``SAFEWALK_*`` variables, with explicit arguments taking precedence.

    Variables: ``SAFEWALK_WORKSPACE``, ``SAFEWALK_DATABASE_URL``, ``SAFEWALK_CATALOG``,
    ``SAFEWALK_LANG`` (sv/en), ``SAFEWALK_DATA_DIR``, ``SAFEWALK_AREA_TOLERANCE_M``,
    ``SAFEWALK_MAX_PHOTO_MB``, ``SAFEWALK_REDACT_ON_UPLOAD`` (1: black out the faces and
    licence plates found in every photo as it arrives), ``SAFEWALK_TILES`` (a tile URL
    template, or ``none``),
    ``SAFEWALK_GPS_ACCURACY_M``, ``SAFEWALK_DUPLICATE_M``, ``SAFEWALK_SEED`` (0 to start
    empty), ``SAFEWALK_DISTRICT`` (the district's name in reports),
    ``SAFEWALK_PRINT_TILES`` (a tile URL template for printed maps),
    ``SAFEWALK_PRINT_TILES_ATTRIBUTION``, ``SAFEWALK_TILE_CACHE``,
    ``SAFEWALK_SESSION_HOURS`` (how long an app login lasts), ``SAFEWALK_LOGIN_PROVIDER``
    (single sign-on through ``st.login``), ``SAFEWALK_PUBLIC_URL`` (the app's address, for
    links that join a walk), ``SAFEWALK_SECRET_KEY`` (signs the HTTP API's logins; the same
    on every instance of the app), ``SAFEWALK_ORGANISATION`` (who runs the service),
    ``SAFEWALK_ACCESSIBILITY_CONTACT`` (an e-mail or https address for accessibility
    problems), ``SAFEWALK_ACCESSIBILITY_REVIEWED`` (the day of the last accessibility
    assessment, YYYY-MM-DD), ``SAFEWALK_OPEN311_URL``, ``SAFEWALK_OPEN311_API_KEY``,
    ``SAFEWALK_OPEN311_JURISDICTION`` and ``SAFEWALK_OPEN311_TIMEOUT_S`` (the city's
    fault-report system: its address, key, ``jurisdiction_id`` and how long to wait).

    Raises
    ------
    ConfigError
        A variable whose value cannot be used, naming the variable and what it takes.
    """
    env = os.environ if environ is None else environ
    tiles = env.get("SAFEWALK_TILES", "").strip()
    settings = Settings(
        workspace=env.get("SAFEWALK_WORKSPACE") or default_workspace(env),
        database_url=env.get("SAFEWALK_DATABASE_URL") or None,
        catalog=Path(env["SAFEWALK_CATALOG"]) if env.get("SAFEWALK_CATALOG") else None,
        language=check_language(language)
        if language is not None
        else check_language(env.get("SAFEWALK_LANG") or DEFAULT_LANGUAGE, source="SAFEWALK_LANG"),
        data_dir=Path(env.get("SAFEWALK_DATA_DIR") or DEFAULT_DATA_DIR),
        area_tolerance_m=_number(env, "SAFEWALK_AREA_TOLERANCE_M", 50.0, zero=True),
        tiles_url=None if tiles.lower() == "none" else tiles or OSM_TILES,
        gps_accuracy_m=_number(env, "SAFEWALK_GPS_ACCURACY_M", 30.0),
        duplicate_m=_number(env, "SAFEWALK_DUPLICATE_M", 15.0, zero=True),
        max_photo_bytes=int(_number(env, "SAFEWALK_MAX_PHOTO_MB", 20.0) * 1_000_000),
        max_import_bytes=int(_number(env, "SAFEWALK_MAX_IMPORT_MB", 200.0) * 1_000_000),
        redact_on_upload=_switch(env, "SAFEWALK_REDACT_ON_UPLOAD", default=False),
        seed_new_workspace=_switch(env, "SAFEWALK_SEED", default=True),
        district=env.get("SAFEWALK_DISTRICT", "").strip() or "Hässelby-Vällingby",
        print_tiles=env.get("SAFEWALK_PRINT_TILES", "").strip() or None,
        print_tiles_attribution=env.get("SAFEWALK_PRINT_TILES_ATTRIBUTION", "").strip()
        or "© OpenStreetMap contributors",
        tile_cache=Path(env.get("SAFEWALK_TILE_CACHE") or _cache_home(env) / "safewalk" / "tiles"),
        session_hours=_number(env, "SAFEWALK_SESSION_HOURS", 8.0),
        login_provider=env.get("SAFEWALK_LOGIN_PROVIDER", "").strip() or None,
        public_url=env.get("SAFEWALK_PUBLIC_URL", "").strip().rstrip("/")
        or "http://localhost:8501",
        secret_key=env.get("SAFEWALK_SECRET_KEY", "").strip() or None,
        organisation=env.get("SAFEWALK_ORGANISATION", "").strip() or DEFAULT_ORGANISATION,
        accessibility_contact=_contact(env, "SAFEWALK_ACCESSIBILITY_CONTACT"),
        accessibility_reviewed=_day(env, "SAFEWALK_ACCESSIBILITY_REVIEWED", STATEMENT_REVIEWED),
        open311_url=_open311_url(env, "SAFEWALK_OPEN311_URL"),
        open311_api_key=env.get("SAFEWALK_OPEN311_API_KEY", "").strip() or None,
        open311_jurisdiction=env.get("SAFEWALK_OPEN311_JURISDICTION", "").strip() or None,
        open311_timeout_s=_number(env, "SAFEWALK_OPEN311_TIMEOUT_S", 10.0),
    )
    if workspace is not None:
        settings = replace(settings, workspace=workspace, database_url=database_url)
    elif database_url is not None:
        settings = replace(settings, database_url=database_url)
    return settings
