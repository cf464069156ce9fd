"""The one settings object, read from the environment once and passed explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from gis.i18n import DEFAULT_LANGUAGE, check_language

OSM_TILES: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
REPO_ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR: Final = REPO_ROOT / "data"


def default_workspace(environ: Mapping[str, str]) -> Path:
    """Return the default workspace: ``$XDG_DATA_HOME/safewalk/workspace`` (or ~/.local/share)."""
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "safewalk" / "workspace"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, frozen: every Streamlit session shares one process."""

    workspace: Path
    """A folder of GeoPackages (``gpkg://`` URLs are accepted too)."""
    catalog: Path | None = None
    """A catalog file; None means the workspace's ``catalog.toml`` or the shipped one."""
    language: str = DEFAULT_LANGUAGE
    data_dir: Path = DEFAULT_DATA_DIR
    area_tolerance_m: float = 50.0
    """How far outside its area's boundary a position may lie (GPS error at the edge)."""
    tiles_url: str | None = OSM_TILES
    """Background tiles of web maps; None shows only the shipped vector layers."""
    gps_accuracy_m: float = 30.0
    """GPS positions less accurate than this are flagged to the user."""
    max_photo_bytes: int = 20_000_000
    """The largest photo upload accepted."""
    seed_new_workspace: bool = True
    """Fill a workspace that has no areas with the shipped areas and the demo data."""


def settings_from_env(
    environ: Mapping[str, str] | None = None,
    *,
    workspace: Path | None = None,
    language: str | None = None,
) -> Settings:
    """Return settings from ``SAFEWALK_*`` variables, with explicit arguments taking precedence.

    Variables: ``SAFEWALK_WORKSPACE``, ``SAFEWALK_CATALOG``, ``SAFEWALK_LANG`` (sv/en),
    ``SAFEWALK_DATA_DIR``, ``SAFEWALK_AREA_TOLERANCE_M``, ``SAFEWALK_MAX_PHOTO_MB``,
    ``SAFEWALK_TILES`` (a tile URL template, or ``none``), ``SAFEWALK_GPS_ACCURACY_M``,
    ``SAFEWALK_SEED`` (0 to start empty).
    """
    env = os.environ if environ is None else environ
    settings = Settings(
        workspace=Path(env.get("SAFEWALK_WORKSPACE") or default_workspace(env)),
        catalog=Path(env["SAFEWALK_CATALOG"]) if env.get("SAFEWALK_CATALOG") else None,
        language=check_language(env.get("SAFEWALK_LANG") or DEFAULT_LANGUAGE),
        data_dir=Path(env.get("SAFEWALK_DATA_DIR") or DEFAULT_DATA_DIR),
        area_tolerance_m=float(env.get("SAFEWALK_AREA_TOLERANCE_M") or 50.0),
        tiles_url=None
        if env.get("SAFEWALK_TILES", "").lower() == "none"
        else env.get("SAFEWALK_TILES") or OSM_TILES,
        gps_accuracy_m=float(env.get("SAFEWALK_GPS_ACCURACY_M") or 30.0),
        max_photo_bytes=int(float(env.get("SAFEWALK_MAX_PHOTO_MB") or 20) * 1_000_000),
        seed_new_workspace=env.get("SAFEWALK_SEED", "1") != "0",
    )
    if workspace is not None:
        settings = replace(settings, workspace=workspace)
    if language is not None:
        settings = replace(settings, language=check_language(language))
    return settings
