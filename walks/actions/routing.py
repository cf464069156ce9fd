"""Who is responsible for each observation: rules from a data file, owner areas, overrides.

The rules are configuration (``data/routing.toml``): tried in order, the first that fits
an observation suggests its organisation, and says why (the rule, and the reference
feature that decided: the stop it is near, the property it lies on). When no rule fits,
the category's measure template decides. A user can choose another organisation; that
choice is stored on the observation (its ``responsible`` field) and routing never
changes it, so it survives new rules and new owner layers.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import shapely
from numpy.typing import NDArray

from gis.filecache import FileCache
from gis.i18n import Text
from layers.schema import reference_layer
from layers.store import Query
from layers.values import ReferenceKind
from walks.core.errors import WalkError
from walks.core.model import Observation
from walks.core.organisations import (
    MeasureTemplate,
    Organisation,
    find_organisation,
    measure_templates,
    organisations,
)
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations

ROUTING_FILE: Final = "routing.toml"
OWNER: Final = "owner"
"""A rule's ``responsible`` meaning: whoever the owners layer says owns the place."""
LANDS: Final = ("owned", "public")
_ID: Final = re.compile(r"^[A-Za-z0-9_-]+$")
_POLYGONS: Final = ("Polygon", "MultiPolygon")


class RoutingError(WalkError):
    """A routing file that cannot be used, or an observation that cannot be routed."""


@dataclass(frozen=True, slots=True)
class RoutingRule:
    """One rule of the routing file: when it fits, and who it suggests."""

    id: str
    title: Text
    responsible: str
    """An organisation's id, or ``OWNER``."""
    categories: frozenset[str] | None = None
    """None: every category."""
    near: tuple[ReferenceKind, ...] = ()
    within_m: float = 0.0
    inside: ReferenceKind | None = None
    land: str | None = None
    """``owned``, ``public`` or None (either)."""


@dataclass(frozen=True, slots=True)
class Route:
    """Who is responsible for one observation, and why."""

    number: int
    uuid: str
    category: str
    suggested: str | None
    """The organisation the rules (or the category's template) suggest; None: nothing fits."""
    rule: str | None
    """The rule's id, ``template``, or None."""
    reason: Text
    override: str | None
    """The organisation a user chose; it wins over the suggestion."""
    layer: str | None = None
    """The reference layer whose feature decided (e.g. ``reference_owners``), if one did."""
    feature: str | None = None
    """That feature's name."""

    @property
    def responsible(self) -> str | None:
        """Return the organisation that is responsible: the user's choice, else the rules'."""
        return self.override or self.suggested


def _file_error(path: Path, sv: str, en: str) -> RoutingError:
    return RoutingError(Text(sv=f"{path}: {sv}", en=f"{path}: {en}"))


def _kinds(path: Path, rule: str, given: object) -> tuple[ReferenceKind, ...]:
    names = [given] if isinstance(given, str) else given
    if not isinstance(names, list):
        raise _file_error(path, f"regeln {rule!r}: ange referenssorter som en lista.",
                          f"rule {rule!r}: give reference kinds as a list.")  # fmt: skip
    try:
        return tuple(ReferenceKind(str(name)) for name in names)
    except ValueError:
        kinds = ", ".join(kind.value for kind in ReferenceKind)
        raise _file_error(path, f"regeln {rule!r}: okänd referenssort i {names}; sorter: {kinds}.",
                          f"rule {rule!r}: unknown reference kind in {names}; kinds: {kinds}.",
                          ) from None  # fmt: skip


def _rule(path: Path, k: int, entry: dict[str, object], data_dir: Path) -> RoutingRule:
    ident = entry.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise _file_error(path, f"regel {k} saknar ett id (bokstäver, siffror, - och _).",
                          f"rule {k} lacks an id (letters, digits, - and _).")  # fmt: skip
    title = entry.get("title")
    if not isinstance(title, dict) or not title.get("sv") or not title.get("en"):
        raise _file_error(path, f"regeln {ident!r} saknar title = {{ sv, en }}.",
                          f"rule {ident!r} lacks title = {{ sv, en }}.")  # fmt: skip
    responsible = str(entry.get("responsible", ""))
    if responsible != OWNER:
        try:
            responsible = find_organisation(data_dir, responsible).id
        except WalkError as error:
            raise _file_error(path, f"regeln {ident!r}: {error.message('sv')}",
                              f"rule {ident!r}: {error.message('en')}") from None  # fmt: skip
    categories = entry.get("categories")
    if categories is not None and not isinstance(categories, list):
        raise _file_error(path, f"regeln {ident!r}: categories ska vara en lista.",
                          f"rule {ident!r}: categories must be a list.")  # fmt: skip
    near = _kinds(path, ident, entry.get("near", []))
    within = entry.get("within_m", 0)
    if near and (not isinstance(within, int | float) or within <= 0):
        raise _file_error(path, f"regeln {ident!r}: near kräver within_m, ett avstånd över 0.",
                          f"rule {ident!r}: near needs within_m, a distance above 0.")  # fmt: skip
    inside = _kinds(path, ident, [entry["inside"]])[0] if "inside" in entry else None
    land = entry.get("land")
    if responsible == OWNER:
        land = land or "owned"
    if land is not None and land not in LANDS:
        raise _file_error(path, f"regeln {ident!r}: land ska vara owned eller public.",
                          f"rule {ident!r}: land must be owned or public.")  # fmt: skip
    if responsible == OWNER and land != "owned":
        raise _file_error(path, f"regeln {ident!r}: responsible = 'owner' kräver land 'owned'.",
                          f"rule {ident!r}: responsible = 'owner' needs land 'owned'.")  # fmt: skip
    return RoutingRule(
        ident,
        Text(sv=str(title["sv"]), en=str(title["en"])),
        responsible,
        None if categories is None else frozenset(map(str, categories)),
        near,
        float(within) if near and isinstance(within, int | float) else 0.0,
        inside,
        None if land is None else str(land),
    )


_RULES: FileCache[tuple[RoutingRule, ...]] = FileCache()
"""Each routing file's rules, read again when the file or the organisations change."""


def _load(path: Path, data_dir: Path) -> tuple[RoutingRule, ...]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise _file_error(path, f"kan inte läsas: {error}.", f"cannot be read: {error}.") from None
    rules = [_rule(path, k, e, data_dir) for k, e in enumerate(document.get("rule", []), start=1)]
    seen = [rule.id for rule in rules]
    twice = sorted({ident for ident in seen if seen.count(ident) > 1})
    if twice:
        raise _file_error(path, f"id {', '.join(twice)} finns två gånger.",
                          f"id {', '.join(twice)} is there twice.")  # fmt: skip
    return tuple(rules)


def routing_rules(data_dir: Path, categories: Sequence[str]) -> tuple[RoutingRule, ...]:
    """Return the routing rules of ``data_dir`` (none without the file), in order.

    Raises
    ------
    RoutingError
        The file cannot be read, or a rule names an unknown organisation, reference
        kind or category (not in ``categories``).
    """
    path = (data_dir / ROUTING_FILE).resolve()
    rules = _RULES.get(
        [path], lambda: _load(path, data_dir.resolve()), also=organisations(data_dir)
    )
    for rule in rules:
        unknown = sorted((rule.categories or frozenset()) - set(categories))
        if unknown:
            names = ", ".join(unknown)
            raise _file_error(path, f"regeln {rule.id!r}: okänd kategori {names}.",
                              f"rule {rule.id!r}: unknown category {names}.")  # fmt: skip
    return rules


# ------------------------------------------------------------------ routing an area
@dataclass(frozen=True, slots=True)
class _Features:
    """Reference features of an area: geometries, names, organisations (owners)."""

    geometries: NDArray[np.object_]
    names: list[str]
    kinds: list[ReferenceKind]
    organisations: list[str]


def _features(workspace: Workspace, slug: str, kinds: Sequence[ReferenceKind]) -> _Features:
    geometries: list[object] = []
    names: list[str] = []
    found_kinds: list[ReferenceKind] = []
    owners: list[str] = []
    for kind in kinds:
        columns = ("name", "organisation") if kind is ReferenceKind.OWNERS else ("name",)
        records = workspace.store.read_records(slug, reference_layer(kind), Query(columns=columns))
        for record in records:
            geometries.append(record["geometry"])
            names.append(str(record.get("name") or ""))
            found_kinds.append(kind)
            owners.append(str(record.get("organisation") or ""))
    return _Features(np.array(geometries, dtype=object), names, found_kinds, owners)


def _nearest(
    points: NDArray[np.object_], features: _Features, within: float
) -> dict[int, tuple[int, float]]:
    """Return, per point index near a feature, (the nearest feature, its distance)."""
    if not len(points) or not len(features.geometries):
        return {}
    tree = shapely.STRtree(features.geometries)
    at, feature = tree.query(points, predicate="dwithin", distance=within)
    distance = shapely.distance(points[at], features.geometries[feature])
    nearest: dict[int, tuple[int, float]] = {}
    for k in np.lexsort((feature, distance, at)):
        nearest.setdefault(int(at[k]), (int(feature[k]), float(distance[k])))
    return nearest


def _containing(points: NDArray[np.object_], features: _Features) -> dict[int, int]:
    """Return, per point index in (or on the border of) a polygon, the smallest such polygon.

    Overlapping polygons: the smallest is the most specific (a school ground within an
    estate). Equal sizes: the one loaded first.
    """
    polygons = np.array([shapely.get_type_id(g) in (3, 6) for g in features.geometries], dtype=bool)
    if not len(points) or not polygons.any():
        return {}
    chosen = np.flatnonzero(polygons)
    tree = shapely.STRtree(features.geometries[chosen])
    at, local = tree.query(points, predicate="intersects")
    feature = chosen[local]
    size = shapely.area(features.geometries[feature])
    found: dict[int, int] = {}
    for k in np.lexsort((feature, size, at)):
        found.setdefault(int(at[k]), int(feature[k]))
    return found


def _names(data_dir: Path) -> dict[str, Organisation]:
    return {organisation.id: organisation for organisation in organisations(data_dir)}


@dataclass(frozen=True, slots=True)
class _Detail:
    """What made a rule fit one observation: in words, and the reference feature, if any."""

    text: Text
    layer: str | None = None
    feature: str | None = None


def _detail_near(features: _Features, feature: int, metres: float) -> _Detail:
    kind = features.kinds[feature]
    name = features.names[feature] or "-"
    return _Detail(
        Text(
            sv=f"närmast: {name} ({kind.label.sv.lower()}), {metres:.0f} m bort",
            en=f"nearest: {name} ({kind.label.en.lower()}), {metres:.0f} m away",
        ),
        reference_layer(kind),
        name,
    )


def _detail_inside(features: _Features, feature: int, known: dict[str, Organisation]) -> _Detail:
    kind = features.kinds[feature]
    name = features.names[feature] or "-"
    if kind is not ReferenceKind.OWNERS:
        text = Text(sv=f"ligger i {kind.label.sv.lower()}: {name}",
                    en=f"lies in {kind.label.en.lower()}: {name}")  # fmt: skip
        return _Detail(text, reference_layer(kind), name)
    owner = features.organisations[feature]
    who = known[owner].name if owner in known else Text(sv=owner, en=owner)
    text = Text(
        sv=f"ligger på {name} i ägarlagret, som {who.sv} äger eller förvaltar",
        en=f"lies on {name} in the owners layer, owned or managed by {who.en}",
    )
    return _Detail(text, reference_layer(kind), name)


_PUBLIC: Final = _Detail(
    Text(
        sv="ligger utanför ägarlagrets fastigheter", en="lies outside the owners layer's properties"
    )
)


def _because(rule: RoutingRule, details: list[_Detail]) -> Text:
    sv = "; ".join(d.text.sv for d in details)
    en = "; ".join(d.text.en for d in details)
    return Text(
        sv=f"Regel {rule.id}: {rule.title.sv}" + (f" ({sv})" if sv else ""),
        en=f"Rule {rule.id}: {rule.title.en}" + (f" ({en})" if en else ""),
    )


def route_observations(
    workspace: Workspace, area: str, observations: Sequence[Observation] | None = None
) -> list[Route]:
    """Return who is responsible for each observation of ``area``, and why, by number.

    ``observations`` are those of the area already read (all of them when None).

    Raises
    ------
    RoutingError
        The routing file cannot be used.
    """
    slug = find_area(workspace, area).slug
    data_dir = workspace.settings.data_dir
    rules = routing_rules(data_dir, workspace.catalog.names)
    templates = measure_templates(data_dir)
    known = _names(data_dir)
    found = list(observations) if observations is not None else list_observations(workspace, slug)
    owners = _features(workspace, slug, [ReferenceKind.OWNERS])
    places = _places_of_rules(workspace, slug, rules, owners=owners)
    decided = _decided_by_rules(
        rules, places, shapely.points([o.x for o in found], [o.y for o in found]),
        np.array([o.category for o in found], dtype=object), owners=owners, known=known,
    )  # fmt: skip
    routes = [
        _route(observation, decided.get(k) or _fallback(observation.category, templates))
        for k, observation in enumerate(found)
    ]
    return sorted(routes, key=lambda route: route.number)


@dataclass(frozen=True, slots=True)
class _RulePlaces:
    """The reference features one rule looks at; None where the rule does not."""

    near: _Features | None
    """The features an observation must be near (``RoutingRule.near``)."""
    inside: _Features | None
    """The features an observation must lie in (``RoutingRule.inside``)."""


def _places_of_rules(
    workspace: Workspace, slug: str, rules: Sequence[RoutingRule], *, owners: _Features
) -> list[_RulePlaces]:
    """Return the reference features each of ``rules`` looks at, read from area ``slug``.

    The owners layer, already read as ``owners``, is not read again.
    """
    places = []
    for rule in rules:
        near = _features(workspace, slug, rule.near) if rule.near else None
        inside = (
            None if rule.inside is None
            else owners if rule.inside is ReferenceKind.OWNERS
            else _features(workspace, slug, [rule.inside])
        )  # fmt: skip
        places.append(_RulePlaces(near, inside))
    return places


@dataclass(frozen=True, slots=True)
class _Decision:
    """Who is suggested for one observation, by which rule, why, and the feature that decided."""

    suggested: str | None
    rule: str | None
    """The rule's id, ``template``, or None."""
    reason: Text
    feature: _Detail = _PUBLIC
    """The detail naming the reference feature that decided (``_PUBLIC``: none did)."""


def _decided_by_rules(
    rules: Sequence[RoutingRule], places: Sequence[_RulePlaces], points: NDArray[np.object_],
    categories: NDArray[np.object_], *, owners: _Features, known: dict[str, Organisation],
) -> dict[int, _Decision]:  # fmt: skip
    """Return, per index of the observations at ``points``, what the first rule to fit decided.

    ``places`` are the reference features of each rule; ``categories`` the observations'.
    Each rule is tried on all observations at once, those decided before left out.
    """
    owned = _containing(points, owners)
    undecided = np.ones(len(points), dtype=bool)
    decided: dict[int, _Decision] = {}
    for rule, looked_at in zip(rules, places, strict=True):
        fitting = _fitting(rule, looked_at, points, categories, undecided=undecided,
                           owners=owners, owned=owned, known=known)  # fmt: skip
        for k, reasons in fitting.items():
            who = owners.organisations[owned[k]] if rule.responsible == OWNER else rule.responsible
            feature = next((d for d in reversed(reasons) if d.layer), _PUBLIC)
            decided[k] = _Decision(who, rule.id, _because(rule, reasons), feature)
        undecided[list(fitting)] = False
    return decided


def _fitting(
    rule: RoutingRule, places: _RulePlaces, points: NDArray[np.object_],
    categories: NDArray[np.object_], *, undecided: NDArray[np.bool_], owners: _Features,
    owned: Mapping[int, int], known: dict[str, Organisation],
) -> dict[int, list[_Detail]]:  # fmt: skip
    """Return, per index of the ``undecided`` observations that ``rule`` fits, what made it fit.

    ``owned`` gives the owners' property each observation lies on, by index.
    """
    fits = undecided.copy()
    if rule.categories is not None:
        fits &= np.isin(categories, list(rule.categories))
    details: dict[int, list[_Detail]] = {int(k): [] for k in np.flatnonzero(fits)}
    if places.near is not None:
        near = places.near
        nearest = _nearest(points, near, rule.within_m)
        details = {k: [*d, _detail_near(near, *nearest[k])] for k, d in details.items()
                   if k in nearest}  # fmt: skip
    if places.inside is not None:
        inside = places.inside
        within = _containing(points, inside)
        details = {k: [*d, _detail_inside(inside, within[k], known)]
                   for k, d in details.items() if k in within}  # fmt: skip
    if rule.land == "owned":
        details = {k: [*d, _detail_inside(owners, owned[k], known)]
                   for k, d in details.items() if k in owned}  # fmt: skip
    elif rule.land == "public":
        details = {k: [*d, _PUBLIC] for k, d in details.items() if k not in owned}
    return details


def _fallback(category: str, templates: Mapping[str, MeasureTemplate]) -> _Decision:
    """Return the decision when no rule fits: the category's measure template, else nobody."""
    if category in templates:
        template = templates[category]
        return _Decision(
            template.responsible,
            "template",
            Text(
                sv=f"Ingen regel passar; kategorins åtgärdsmall: {template.title.sv}",
                en=f"No rule fits; the category's measure template: {template.title.en}",
            ),
        )
    return _Decision(
        None,
        None,
        Text(
            sv="Ingen regel eller åtgärdsmall passar: välj en ansvarig.",
            en="No rule or measure template fits: choose who is responsible.",
        ),
    )


def _route(observation: Observation, decision: _Decision) -> Route:
    """Return an observation's route: the decision, and the user's choice, which wins."""
    return Route(
        observation.number,
        observation.uuid,
        observation.category,
        decision.suggested,
        decision.rule,
        decision.reason,
        observation.responsible,
        decision.feature.layer,
        decision.feature.feature,
    )


def set_responsible(
    workspace: Workspace, area: str, number: int, organisation: str | None, *, actor: str
) -> Route:
    """Choose the organisation responsible for observation ``number`` (None: the rules').

    The choice is stored on the observation (and logged); routing never changes it.

    Raises
    ------
    walks.core.organisations.OrganisationError
        ``organisation`` is not in the list (the message lists the known ones).
    RoutingError
        The area has no observation ``number``.
    """
    slug = find_area(workspace, area).slug
    chosen = (
        find_organisation(workspace.settings.data_dir, organisation).id if organisation else None
    )
    observations = list_observations(workspace, slug)
    match = [o for o in observations if o.number == number]
    if not match:
        raise RoutingError(
            Text(
                sv=f"Området har ingen iakttagelse nummer {number}.",
                en=f"The area has no observation number {number}.",
            )
        )
    workspace.store.update(slug, match[0].category, match[0].uuid, {"responsible": chosen},
                           actor=actor)  # fmt: skip
    (observation,) = list_observations(workspace, slug, query=Query(uuids=(match[0].uuid,)))
    (route,) = route_observations(workspace, slug, [observation])
    return route


def responsible_for(workspace: Workspace, area: str, numbers: Sequence[int]) -> str:
    """Return the organisation responsible for all of observations ``numbers`` of ``area``.

    For a measure made without naming who is responsible.

    Raises
    ------
    RoutingError
        An unknown number, no organisation for one of them, or different ones (the
        message names them: choose one).
    """
    routes = {route.number: route for route in route_observations(workspace, area)}
    unknown = sorted(set(numbers) - set(routes))
    if unknown:
        raise RoutingError(
            Text(
                sv=f"Området har ingen iakttagelse nummer {', '.join(map(str, unknown))}.",
                en=f"The area has no observation number {', '.join(map(str, unknown))}.",
            )
        )
    found = {routes[n].responsible for n in numbers}
    if len(found) == 1 and None not in found:
        return str(found.pop())
    listed = ", ".join(f"{n}: {routes[n].responsible or '-'}" for n in numbers)
    raise RoutingError(
        Text(
            sv=f"Iakttagelserna har inte en och samma ansvarig ({listed}): ange --responsible.",
            en=f"The observations do not have one responsible ({listed}): give --responsible.",
        )
    )
