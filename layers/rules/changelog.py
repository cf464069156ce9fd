"""The change log: one entry per insert, update and delete, with who, when, old and new."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import shapely
from shapely.geometry.base import BaseGeometry

from layers.frames import values_to_objects
from layers.rules.rows import CheckedRow, NumberedRow
from layers.schema import (
    PHOTOS_LAYER,
    SqlValue,
    TableSpec,
    datetime_to_text,
)


def change_entry(
    actor: str,
    action: str,
    layer: str,
    feature_uuid: object,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> dict[str, SqlValue]:
    """Return the change-log row for one write: who, when, what, values before and after (JSON)."""
    return {
        "at": datetime_to_text(datetime.now(UTC)),
        "actor": actor,
        "action": action,
        "layer": layer,
        "feature_uuid": None if feature_uuid is None else str(feature_uuid),
        "before": None if before is None else _to_json(_masked(before)),
        "after": None if after is None else _to_json(_masked(after)),
    }


_to_json: Final = json.JSONEncoder(ensure_ascii=False, default=str).encode
"""Values as the change log keeps them: JSON, anything else as text."""
_encode_text: Final = json.encoder.encode_basestring
"""A string as ``_to_json`` encodes it (without escaping beyond ASCII), in C."""
UNLOGGED: Final = frozenset({"email"})
"""Fields whose values the change log never keeps, only whether there was one: a resident's
e-mail is kept until the report is handled (``layers.schema.INBOX_TABLE``), and a log is
kept for good."""
MASK: Final = "***"


def _masked(values: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return ``values`` with the value of each ``UNLOGGED`` field given replaced by ``MASK``."""
    if UNLOGGED.isdisjoint(values):
        return values
    return {k: MASK if k in UNLOGGED and v is not None else v for k, v in values.items()}


def inserted_entry(
    actor: str, table: TableSpec, row: Mapping[str, Any], geometry: BaseGeometry | None
) -> dict[str, SqlValue]:
    """Return the change-log row for inserting ``row`` (with its ``fid``) into ``table``."""
    after = record_for_log(row)
    if geometry is not None:
        after["geometry"] = shapely.to_wkt(geometry, rounding_precision=2)
    return change_entry(actor, "insert", table.layer_name, row.get("uuid"), None, after)


def inserted_entries(
    actor: str,
    table: TableSpec,
    rows: Sequence[Mapping[str, Any]],
    geometries: Sequence[BaseGeometry | None],
    *,
    fids: Sequence[int] | None = None,
) -> list[dict[str, SqlValue]]:
    """Return the change-log rows for inserting many rows, as ``inserted_entry`` does.

    ``fids``: the rows' fids, when the rows do not hold them (they come first, as in a
    stored row). Rows with the same keys; when they hold nothing the log leaves out or
    masks, each row is written as it is (``logged_text``), its fid and geometry added.
    """
    if not rows:
        return []
    texts = shapely.to_wkt(values_to_objects(geometries), rounding_precision=2).tolist()
    ids = [None] * len(rows) if fids is None else list(fids)
    at = datetime_to_text(datetime.now(UTC))
    binary = {f.name for f in table.fields if f.type == "binary"}
    names = list(rows[0])
    kept = [name for name in names if name not in binary | {"geom", "geometry"}]
    plain = kept == names and UNLOGGED.isdisjoint(names)
    lengths = [len(row) for row in rows]
    plain = plain and min(lengths) == max(lengths) == len(names)
    if plain and names and fids is not None and None not in texts:
        # The usual import: every row with its fid and geometry, in one pass.
        key = _GEOMETRY_KEY
        afters = [
            f'{{"fid": {int.__repr__(fid)}, {logged_text(row)[1:-1]}, {key}{_encode_text(text)}}}'
            for row, fid, text in zip(rows, ids, texts, strict=True)
        ]
    elif plain:
        afters = [
            _with_geometry(_with_fid(fid, logged_text(row)), text)
            for row, fid, text in zip(rows, ids, texts, strict=True)
        ]
    else:
        afters = []
        for row, fid, text in zip(rows, ids, texts, strict=True):
            logged = {name: row[name] for name in kept}
            if fid is not None:
                logged = {"fid": fid, **logged}
            if text is not None:
                logged["geometry"] = text
            afters.append(_to_json(_masked(logged)))
    layer = table.layer_name
    return [
        {
            "at": at,
            "actor": actor,
            "action": "insert",
            "layer": layer,
            "feature_uuid": None if uuid is None else str(uuid),
            "before": None,
            "after": after,
        }
        for uuid, after in zip([row.get("uuid") for row in rows], afters, strict=True)
    ]


_NUMBER_KEY: Final = '"number": '


def logged_text(row: Mapping[str, Any]) -> str:
    """Return the row as the change log writes it: JSON, kept on a checked row once made.

    A checked row's text can so be made where it was checked (another process, say); a
    numbered one's is its checked row's with the number put in (``_renumbered``).
    """
    if type(row) is NumberedRow:
        return _renumbered(row)
    if type(row) is not CheckedRow:
        return _row_to_json(row)
    if row.logged is None:
        row.logged = _row_to_json(row)
    return row.logged


def _renumbered(row: NumberedRow) -> str:
    r"""Return the text of ``row``'s checked row with the number drawn in place of its own.

    The first ``"number": 1`` of the text is the key's: JSON writes a quote inside a value
    as ``\"``. Anything else is written anew.
    """
    own = row.checked.get("number")
    if type(own) is not int:
        return _row_to_json(row)
    text = logged_text(row.checked)
    placeholder = _NUMBER_KEY + int.__repr__(own)
    start = text.find(placeholder)
    end = start + len(placeholder)
    if start < 0 or text[end : end + 1] not in (",", "}"):
        return _row_to_json(row)
    return text[:start] + _NUMBER_KEY + int.__repr__(row["number"]) + text[end:]


def _row_encoder() -> Callable[[Mapping[str, Any]], str]:
    """Return ``_to_json`` for rows, which hold plain values: the same text, made faster.

    Without looking for cycles, and with CPython's C encoder made once rather than for
    each row, where it is there.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    try:
        chunks = make(None, str, _encode_text, None, ": ", ", ", False, False, True)
    except TypeError:  # another signature: the public way
        return encoder.encode
    return lambda row: "".join(chunks(row, 0))


_row_to_json: Final = _row_encoder()
"""``_to_json`` for rows (``_row_encoder``)."""
_GEOMETRY_KEY: Final = '"geometry": '


def _with_fid(fid: int | None, text: str) -> str:
    """Return the JSON object ``text`` with ``"fid": fid`` first (nothing for no fid)."""
    if fid is None:
        return text
    return '{"fid": ' + int.__repr__(fid) + (", " + text[1:] if text != "{}" else "}")


def _with_geometry(text: str, geometry: str | None) -> str:
    """Return the JSON object ``text`` with ``"geometry": geometry`` added last, as JSON would."""
    if geometry is None:
        return text
    start = text[:-1] + ", " if text != "{}" else "{"
    return start + _GEOMETRY_KEY + _encode_text(geometry) + "}"


def deleted_entry(actor: str, table: TableSpec, row: Mapping[str, Any]) -> dict[str, SqlValue]:
    """Return the change-log row for deleting ``row`` (as it was stored) from ``table``."""
    return change_entry(
        actor, "delete", table.layer_name, row.get("uuid"), record_for_log(row), None
    )


def updated_entry(
    actor: str,
    table: TableSpec,
    uuid: object,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> dict[str, SqlValue]:
    """Return the change-log row for changing some values of feature ``uuid`` (old → new)."""
    return change_entry(actor, "update", table.layer_name, uuid, dict(before), dict(after))


def redacted_entry(
    actor: str, photo: Mapping[str, Any], boxes: Sequence[Sequence[int]]
) -> dict[str, SqlValue]:
    """Return the change-log row for blacking out ``boxes`` of the stored ``photo``.

    ``photo``: the photo's row (its ``uuid``, ``feature_uuid`` and ``layer``); the boxes
    are ``[x, y, width, height]`` in its pixels. Which photo, whose, and where: never pixels.
    """
    after = {
        "feature_uuid": photo["feature_uuid"],
        "layer": photo["layer"],
        "boxes": [[int(value) for value in box] for box in boxes],
    }
    return change_entry(actor, "redact", PHOTOS_LAYER, photo["uuid"], None, after)


def record_for_log(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values of a record worth keeping in the change log (no blobs, no geometry)."""
    return {
        k: v
        for k, v in record.items()
        if k not in ("geom", "geometry") and not isinstance(v, bytes)
    }
