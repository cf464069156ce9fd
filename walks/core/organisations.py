"""The analysis group's organisations, from a data file: who can be responsible for a measure.

The list is configuration, not code: ``data/organisations.toml`` (or the file
``SAFEWALK_DATA_DIR`` points to) names each organisation with a short id, its name in
Swedish and English, and its kind.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gis.filecache import FileCache
from gis.i18n import Text
from walks.core.errors import WalkError

ORGANISATIONS_FILE: Final = "organisations.toml"
KINDS: Final = (
    "housing_company", "property_owner", "police", "district", "transit", "traffic",
    "school", "other",
)  # fmt: skip


class OrganisationError(WalkError):
    """An organisation that is not in the list, or a list file that cannot be used."""


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation of the analysis group."""

    id: str
    name: Text
    kind: str


def _file_error(path: Path, sv: str, en: str) -> OrganisationError:
    return OrganisationError(Text(sv=f"{path}: {sv}", en=f"{path}: {en}"))


_ORGANISATIONS: FileCache[tuple[Organisation, ...]] = FileCache()
"""Each organisations file's entries, read again when the file changes."""


def _load(path: Path) -> tuple[Organisation, ...]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise _file_error(path, f"kan inte läsas ({error.strerror}).",
                          f"cannot be read ({error.strerror}).") from None  # fmt: skip
    except tomllib.TOMLDecodeError as error:
        raise _file_error(path, f"är inte giltig TOML: {error}.",
                          f"is not valid TOML: {error}.") from None  # fmt: skip
    found: list[Organisation] = []
    for k, entry in enumerate(document.get("organisation", []), start=1):
        ident, name, kind = entry.get("id"), entry.get("name", {}), entry.get("kind", "other")
        if not isinstance(ident, str) or not ident.strip() or " " in ident:
            raise _file_error(path, f"organisation {k} saknar ett id utan mellanslag.",
                              f"organisation {k} lacks an id without spaces.")  # fmt: skip
        if not isinstance(name, dict) or not name.get("sv") or not name.get("en"):
            raise _file_error(path, f"organisation {ident!r} saknar name = {{ sv, en }}.",
                              f"organisation {ident!r} lacks name = {{ sv, en }}.")  # fmt: skip
        if kind not in KINDS:
            raise _file_error(path, f"organisation {ident!r}: okänd kind {kind!r}.",
                              f"organisation {ident!r}: unknown kind {kind!r}.")  # fmt: skip
        if any(o.id == ident for o in found):
            raise _file_error(path, f"id {ident!r} finns två gånger.",
                              f"id {ident!r} is there twice.")  # fmt: skip
        found.append(Organisation(ident, Text(sv=name["sv"], en=name["en"]), kind))
    return tuple(found)


def organisations(data_dir: Path) -> tuple[Organisation, ...]:
    """Return the organisations listed in ``data_dir``, in the file's order.

    Raises
    ------
    OrganisationError
        The file cannot be read or an entry lacks its id or names.
    """
    path = (data_dir / ORGANISATIONS_FILE).resolve()
    return _ORGANISATIONS.get([path], lambda: _load(path))


def find_organisation(data_dir: Path, given: str) -> Organisation:
    """Return the organisation with id or name (either language, any case) ``given``.

    Raises
    ------
    OrganisationError
        No such organisation: the message lists the known ones.
    """
    wanted = given.strip().casefold()
    listed = organisations(data_dir)
    for organisation in listed:
        names = {organisation.id, organisation.name.sv, organisation.name.en}
        if wanted in {name.casefold() for name in names}:
            return organisation
    known = ", ".join(o.id for o in listed)
    raise OrganisationError(
        Text(
            sv=f"Okänd organisation {given!r}. Kända: {known}.",
            en=f"Unknown organisation {given!r}. Known: {known}.",
        )
    )


TEMPLATES_FILE: Final = "measure_templates.toml"


@dataclass(frozen=True, slots=True)
class MeasureTemplate:
    """What is usually done about a category, and by whom."""

    category: str
    title: Text
    responsible: str
    """An organisation's id."""


_TEMPLATES: FileCache[dict[str, MeasureTemplate]] = FileCache()
"""Each templates file's templates, read again when the file or the organisations change."""


def _load_templates(path: Path, data_dir: Path) -> dict[str, MeasureTemplate]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise _file_error(path, f"kan inte läsas: {error}.", f"cannot be read: {error}.") from None
    templates = {}
    for category, entry in document.get("template", {}).items():
        title = entry.get("title", {})
        if not isinstance(title, dict) or not title.get("sv") or not title.get("en"):
            raise _file_error(path, f"mallen {category!r} saknar title = {{ sv, en }}.",
                              f"template {category!r} lacks title = {{ sv, en }}.")  # fmt: skip
        organisation = find_organisation(data_dir, str(entry.get("responsible", "")))
        templates[category] = MeasureTemplate(
            category, Text(sv=title["sv"], en=title["en"]), organisation.id
        )
    return templates


def measure_templates(data_dir: Path) -> dict[str, MeasureTemplate]:
    """Return the measure template of each category that has one (none without the file).

    Raises
    ------
    OrganisationError
        The file cannot be read, or a template names an unknown organisation.
    """
    path = (data_dir / TEMPLATES_FILE).resolve()
    templates = _TEMPLATES.get(
        [path], lambda: _load_templates(path, data_dir.resolve()), also=organisations(data_dir)
    )
    return dict(templates)
