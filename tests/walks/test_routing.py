"""Who is responsible: routing rules on hand-built owner areas and stops, overrides, the CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import shapely

from layers.schema import reference_layer
from layers.store import Area, Store
from layers.values import ReferenceKind
from tests.builders import TEST_BOX
from tests.cli import run
from tests.files import geojson
from walks.actions.routing import (
    RoutingError,
    responsible_for,
    route_observations,
    routing_rules,
    set_responsible,
)
from walks.core.config import Settings
from walks.core.model import ObservationDraft, Position
from walks.core.organisations import OrganisationError
from walks.core.workspace import Workspace
from walks.fieldwork.recording import record_observation
from walks.fieldwork.reference import add_reference_from_file

SHIPPED = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
RULES = """
[[rule]]
id = "transit"
title = { sv = "Nära hållplats: SL", en = "Near a stop: SL" }
near = ["stops"]
within_m = 30
responsible = "sl"

[[rule]]
id = "owner"
title = { sv = "Ägaren", en = "The owner" }
land = "owned"
responsible = "owner"

[[rule]]
id = "street"
title = { sv = "Gatan", en = "The street" }
categories = ["lighting"]
land = "public"
responsible = "trafikkontoret"
"""
# Hand-built places in the test area (SWEREF 99 TM): estates A and B share the border
# x = 661 300 and are equally large; the school ground C lies inside A.
ESTATE_A = shapely.box(661_100, 6_580_100, 661_300, 6_580_300)
ESTATE_B = shapely.box(661_300, 6_580_100, 661_500, 6_580_300)
SCHOOL_C = shapely.box(661_150, 6_580_150, 661_200, 6_580_200)
STOP = shapely.Point(661_800, 6_580_800)


def data_dir(tmp_path: Path, rules: str = RULES) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("organisations.toml", "measure_templates.toml"):
        shutil.copy(SHIPPED / name, folder / name)
    (folder / "routing.toml").write_text(rules, encoding="utf-8")
    return folder


def reference(store: Store, kind: ReferenceKind, *features: tuple[object, str, str]) -> None:
    """Store ``features`` (geometry, name, organisation); owners' polygons as multi-polygons."""
    owners = kind is ReferenceKind.OWNERS
    rows = [
        (
            {"name": name, "source": "tests", "source_id": name, "created_at": NOW,
             "updated_at": NOW, "created_by": "tests", "is_demo": False}
            | ({"organisation": organisation} if owners else {}),
            shapely.multipolygons([geometry]) if owners else geometry,
        )
        for geometry, name, organisation in features
    ]  # fmt: skip
    store.append_many("test", reference_layer(kind), rows, actor="tests")  # type: ignore[arg-type]


def observe(workspace: Workspace, category: str, x: float, y: float) -> int:
    fields = {"lighting": {"problem": "dim"}, "graffiti": {"surface": "wall"},
              "litter": {"litter_type": "general"},
              "positive": {"quality": "well_lit"}}[category]  # fmt: skip
    draft = ObservationDraft(category, Position(x, y, "EPSG:3006"), created_by="tests",
                             severity=2 if category != "positive" else None,
                             fields=fields, observed_at=NOW)  # fmt: skip
    return record_observation(workspace, draft, area="test", now=NOW).number


@pytest.fixture
def town(tmp_path: Path, memory_settings: Settings, new_store: Callable[[str], Store]) -> Workspace:
    """An area with two estates, a school ground inside one, and a stop; no observations."""
    store = new_store("memory")
    store.add_area(Area("test", "Test", TEST_BOX), actor="tests")
    reference(store, ReferenceKind.OWNERS, (ESTATE_A, "A", "familjebostader"),
              (ESTATE_B, "B", "svenska-bostader"), (SCHOOL_C, "C", "sisab"))  # fmt: skip
    reference(store, ReferenceKind.STOPS, (STOP, "Hållplatsen", ""))
    return Workspace(replace(memory_settings, data_dir=data_dir(tmp_path)), store)


def routes_of(workspace: Workspace) -> dict[int, tuple[str | None, str | None]]:
    return {r.number: (r.responsible, r.rule) for r in route_observations(workspace, "test")}


def test_rules_decide_in_order_with_owner_areas_stops_and_templates(town: Workspace) -> None:
    inside_a = observe(town, "lighting", 661_250, 6_580_250)
    inside_c = observe(town, "lighting", 661_175, 6_580_175)
    near_stop = observe(town, "graffiti", 661_800, 6_580_820)
    street = observe(town, "lighting", 661_800, 6_580_900)
    litter = observe(town, "litter", 662_000, 6_581_000)
    good = observe(town, "positive", 662_000, 6_581_100)
    assert routes_of(town) == {
        inside_a: ("familjebostader", "owner"),
        inside_c: ("sisab", "owner"),  # the smallest of the overlapping areas
        near_stop: ("sl", "transit"),  # 20 m from the stop
        street: ("trafikkontoret", "street"),  # 100 m from it, on no estate
        litter: ("sdf-stadsmiljo", "template"),  # no rule: the category's template
        good: (None, None),
    }
    route = {r.number: r for r in route_observations(town, "test")}
    assert (route[near_stop].layer, route[near_stop].feature) == ("reference_stops", "Hållplatsen")
    assert "20 m" in route[near_stop].reason.en
    assert (route[inside_c].layer, route[inside_c].feature) == ("reference_owners", "C")
    assert "owned or managed by SISAB" in route[inside_c].reason.en
    assert route[street].layer is None


def test_a_point_on_a_shared_border_goes_to_the_first_of_two_equal_areas(
    town: Workspace,
) -> None:
    border = observe(town, "graffiti", 661_300, 6_580_200)
    corner = observe(town, "graffiti", 661_100, 6_580_100)  # A's outer corner
    outside = observe(town, "graffiti", 661_099, 6_580_100)
    found = routes_of(town)
    assert found[border] == ("familjebostader", "owner")
    assert found[corner] == ("familjebostader", "owner")
    assert found[outside] == ("fastighetsagare", "template")
    # The same answer every time: the tie is broken by the order loaded, not by chance.
    assert all(routes_of(town)[border] == found[border] for _ in range(3))


def test_a_chosen_organisation_survives_rerouting_until_dropped(town: Workspace) -> None:
    number = observe(town, "graffiti", 661_300, 6_580_200)
    chosen = set_responsible(town, "test", number, "Polisen (lokalpolisområde Västerort)",
                             actor="kim")  # fmt: skip
    assert (chosen.override, chosen.suggested, chosen.responsible) == (
        "polisen", "familjebostader", "polisen",
    )  # fmt: skip
    # A new owner layer feature changes the suggestion, not the user's choice.
    small = shapely.box(661_290, 6_580_190, 661_310, 6_580_210)
    reference(town.store, ReferenceKind.OWNERS, (small, "D", "stockholmshem"))
    (route,) = [r for r in route_observations(town, "test") if r.number == number]
    assert (route.suggested, route.override, route.responsible) == (
        "stockholmshem", "polisen", "polisen",
    )  # fmt: skip
    dropped = set_responsible(town, "test", number, None, actor="kim")
    assert (dropped.override, dropped.responsible) == (None, "stockholmshem")
    log = town.store.read_records("test", "change_log")
    changes = [json.loads(e["after"] or "{}").get("responsible") for e in log
               if e["action"] == "update"]  # fmt: skip
    assert changes == ["polisen", None]


def test_an_unknown_organisation_or_number_changes_nothing(town: Workspace) -> None:
    number = observe(town, "graffiti", 661_300, 6_580_200)
    before = town.store.revision()
    with pytest.raises(OrganisationError, match=r"Unknown organisation 'Ingen AB'\. Known: "):
        set_responsible(town, "test", number, "Ingen AB", actor="kim")
    with pytest.raises(RoutingError, match="no observation number 99"):
        set_responsible(town, "test", 99, "sl", actor="kim")
    assert town.store.revision() == before


def test_a_measure_without_a_named_organisation_takes_the_observations_one(
    town: Workspace,
) -> None:
    a = observe(town, "lighting", 661_250, 6_580_250)
    b = observe(town, "graffiti", 661_120, 6_580_120)
    c = observe(town, "lighting", 661_800, 6_580_900)
    assert responsible_for(town, "test", [a, b]) == "familjebostader"
    with pytest.raises(RoutingError, match=rf"\({a}: familjebostader, {c}: trafikkontoret\)"):
        responsible_for(town, "test", [a, c])


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('responsible = "ingen"', r"rule 'r': Unknown organisation 'ingen'"),
        ('categories = ["nothing"]\nresponsible = "sl"', r"unknown category nothing"),
        ('near = ["stops"]\nresponsible = "sl"', r"near needs within_m"),
        ('near = ["bins"]\nwithin_m = 5\nresponsible = "sl"', r"unknown reference kind"),
        ('land = "public"\nresponsible = "owner"', r"needs land 'owned'"),
        ('land = "somewhere"\nresponsible = "sl"', r"land must be owned or public"),
    ],
)
def test_a_broken_rule_is_refused_naming_it(tmp_path: Path, rule: str, message: str) -> None:
    text = f'[[rule]]\nid = "r"\ntitle = {{ sv = "R", en = "R" }}\n{rule}\n'
    with pytest.raises(RoutingError, match=message):
        routing_rules(data_dir(tmp_path, text), ["lighting"])


def test_the_shipped_rules_load(workspace: Workspace) -> None:
    rules = routing_rules(workspace.settings.data_dir, workspace.catalog.names)
    assert [rule.id for rule in rules][:3] == ["brottsutsatt", "socialt-otryggt", "kollektivtrafik"]


def test_owner_areas_load_from_a_file_with_their_organisation(
    town: Workspace, tmp_path: Path
) -> None:
    def ring(lon: float, lat: float) -> dict[str, object]:
        d = 0.001
        return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d],
                                                    [lon, lat + d], [lon, lat]]]}  # fmt: skip

    lon, lat = 17.845, 59.335  # inside the test area
    path = geojson(
        tmp_path / "owners.geojson",
        ({"id": "1", "name": "Gården", "Ägare": "Stockholmshem"}, ring(lon, lat)),
        ({"id": "2", "name": "Okänd", "Ägare": "Ingen AB"}, ring(lon + 0.002, lat)),
        ({"id": "3", "name": "Ingen ägare"}, ring(lon + 0.004, lat)),
        ({"id": "4", "name": "Punkt", "owner": "sl"}, {"type": "Point", "coordinates": [lon, lat]}),
    )
    loaded = add_reference_from_file(town, "test", "owners", path, actor="tests")
    assert loaded.added == 1
    reasons = {row: why.en for row, why in loaded.refused}
    assert set(reasons) == {2, 3, 4}
    assert "Unknown organisation 'Ingen AB'. Known: familjebostader" in reasons[2]
    assert "no organisation: give a column (organisation" in reasons[3]
    assert "Owners and managers are areas; this feature is a Point" in reasons[4]
    stored = town.store.read_records("test", reference_layer(ReferenceKind.OWNERS))
    assert {r["name"]: r["organisation"] for r in stored}["Gården"] == "stockholmshem"
    assert {r["geometry"].geom_type for r in stored} == {"MultiPolygon"}
    again = add_reference_from_file(town, "test", "owners", path, organisation="sl", actor="tests")
    assert (again.added, again.already_there) == (2, 1)  # 2 and 3 now have an organisation


def test_route_on_the_command_line_shows_and_sets_the_responsible(capsys, ws) -> None:
    code, out, _ = run(capsys, "route", "--area", "hasselby-gard", "--json", *ws)
    assert code == 0
    routes = {r["number"]: r for r in json.loads(out)}
    assert set(next(iter(routes.values()))) >= {
        "number", "category", "responsible", "suggested", "rule", "reason", "override",
    }  # fmt: skip
    # The demo: the graffiti on the bus shelter is SL's (near the stop), the lamp on the
    # example estate is Familjebostäder's (the owners layer).
    by_category = {(r["category"], r["responsible"]) for r in routes.values()}
    assert {("graffiti", "sl"), ("lighting", "familjebostader")} <= by_category
    graffiti = next(n for n, r in routes.items() if r["category"] == "graffiti")
    code, out, _ = run(capsys, "route", "--area", "hasselby-gard", "--observation",
                       str(graffiti), "--responsible", "fastighetsagare", *ws)  # fmt: skip
    assert (code, out.strip()) == (
        0, f"Observation no. {graffiti} in Hässelby gård: responsible Other property owners.",
    )  # fmt: skip
    code, out, _ = run(capsys, "route", "--area", "hasselby-gard", *ws)
    assert "Chosen by a user; the suggestion was SL (public transport)." in out
    code, _, err = run(capsys, "route", "--area", "hasselby-gard", "--responsible", "sl", *ws)
    assert (code, err.strip()) == (
        1, "safewalk: --responsible and --automatic are for one observation: give --observation N.",
    )  # fmt: skip
    code, out, _ = run(capsys, "measure", "add", "--area", "hasselby-gard", "--observations",
                       str(graffiti), "--title", "Sanera", "--json", *ws)  # fmt: skip
    assert (code, json.loads(out)["responsible"]) == (0, "fastighetsagare")
