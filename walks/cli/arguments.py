"""What the command line reads from its arguments: numbers, ``NAME=VALUE`` fields."""

from __future__ import annotations

from collections.abc import Sequence

from gis.i18n import Text
from walks.actions.measures import MeasureError
from walks.core.errors import WalkError


def observation_numbers(text: str) -> list[int]:
    """Return the numbers of ``--observations 3,7``."""
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise MeasureError(
            Text(
                sv=f"--observations {text!r} ska vara nummer med komman emellan, t.ex. 3,7.",
                en=f"--observations {text!r} must be numbers separated by commas, e.g. 3,7.",
            )
        ) from None


def fields_from_pairs(pairs: Sequence[str]) -> dict[str, str]:
    """Return the category fields of ``--field problem=broken`` (repeated)."""
    fields = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name.strip():
            raise WalkError(
                Text(
                    sv=f"--field {pair!r} ska skrivas NAMN=VÄRDE, t.ex. --field problem=broken.",
                    en=f"--field {pair!r} must be written NAME=VALUE, e.g. --field problem=broken.",
                )
            )
        fields[name.strip()] = value
    return fields
