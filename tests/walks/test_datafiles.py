"""The data files people edit while the app runs (organisations, templates, routing rules,
water) count at the next use, without a restart; unchanged ones are not parsed again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from walks.actions.routing import RoutingError, routing_rules
from walks.core.organisations import measure_templates, organisations
from walks.documents.mapdata import WATER_FILE, shipped_water

SHIPPED = Path(__file__).resolve().parents[2] / "data"
RULE = """
[[rule]]
id = "transit"
title = { sv = "Nära hållplats: SL", en = "Near a stop: SL" }
near = ["stops"]
within_m = 30
responsible = "sl"
"""
NEW_ORGANISATION = """
[[organisation]]
id = "grannar"
name = { sv = "Grannsamverkan", en = "Neighbourhood watch" }
kind = "other"
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("organisations.toml", "measure_templates.toml", WATER_FILE):
        shutil.copy(SHIPPED / name, folder / name)
    (folder / "routing.toml").write_text(RULE, encoding="utf-8")
    return folder


def test_an_organisation_added_to_the_file_is_there_at_the_next_call(data_dir: Path) -> None:
    first = organisations(data_dir)
    assert "grannar" not in [o.id for o in first]
    assert organisations(data_dir) is first  # unchanged: not parsed again
    with (data_dir / "organisations.toml").open("a", encoding="utf-8") as file:
        file.write(NEW_ORGANISATION)
    assert [o.id for o in organisations(data_dir)][-1] == "grannar"


def test_an_edited_template_is_used_at_the_next_call(data_dir: Path) -> None:
    assert measure_templates(data_dir)["lighting"].responsible == "trafikkontoret"
    path = data_dir / "measure_templates.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('responsible = "trafikkontoret"', 'responsible = "sl"', 1), encoding="utf-8"
    )
    assert measure_templates(data_dir)["lighting"].responsible == "sl"


def test_routing_rules_are_read_again_after_an_edit_and_checked_against_the_organisations(
    data_dir: Path,
) -> None:
    first = routing_rules(data_dir, ["lighting"])
    assert [rule.id for rule in first] == ["transit"]
    assert routing_rules(data_dir, ["lighting"]) is first  # unchanged: not parsed again
    (data_dir / "routing.toml").write_text(RULE.replace("transit", "stops"), encoding="utf-8")
    assert [rule.id for rule in routing_rules(data_dir, ["lighting"])] == ["stops"]
    # The rule's organisation leaves the organisations file: the unchanged rules file is
    # checked again and refused.
    orgs = data_dir / "organisations.toml"
    sl = (
        '[[organisation]]\nid = "sl"\nname = { sv = "SL", en = "SL (public transport)" }\n'
        'kind = "transit"\n'
    )
    assert sl in orgs.read_text(encoding="utf-8")
    orgs.write_text(orgs.read_text(encoding="utf-8").replace(sl, ""), encoding="utf-8")
    with pytest.raises(RoutingError, match=r"rule 'stops': Unknown organisation 'sl'"):
        routing_rules(data_dir, ["lighting"])


def test_edited_water_is_drawn_at_the_next_call(data_dir: Path) -> None:
    first = shipped_water(data_dir)
    assert len(first) == 1
    assert shipped_water(data_dir) is first  # unchanged: not parsed again
    path = data_dir / WATER_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"] *= 2
    path.write_text(json.dumps(document), encoding="utf-8")
    assert len(shipped_water(data_dir)) == 2
