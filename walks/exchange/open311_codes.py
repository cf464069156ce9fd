"""Which of the city's Open311 services each category is sent as: ``data/open311.toml``.

The file is configuration, like the organisations and the routing rules: a district
writes its city's service codes (from the city's ``services.json``) beside its
categories. A category without a code is never sent; an internal category may not have
one. The file is read again when it changes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gis.filecache import FileCache
from gis.i18n import Text
from layers.catalog import Catalog
from walks.core.errors import WalkError
from walks.core.workspace import Workspace

SERVICES_FILE: Final = "open311.toml"
DEFAULT_UUID_ATTRIBUTE: Final = "safewalk_uuid"
_ATTRIBUTE: Final = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class Open311Error(WalkError):
    """Sending to the city's system cannot be done as asked (a setting, a file, a number)."""


@dataclass(frozen=True, slots=True)
class ServiceCodes:
    """Which of the city's services each category is sent as (``data/open311.toml``)."""

    codes: Mapping[str, str]
    """Category → the city's service code; a category not here is never sent."""
    uuid_attribute: str = DEFAULT_UUID_ATTRIBUTE
    """The service attribute (``attribute[…]``) that carries the observation's UUID."""


def _file_error(path: Path, sv: str, en: str) -> Open311Error:
    return Open311Error(Text(sv=f"{path}: {sv}", en=f"{path}: {en}"))


def _load_codes(path: Path, catalog: Catalog) -> ServiceCodes:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ServiceCodes({})
    except OSError as error:
        raise _file_error(path, f"kan inte läsas ({error.strerror}).",
                          f"cannot be read ({error.strerror}).") from None  # fmt: skip
    except tomllib.TOMLDecodeError as error:
        raise _file_error(path, f"är inte giltig TOML: {error}.",
                          f"is not valid TOML: {error}.") from None  # fmt: skip
    unknown = sorted(set(document) - {"uuid_attribute", "service_codes"})
    if unknown:
        raise _file_error(path, f"okänd nyckel {', '.join(unknown)}; filen har uuid_attribute "
                          "och [service_codes].", f"unknown key {', '.join(unknown)}; the file has "
                          "uuid_attribute and [service_codes].")  # fmt: skip
    attribute = document.get("uuid_attribute", DEFAULT_UUID_ATTRIBUTE)
    if not isinstance(attribute, str) or not _ATTRIBUTE.match(attribute):
        raise _file_error(path, f"uuid_attribute = {attribute!r} ska vara ett namn av bokstäver, "
                          "siffror och _ . -, t.ex. \"safewalk_uuid\".", f"uuid_attribute = "
                          f"{attribute!r} must be a name of letters, digits and _ . -, e.g. "
                          "\"safewalk_uuid\".")  # fmt: skip
    entries = document.get("service_codes", {})
    if not isinstance(entries, dict):
        raise _file_error(path, "service_codes ska vara en tabell: [service_codes].",
                          "service_codes must be a table: [service_codes].")  # fmt: skip
    names = ", ".join(catalog.names)
    codes: dict[str, str] = {}
    for category, code in entries.items():
        if category not in catalog.names:
            raise _file_error(path, f"[service_codes] {category!r} är ingen kategori; kategorierna "
                              f"är {names}.", f"[service_codes] {category!r} is no category; the "
                              f"categories are {names}.")  # fmt: skip
        if catalog.category(category).internal:
            raise _file_error(path, f"[service_codes] {category!r} är en intern kategori och "
                              "skickas aldrig till staden; ta bort raden.", f"[service_codes] "
                              f"{category!r} is an internal category and is never sent to the "
                              "city; remove the line.")  # fmt: skip
        if not isinstance(code, str) or not code.strip() or len(code) > 100:
            raise _file_error(path, f"[service_codes] {category}: stadens tjänstekod ska vara en "
                              f"text, t.ex. {category} = \"001\".", f"[service_codes] {category}: "
                              f"the city's service code must be a text, e.g. {category} = "
                              "\"001\".")  # fmt: skip
        codes[category] = code.strip()
    return ServiceCodes(codes, attribute)


_CODES: FileCache[ServiceCodes] = FileCache()
"""Each services file's codes, read again when the file (or the catalog) changes."""


def service_codes(data_dir: Path, catalog: Catalog) -> ServiceCodes:
    """Return the service code of each category that has one in ``data_dir/open311.toml``.

    No file: no codes, and nothing is sent.

    Raises
    ------
    Open311Error
        The file cannot be read, or names a category that is not in ``catalog``, or an
        internal one, or gives no code: naming the file, the entry and the fix.
    """
    path = (data_dir / SERVICES_FILE).resolve()
    internal = tuple(s.name for s in catalog.categories if s.internal)
    return _CODES.get([path], lambda: _load_codes(path, catalog), also=(catalog.names, internal))


def unsent_categories(workspace: Workspace) -> list[str]:
    """Return the categories, not internal, that have no service code: never sent."""
    codes = service_codes(workspace.settings.data_dir, workspace.catalog).codes
    return [s.name for s in workspace.catalog.categories if not s.internal and s.name not in codes]
