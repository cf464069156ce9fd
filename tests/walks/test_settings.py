"""Settings read from the environment: who runs the service and its accessibility contact."""

from __future__ import annotations

from datetime import date

import pytest

from walks.core.config import DEFAULT_ORGANISATION, STATEMENT_REVIEWED, settings_from_env
from walks.core.errors import ConfigError


def test_the_organisation_and_the_accessibility_contact_come_from_the_environment() -> None:
    settings = settings_from_env({
        "SAFEWALK_ORGANISATION": "Exempelby stadsdelsförvaltning",
        "SAFEWALK_ACCESSIBILITY_CONTACT": " tillganglighet@exempelby.se ",
        "SAFEWALK_ACCESSIBILITY_REVIEWED": "2027-03-01",
    })  # fmt: skip
    assert settings.organisation == "Exempelby stadsdelsförvaltning"
    assert settings.accessibility_contact == "tillganglighet@exempelby.se"
    assert settings.accessibility_reviewed == date(2027, 3, 1)


def test_without_them_the_district_is_named_and_no_contact_is_made_up() -> None:
    settings = settings_from_env({})
    assert settings.organisation == DEFAULT_ORGANISATION
    assert DEFAULT_ORGANISATION == "Hässelby-Vällingby stadsdelsförvaltning"
    assert settings.accessibility_contact is None
    assert settings.accessibility_reviewed == STATEMENT_REVIEWED


def test_a_contact_form_on_the_web_is_a_contact_too() -> None:
    given = {"SAFEWALK_ACCESSIBILITY_CONTACT": "https://exempelby.se/tillganglighet"}
    assert settings_from_env(given).accessibility_contact == "https://exempelby.se/tillganglighet"
    given = {"SAFEWALK_ACCESSIBILITY_CONTACT": "mailto:a11y@exempelby.se"}
    assert settings_from_env(given).accessibility_contact == "a11y@exempelby.se"


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("SAFEWALK_ACCESSIBILITY_CONTACT", "ring växeln", "an e-mail address or an https address"),
        ("SAFEWALK_ACCESSIBILITY_CONTACT", "http://exempelby.se/kontakt", "an https address"),
        ("SAFEWALK_ACCESSIBILITY_REVIEWED", "1 mars 2027", "must be a date, e.g. 2026-12-06"),
    ],
)
def test_a_contact_or_day_that_cannot_be_used_is_refused_naming_the_variable(
    variable: str, value: str, words: str
) -> None:
    with pytest.raises(ConfigError, match=f"{variable}='{value}' .*{words}") as caught:
        settings_from_env({variable: value})
    assert variable in caught.value.message("sv")
