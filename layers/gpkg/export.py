"""Exporting an area file: SQLite's own copy of it, then what an export leaves out taken out.

``VACUUM INTO`` writes the copy from one read transaction, so it is one moment of the area
while others go on writing, and it writes every table anew: no free page or deleted row
of the area file comes along. What the export leaves out (``layers.rules.copies``) is
then deleted from the copy with ``secure_delete`` on, which overwrites it with zeros, and
the QGIS styles are the catalog's, as in a new area file. A file whose layout is not the
catalog's template (made before a field was added, say) is not copied so: the caller
copies its rows into a new file instead, which gives the same tables and styles.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from layers.gpkg.sqlite import connect, quote
from layers.schema import CHANGE_LOG_TABLE, CHILD_TABLES, TableSpec, datetime_to_text

TEMPLATE: Final = "template"
"""The schema the catalog's template is attached as while a copy is trimmed."""
_OBJECTS: Final = "SELECT type, name, tbl_name, sql FROM {}.sqlite_master"


def hand_over(path: Path) -> None:
    """Fold the file's write-ahead log into it and leave WAL mode, so the file is whole."""
    with connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")


def export_file(
    source: Path,
    target: Path,
    template: bytes,
    *,
    dropped: Sequence[TableSpec],
    owners: Sequence[TableSpec],
    counted: Sequence[TableSpec],
) -> int | None:
    """Copy the area file ``source`` to ``target`` (a new file) as an export keeps it.

    ``template``: the catalog's template area file (``layers.gpkg.build.Templates``);
    ``dropped``: the tables whose rows are left out; ``owners``: the tables whose rows
    keep their photos and notes; ``counted``: the observations' tables. Returns how many
    rows ``counted`` hold in the copy, or None when the file's layout is not the
    template's (then ``target`` is removed and the caller copies the rows).
    """
    with connect(source) as connection:
        connection.execute("VACUUM INTO ?", (str(target),))
    try:
        with connect(target) as connection:
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("PRAGMA synchronous = OFF")  # a scratch file until handed over
            connection.execute("PRAGMA secure_delete = ON")
            _attach(connection, template)
            if not _same_layout(connection):
                connection.execute(f"DETACH {TEMPLATE}")
                target.unlink()
                return None
            connection.execute("BEGIN IMMEDIATE")
            _leave_out(connection, dropped, owners)
            _catalog_styles(connection)
            connection.execute("COMMIT")
            connection.execute(f"DETACH {TEMPLATE}")
            return sum(
                int(connection.execute(f"SELECT count(*) FROM {quote(t.name)}").fetchone()[0])
                for t in counted
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _attach(connection: sqlite3.Connection, template: bytes) -> None:
    """Attach ``template`` as the schema ``TEMPLATE``, in memory."""
    image = bytearray(template)
    image[18:20] = b"\x01\x01"  # rollback journal: a database in memory cannot be in WAL mode
    connection.execute(f"ATTACH ':memory:' AS {TEMPLATE}")
    connection.deserialize(bytes(image), name=TEMPLATE)


def _same_layout(connection: sqlite3.Connection) -> bool:
    """Return whether the copy has exactly the template's tables, columns, indexes, triggers."""
    mine, theirs = _OBJECTS.format("main"), _OBJECTS.format(TEMPLATE)
    differing = connection.execute(
        f"SELECT 1 FROM ({mine} EXCEPT {theirs}) UNION ALL SELECT 1 FROM ({theirs} EXCEPT {mine})"
    ).fetchone()
    return differing is None


def _leave_out(
    connection: sqlite3.Connection, dropped: Sequence[TableSpec], owners: Sequence[TableSpec]
) -> None:
    """Delete the rows of ``dropped``, their change-log entries, and stray photos and notes.

    Photos and notes stay only with the rows of ``owners``; the change-log entries of
    ``dropped``'s photos and notes go too.
    The emptied tables' extents and fid sequences are the template's again, as in a
    file that never held those rows.
    """
    kept = " UNION ".join(f"SELECT uuid FROM {quote(t.name)}" for t in owners)
    connection.execute(f"CREATE TEMP TABLE owned AS SELECT uuid FROM ({kept}) WHERE uuid NOT NULL")
    for table in dropped:
        connection.execute(f"DELETE FROM {quote(table.name)}")
    layers = sorted({table.layer_name for table in dropped})
    children = [child.layer_name for child in CHILD_TABLES]
    layer_marks, child_marks = (", ".join("?" * len(names)) for names in (layers, children))
    log = quote(CHANGE_LOG_TABLE.name)
    # A photo's or note's entries go with its row, whose layer its values name.
    parent = "coalesce({})".format(", ".join(
        f"CASE WHEN json_valid({column}) THEN json_extract({column}, '$.layer') END"
        for column in ('"after"', '"before"')
    ))  # fmt: skip
    connection.execute(
        f"DELETE FROM {log} WHERE layer IN ({layer_marks}) OR layer IN ({child_marks}) "
        f"AND feature_uuid IN (SELECT feature_uuid FROM {log} WHERE layer IN ({child_marks}) "
        f"AND {parent} IN ({layer_marks}))",
        [*layers, *children, *children, *layers],
    )
    for child in CHILD_TABLES:
        connection.execute(
            f"DELETE FROM {quote(child.name)} WHERE feature_uuid IS NULL "
            "OR feature_uuid NOT IN (SELECT uuid FROM temp.owned)"
        )
    connection.execute("DROP TABLE temp.owned")
    names = [table.name for table in dropped]
    marks = ", ".join("?" * len(names))
    connection.execute(
        f"UPDATE main.gpkg_contents AS c SET min_x = t.min_x, min_y = t.min_y, "
        f"max_x = t.max_x, max_y = t.max_y, last_change = ? FROM {TEMPLATE}.gpkg_contents AS t "
        f"WHERE c.table_name = t.table_name AND c.table_name IN ({marks})",
        [datetime_to_text(datetime.now(UTC)), *names],
    )
    connection.execute(f"DELETE FROM main.sqlite_sequence WHERE name IN ({marks})", names)
    connection.execute(
        f"INSERT INTO main.sqlite_sequence SELECT * FROM {TEMPLATE}.sqlite_sequence "
        f"WHERE name IN ({marks})",
        names,
    )


def _catalog_styles(connection: sqlite3.Connection) -> None:
    """Make the copy's QGIS styles the template's (the catalog's), dated now."""
    connection.execute("DELETE FROM main.layer_styles")
    connection.execute(f"INSERT INTO main.layer_styles SELECT * FROM {TEMPLATE}.layer_styles")
    connection.execute(
        "UPDATE main.layer_styles SET update_time = ?", (datetime_to_text(datetime.now(UTC)),)
    )
