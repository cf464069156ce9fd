"""A photo blacked out in PostGIS leaves no copy of the original in the database's files.

An update keeps the old row version in the table's files (a plain vacuum only marks its
space free); ``redact_photo`` rewrites the area's photo table. The server's own files are
read after a checkpoint, which writes what is in its memory to them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import psycopg
import pytest

from layers.postgis import PostgisStore
from layers.store import Store
from tests.builders import TEST_BOX, lighting, photo
from tests.postgres import PostgresServer

pytestmark = pytest.mark.postgis


def table_files(store: PostgisStore, data: Path) -> bytes:
    """The bytes of the area's photo table and its TOAST table (the images), on disk."""
    with psycopg.connect(store.url, autocommit=True) as connection:
        connection.execute("CHECKPOINT")
        paths = connection.execute(
            "SELECT pg_relation_filepath(c.oid), pg_relation_filepath(c.reltoastrelid) "
            "FROM pg_class c WHERE c.oid = 'test.photos'::regclass"
        ).fetchone()
    assert paths is not None
    return b"".join((data / path).read_bytes() for path in paths)


def test_a_redacted_photo_leaves_no_copy_in_the_databases_files(
    new_store: Callable[..., Store], postgres: PostgresServer
) -> None:
    store = new_store("postgis", test_area=True)
    assert isinstance(store, PostgisStore)
    # Bytes that do not compress, as a JPEG's: kept as they are in the TOAST table.
    original = b"\xff\xd8" + np.random.default_rng(21).bytes(150_000)
    stored = store.append("test", "lighting", lighting(), TEST_BOX.centroid, actor="tests",
                          children={"photos": [photo(image=original)]})  # fmt: skip
    (info,) = store.read_photos("test", [stored["uuid"]])
    later = b"\xff\xd8" + np.random.default_rng(22).bytes(150_000)  # stored after it, kept
    store.append("test", "lighting", lighting(), TEST_BOX.centroid, actor="tests",
                 children={"photos": [photo(image=later)]})  # fmt: skip
    pieces = [original[k : k + 48] for k in range(1_000, len(original) - 48, 7_919)]
    before = table_files(store, postgres.data)
    assert sum(piece in before for piece in pieces) > 0.8 * len(pieces)  # the check can fail
    store.redact_photo("test", info.uuid, image=b"\xff\xd8 black", thumbnail=b"\xff\xd8 small",
                       boxes=[[0, 0, 4, 3]], actor="tests")  # fmt: skip
    after = table_files(store, postgres.data)
    assert [piece for piece in pieces if piece in after] == []
    assert store.read_photo_image("test", info.uuid) == b"\xff\xd8 black"
    assert later[5_000:5_048] in after
