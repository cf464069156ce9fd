"""Observations as Open311 GeoReport v2 service requests, for a municipal fault-report system.

Each observation becomes one request (the GeoReport v2 ``requests`` response format):
its category is the service (``service_code`` is the category's layer name, ``service_name``
its title), its status ``open`` until it is resolved or dismissed, its position in WGS 84.
Internal categories (crime-exposed and socially unsafe places) are never exported, and
nothing names a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gis.i18n import Text
from walks.actions.measures import CLOSED, area_measures
from walks.core.errors import WalkError
from walks.core.organisations import find_organisation
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations


def _time(moment: Any) -> str:
    return str(moment.isoformat(timespec="seconds"))


def service_requests(
    workspace: Workspace, area: str, *, numbers: Sequence[int] | None = None, language: str = "sv"
) -> list[dict[str, Any]]:
    """Return observations of ``area`` (those ``numbers``, else all) as GeoReport requests.

    Raises
    ------
    WalkError
        A number the area does not have, or one of an internal category.
    """
    slug = find_area(workspace, area).slug
    catalog = workspace.catalog
    observations = {o.number: o for o in list_observations(workspace, slug)}
    if numbers is not None:
        unknown = sorted(set(numbers) - set(observations))
        internal = sorted(n for n in set(numbers) & set(observations)
                          if catalog.category(observations[n].category).internal)  # fmt: skip
        if unknown or internal:
            listed = ", ".join(map(str, unknown or internal))
            raise WalkError(
                Text(
                    sv=f"Iakttagelse {listed} finns inte i området."
                    if unknown else f"Iakttagelse {listed} är intern och skickas inte vidare.",
                    en=f"Observation {listed} is not in the area."
                    if unknown else f"Observation {listed} is internal and is not sent on.",
                )
            )  # fmt: skip
    chosen = [observations[n] for n in sorted(numbers if numbers is not None else observations)]
    responsible = {}
    for measure in area_measures(workspace, slug):
        for number in measure.observations:
            responsible[number] = measure.responsible
    requests = []
    for observation in chosen:
        spec = catalog.category(observation.category)
        if spec.internal:
            continue
        agency = responsible.get(observation.number)
        requests.append({
            "service_request_id": f"{slug}-{observation.number}",
            "status": "closed" if observation.status in CLOSED else "open",
            "status_notes": observation.status.label.in_language(language),
            "service_name": spec.title.in_language(language),
            "service_code": spec.name,
            "description": observation.description,
            "agency_responsible": find_organisation(workspace.settings.data_dir, agency)
            .name.in_language(language) if agency else "",
            "service_notice": "",
            "requested_datetime": _time(observation.observed_at),
            "updated_datetime": _time(observation.observed_at),
            "expected_datetime": None,
            "address": "",
            "address_id": "",
            "zipcode": "",
            "lat": round(observation.lat, 7),
            "long": round(observation.lon, 7),
            "media_url": "",
        })  # fmt: skip
    return requests
