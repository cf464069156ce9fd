"""Erasing personal data for good: the change log's values masked, an account's name replaced.

Every backend's ``Store.erase`` takes its texts from here, so an erased change log reads
the same in a GeoPackage, a database and memory.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, Final

from layers.records import Erasure
from layers.rules.changelog import MASK, change_entry
from layers.schema import SqlValue, TableSpec

ACTOR_FIELDS: Final = ("created_by", "handled_by")
"""The fields of a row that name who made or handled it (an account's name)."""
ERASE_ACTION: Final = "erase"
"""The change log's ``action`` of the entry that records a retention rule's work."""
ERASE_LAYER: Final = "retention"
"""The change log's ``layer`` of that entry: it may span several layers of the area."""


def actor_columns(table: TableSpec) -> tuple[str, ...]:
    """Return the fields of ``table`` that name who made or handled a row."""
    return tuple(name for name in ACTOR_FIELDS if name in table.field_names)


def name_in_json(name: str) -> str:
    """Return ``name`` as it appears in a change-log value (JSON text, quoted).

    A store looks for entries holding this before it reads them (``renamed_text``).
    """
    return json.dumps(name, ensure_ascii=False)


def masked_text(text: str | None, keys: Collection[str]) -> str | None:
    """Return the change-log value ``text`` with the values of ``keys`` replaced by ``***``.

    Returns None when nothing changes (no such key, or only empty or masked values).
    """
    values = _object(text)
    if values is None:
        return None
    changed = False
    for key in keys:
        if values.get(key) not in (None, MASK, ""):
            values[key] = MASK
            changed = True
    return _to_json(values) if changed else None


def renamed_text(text: str | None, name: str, new: str) -> str | None:
    """Return the change-log value ``text`` with ``name`` as who made or handled it put as ``new``.

    Only the values of ``ACTOR_FIELDS`` that are exactly ``name`` change; None when none is.
    """
    values = _object(text)
    if values is None:
        return None
    changed = False
    for key in ACTOR_FIELDS:
        if values.get(key) == name:
            values[key] = new
            changed = True
    return _to_json(values) if changed else None


def erased_entry(actor: str, erasure: Erasure) -> dict[str, SqlValue]:
    """Return the change-log row that records what ``erasure`` removed, never the values."""
    after: dict[str, Any] = {"rule": erasure.rule}
    counts = {
        "updates": len(erasure.updates), "features": len(erasure.features),
        "photos": len(erasure.photos), "masked": len(erasure.masked),
    }  # fmt: skip
    after.update({key: count for key, count in counts.items() if count})
    if erasure.renamed is not None:
        after["renamed_to"] = erasure.renamed[1]
    return change_entry(actor, ERASE_ACTION, ERASE_LAYER, None, None, after)


def _object(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        values = json.loads(text)
    except json.JSONDecodeError:
        return None
    return values if isinstance(values, dict) else None


_to_json: Final = json.JSONEncoder(ensure_ascii=False, default=str).encode
"""As the change log writes its values (``layers.rules.changelog``)."""
