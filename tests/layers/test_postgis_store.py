"""The PostGIS store on a real PostgreSQL server: identifiers, QGIS, concurrency, faults.

What every backend promises is in ``test_store_contract.py`` (run here too, as
``any_store[postgis]``); these are what only a database has.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import psycopg
import pytest
import shapely
from psycopg import sql

from layers.catalog import Catalog
from layers.errors import StoreError
from layers.postgis import PostgisStore
from layers.postgis.schema import create_table, qualified
from layers.postgis.store import CONNECT_TIMEOUT_S
from layers.schema import AREA_TABLE, category_tables
from layers.store import Area, Query, Store, open_store
from tests.builders import TEST_BOX, lighting
from tests.postgres import PostgresServer
from walks.core.workspace import slug_from_name

INSIDE = TEST_BOX.centroid


@pytest.fixture
def url(postgres: PostgresServer) -> str:
    return postgres.new_database()


@pytest.fixture
def db(url: str, catalog: Catalog) -> Iterator[PostgisStore]:
    store = PostgisStore(url, catalog)
    store.add_area(Area("test", "Test", TEST_BOX), actor="tests")
    yield store
    store.close()


def query(url: str, text: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(text, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def test_identifiers_are_quoted_never_pasted_into_sql(url: str, db: PostgisStore) -> None:
    hostile = 'a"; DROP TABLE x; --'
    assert qualified(hostile, "lighting").as_string(None) == '"a""; DROP TABLE x; --"."lighting"'
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE x (id int)")
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(hostile)))
        create_table(connection, hostile, AREA_TABLE)
    schemas = query(url, "SELECT table_schema FROM information_schema.tables "
                         "WHERE table_name = 'area' ORDER BY 1")  # fmt: skip
    assert schemas == [(hostile,), ("test",)]
    assert query(url, "SELECT count(*) FROM x") == [(0,)]  # x is still there
    for name in (hostile, "Hässelby gård"):
        area = Area(slug_from_name(name), name, TEST_BOX)
        db.add_area(area, actor="tests")
        db.append(area.slug, "lighting", lighting(description=name), INSIDE, actor="tests")
        (stored,) = db.read_records(area.slug, "lighting")
        assert stored["description"] == name
    assert {a.name for a in db.areas()} == {"Test", hostile, "Hässelby gård"}
    assert {a.slug for a in db.areas()} == {"test", "a-drop-table-x", "hasselby-gard"}


def test_layers_are_what_qgis_lists_typed_indexed_in_sweref(
    url: str, db: PostgisStore, catalog: Catalog
) -> None:
    listed = query(url, "SELECT f_table_name, type, srid FROM geometry_columns "
                        "WHERE f_table_schema = 'test'")  # fmt: skip
    assert {srid for _, _, srid in listed} == {3006}
    columns = {name: kind for name, kind, _ in listed}
    assert "GEOMETRY" not in set(columns.values())  # every spatial table typed, context too
    tables = [(name, kind) for spec in catalog.categories for name, kind in category_tables(spec)]
    for name, kind in tables:  # a table per kind of geometry
        assert columns[name] == kind.upper(), name
    for layer in ("reference_schools", "reference_other"):
        assert (columns[layer], columns[f"{layer}_line"], columns[f"{layer}_area"]) == (
            "POINT", "LINESTRING", "POLYGON",
        )  # fmt: skip
    assert columns["reference_owners"] == "MULTIPOLYGON"
    assert {columns["passage"], columns["passage_line"]} == {"POINT", "LINESTRING"}
    assert columns["vegetation_area"] == "POLYGON"
    assert columns["area"] == "MULTIPOLYGON"
    gist = query(url, "SELECT tablename FROM pg_indexes WHERE schemaname = 'test' "
                      "AND indexdef LIKE '%%USING gist%%'")  # fmt: skip
    assert {t for (t,) in gist} >= {"area", "walks", *(name for name, _ in tables)}
    types = dict(query(url, "SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = 'test' AND table_name = 'lighting'"))  # fmt: skip
    assert (types["observed_at"], types["is_demo"], types["severity"]) == (
        "timestamp with time zone", "boolean", "bigint",
    )  # fmt: skip
    db.append("test", "lighting", lighting(), INSIDE, actor="tests")
    assert query(url, "SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM test.lighting") == [
        (INSIDE.x, INSIDE.y, 3006)
    ]


def test_a_write_by_another_program_changes_the_revision(url: str, db: PostgisStore) -> None:
    before = db.revision()
    # As QGIS would: an edit straight into the table, bypassing safewalk.
    query(url, "UPDATE test.area SET name = 'Test, ändrad'")
    assert db.revision() != before
    assert db.feature_counts("test")["area"] == 1


def _register(store: Store, count: int, errors: list[BaseException]) -> None:
    for _ in range(count):
        try:
            store.append("test", "lighting", lighting(), INSIDE, actor="load")
        except BaseException as error:  # reported by the test
            errors.append(error)


REGISTER: str = """
import sys
from layers.store import open_store
from tests.builders import lighting
from tests.builders import TEST_BOX
store = open_store(sys.argv[1])
for _ in range(int(sys.argv[2])):
    store.append("test", "lighting", lighting(), TEST_BOX.centroid, actor="process")
"""


def test_fifty_registrations_at_once_are_all_stored_numbered_once(
    url: str, db: PostgisStore, catalog: Catalog
) -> None:
    errors: list[BaseException] = []
    other = open_store(url, catalog=catalog)  # a second app instance in this process
    threads = [
        threading.Thread(target=_register, args=(store, 1, errors))
        for store in (db, other) for _ in range(15)
    ]  # fmt: skip
    processes = [
        subprocess.Popen([sys.executable, "-c", REGISTER, url, "5"]) for _ in range(4)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.wait(timeout=120) for p in processes] == [0] * 4
    assert errors == []
    records = db.read_records("test", "lighting", Query(columns=("number", "uuid")))
    numbers = sorted(r["number"] for r in records)
    assert numbers == list(range(1, 51))  # 30 threads and 4 × 5 in processes
    assert len({r["uuid"] for r in records}) == 50
    assert len(other.read_records("test", "lighting")) == 50  # each sees the other's
    other.close()


def test_a_restarted_database_fails_saves_clearly_and_works_again(
    postgres: PostgresServer, db: PostgisStore
) -> None:
    confirmed: list[str] = []
    failures: list[StoreError] = []
    stop = threading.Event()

    def burst() -> None:
        while not stop.is_set():
            try:
                stored = db.append("test", "lighting", lighting(), INSIDE, actor="burst")
                confirmed.append(str(stored["uuid"]))
            except StoreError as error:
                failures.append(error)

    worker = threading.Thread(target=burst)
    worker.start()
    try:
        while len(confirmed) < 5:
            threading.Event().wait(0.05)
        postgres.stop("fast")  # a restart: open connections are cut
        # Away longer than a save waits for a connection: the saves meanwhile must fail.
        threading.Event().wait(CONNECT_TIMEOUT_S + 1)
        postgres.start()
        threading.Event().wait(0.5)
    finally:
        stop.set()
        worker.join(timeout=60)
    assert failures, "saves while the database was down must fail"
    assert "does not answer" in failures[0].text.en
    assert "nothing was saved" in failures[0].text.en
    stored = db.append("test", "lighting", lighting(), INSIDE, actor="after")  # no restart
    kept = {str(r["uuid"]) for r in db.read_records("test", "lighting")}
    assert set(confirmed) <= kept  # nothing confirmed is lost
    assert str(stored["uuid"]) in kept


def test_an_area_id_the_database_keeps_for_itself_is_refused(db: PostgisStore) -> None:
    for slug in ("public", "safewalk", "topology"):
        with pytest.raises(StoreError, match="reserved in the database"):
            db.add_area(Area(slug, slug, TEST_BOX), actor="tests")


def test_a_backup_with_pg_dump_restores_whole(
    postgres: PostgresServer, db: PostgisStore, catalog: Catalog
) -> None:
    stored = db.append("test", "lighting", lighting(description="före säkerhetskopian"), INSIDE,
                       actor="tests")  # fmt: skip
    dump = postgres.folder / "safewalk.dump"
    subprocess.run([str(postgres.binaries / "pg_dump"), "--format=custom", f"--file={dump}",
                    db.url], check=True)  # fmt: skip
    restored = postgres.new_database()
    subprocess.run([str(postgres.binaries / "pg_restore"), "--no-owner", "--clean",
                    "--if-exists", f"--dbname={restored}", str(dump)], check=True)  # fmt: skip
    again = PostgisStore(restored, catalog)
    assert again.check() == []
    (back,) = again.read_records("test", "lighting")
    assert (back["uuid"], back["description"]) == (stored["uuid"], "före säkerhetskopian")
    made = again.append("test", "lighting", lighting(), INSIDE, actor="tests")
    assert made["number"] == 2  # numbering goes on after the restore
    again.close()


def test_an_area_whose_category_took_any_kind_is_split_on_opening_and_by_repair(
    url: str, db: PostgisStore
) -> None:
    other = {"status": "new", "observed_at": "2026-11-26T18:30:00+00:00", "created_by": "t",
             "created_at": "2026-11-26T18:30:00+00:00", "is_demo": False, "subject": "x",
             "updated_at": "2026-11-26T18:30:00+00:00"}  # fmt: skip
    line = shapely.LineString([(661_500, 6_580_600), (661_600, 6_580_650)])
    added = [
        db.append("test", "other", other, shape, actor="tests")
        for shape in (INSIDE, line, shapely.box(661_700, 6_580_700, 661_750, 6_580_750))
    ]
    # The layout of the previous version: one table of any kind per category.
    query(url, "ALTER TABLE test.other ALTER COLUMN geom TYPE geometry(Geometry, 3006)")
    query(url, "INSERT INTO test.other SELECT * FROM test.other_line")
    query(url, "INSERT INTO test.other SELECT * FROM test.other_area")
    query(url, "DROP TABLE test.other_line, test.other_area")
    problems = db.check()
    assert any("geometry type is GEOMETRY" in p.text.en for p in problems)
    assert {p.layer for p in problems} >= {"other", "other_line", "other_area"}
    assert db.check(repair=True) == []
    assert db.check() == []
    listed = "SELECT f_table_name, type FROM geometry_columns WHERE f_table_schema = 'test'"
    kinds = {name: kind for name, kind in query(url, listed) if str(name).startswith("other")}
    assert kinds == {"other": "POINT", "other_line": "LINESTRING", "other_area": "POLYGON"}
    records = db.read_records("test", "other")
    assert [(r["uuid"], r["number"], r["fid"]) for r in records] == [
        (r["uuid"], r["number"], r["fid"]) for r in added
    ]
    # Opening a store does the same.
    query(url, "ALTER TABLE test.other ALTER COLUMN geom TYPE geometry(Geometry, 3006)")
    query(url, "INSERT INTO test.other SELECT * FROM test.other_line")
    query(url, "DELETE FROM test.other_line")
    reopened = open_store(url, catalog=db.catalog)
    try:
        assert [r["geometry"].geom_type for r in reopened.read_records("test", "other")] == [
            "Point", "LineString", "Polygon",
        ]  # fmt: skip
        assert query(url, "SELECT type FROM geometry_columns WHERE f_table_schema = 'test' "
                          "AND f_table_name = 'other'") == [("POINT",)]  # fmt: skip
    finally:
        reopened.close()


def test_reference_layers_of_any_kind_are_typed_on_opening_and_by_repair(
    url: str, db: PostgisStore
) -> None:
    """The previous layout: schools, other and owners one GEOMETRY table each."""
    for table in ("reference_schools", "reference_owners"):
        query(url, f"ALTER TABLE test.{table} ALTER COLUMN geom TYPE geometry(Geometry, 3006)")
    query(url, "DROP TABLE test.reference_schools_line, test.reference_schools_area")
    columns = "uuid, name, source, source_id, created_at, updated_at, created_by, is_demo, geom"
    shapes = [
        ("u1", "s1", "POINT(661500 6580500)"),
        ("u2", "s2", "LINESTRING(661500 6580500, 661550 6580510)"),
        ("u3", "s3", "MULTIPOLYGON(((661600 6580500, 661620 6580500, 661620 6580520, "
                     "661600 6580500)), ((661700 6580500, 661720 6580500, 661720 6580520, "
                     "661700 6580500)))"),
        ("u4", "s4", "GEOMETRYCOLLECTION(POINT(661505 6580600), "
                     "LINESTRING(661500 6580600, 661540 6580600))"),
    ]  # fmt: skip
    for uuid, source_id, wkt in shapes:
        query(url, f"INSERT INTO test.reference_schools ({columns}) VALUES (%s, 'Skola', "
                   "'schools.gpkg', %s, now(), now(), 't', false, ST_GeomFromText(%s, 3006))",
              uuid, source_id, wkt)  # fmt: skip
    query(url, f"INSERT INTO test.reference_owners ({columns}, organisation) VALUES ('w1', "
               "'Gården', 'owners.gpkg', '1', now(), now(), 't', false, ST_GeomFromText("
               "'POLYGON((661000 6580000, 661100 6580000, 661100 6580100, 661000 6580000))', "
               "3006), 'stockholmshem')")  # fmt: skip
    log = query(url, "SELECT * FROM test.change_log ORDER BY fid")
    problems = db.check()
    assert {p.layer for p in problems} >= {"reference_schools", "reference_schools_line",
                                           "reference_owners"}  # fmt: skip
    assert db.check(repair=True) == []
    listed = "SELECT f_table_name, type FROM geometry_columns WHERE f_table_schema = 'test'"
    kinds = {name: kind for name, kind in query(url, listed)
             if str(name).startswith(("reference_schools", "reference_owners"))}  # fmt: skip
    assert kinds == {"reference_schools": "POINT", "reference_schools_line": "LINESTRING",
                     "reference_schools_area": "POLYGON",
                     "reference_owners": "MULTIPOLYGON"}  # fmt: skip
    records = db.read_records("test", "reference_schools")
    found = sorted((r["source_id"], r["geometry"].geom_type) for r in records)
    assert found == [("s1", "Point"), ("s2", "LineString"), ("s3", "Polygon"),
                     ("s3#2", "Polygon"), ("s4", "Point"), ("s4#2", "LineString")]  # fmt: skip
    by_source = {r["source_id"]: r["uuid"] for r in records}
    assert [by_source[s] for s in ("s1", "s2", "s3", "s4")] == ["u1", "u2", "u3", "u4"]
    assert len(set(by_source.values())) == 6  # the other parts have UUIDs of their own
    (owner,) = db.read_records("test", "reference_owners")
    assert (owner["uuid"], owner["geometry"].geom_type) == ("w1", "MultiPolygon")
    assert query(url, "SELECT * FROM test.change_log ORDER BY fid") == log
    # Opening a store does the same.
    query(url, "ALTER TABLE test.reference_owners ALTER COLUMN geom TYPE geometry(Geometry, 3006)")
    query(url, "UPDATE test.reference_owners SET geom = ST_GeometryN(geom, 1)")
    reopened = open_store(url, catalog=db.catalog)
    try:
        (owner,) = reopened.read_records("test", "reference_owners")
        assert (owner["uuid"], owner["geometry"].geom_type) == ("w1", "MultiPolygon")
    finally:
        reopened.close()
