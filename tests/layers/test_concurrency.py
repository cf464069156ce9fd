"""Several processes writing one area, and writers killed mid-transaction, lose nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyogrio
import pytest

from layers.gpkg import GeoPackageStore
from layers.schema import load_layer_catalog

pytestmark = pytest.mark.slow

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from shapely.geometry import Point
    from layers.gpkg import GeoPackageStore
    from layers.schema import load_layer_catalog

    root, count, mode = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    store = GeoPackageStore(root, load_layer_catalog())
    if mode == "die-before-commit":
        import os, signal
        import layers.gpkg.writes as writes

        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)

        writes.log_change = die
    now = datetime.now(UTC)
    values = {
        "status": "new", "problem": "dim", "observed_at": now, "created_at": now,
        "updated_at": now, "created_by": f"writer-{sys.argv[4]}", "is_demo": False,
    }
    print("ready", flush=True)
    for i in range(count):
        store.append("test", "lighting", values, Point(662_000 + i, 6_581_000), actor="w")
    """
)


def start_writer(
    root: Path, count: int, mode: str = "normal", name: str = "0"
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root), str(count), mode, name],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def gdal_count(path: Path) -> int:
    """Rows as a GDAL reader sees them, in a process of its own (as QGIS would)."""
    code = (
        "import sys, pyogrio; "
        "print(len(pyogrio.read_dataframe(sys.argv[1], layer='lighting', use_arrow=False)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


def test_four_processes_adding_fifty_each_leave_two_hundred_rows(store: GeoPackageStore) -> None:
    writers = [start_writer(store.root, 50, name=str(n)) for n in range(4)]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    path = store.path("test")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT count(*), count(DISTINCT number), max(number) FROM lighting"
        ).fetchone()
        cached = connection.execute(
            "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'lighting'"
        ).fetchone()[0]
        logged = connection.execute(
            "SELECT count(*) FROM change_log WHERE layer = 'lighting'"
        ).fetchone()[0]
        writers_seen = connection.execute(
            "SELECT count(DISTINCT created_by) FROM lighting"
        ).fetchone()[0]
    assert rows == (200, 200, 200)
    assert cached == 200
    assert logged == 200
    assert writers_seen == 4
    assert gdal_count(path) == 200
    assert pyogrio.read_info(path, layer="lighting")["features"] == 200
    assert store.check() == []


def test_a_writer_killed_before_commit_leaves_none_of_its_write(store: GeoPackageStore) -> None:
    writer = start_writer(store.root, 1, mode="die-before-commit")
    writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    assert store.feature_counts("test")["lighting"] == 0
    assert store.check() == []
    assert gdal_count(store.path("test")) == 0
    # The killed write's number was rolled back with it.
    normal = start_writer(store.root, 1)
    normal.communicate(timeout=60)
    assert [int(n) for n in store.read_layer("test", "lighting")["number"]] == [1]


@pytest.mark.parametrize("delay_s", [0.3, 0.7, 1.1])
def test_a_writer_killed_at_any_moment_leaves_a_consistent_file(
    store: GeoPackageStore, delay_s: float
) -> None:
    writer = start_writer(store.root, 100_000)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while store.feature_counts("test")["lighting"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # a loaded machine may start the writer slowly
    time.sleep(delay_s)
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=60)
    path = store.path("test")
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT count(*) FROM lighting").fetchone()[0]
        logged = connection.execute(
            "SELECT count(*) FROM change_log WHERE layer = 'lighting'"
        ).fetchone()[0]
        sequence = connection.execute(
            "SELECT CAST(value AS INTEGER) FROM safewalk_meta WHERE key = 'sequence:observation'"
        ).fetchone()
    assert rows > 0
    assert logged == rows
    assert sequence[0] == rows
    assert store.check() == []
    assert gdal_count(path) == rows


def test_two_processes_starting_on_a_new_workspace_seed_it_once(tmp_path: Path) -> None:
    workspace = tmp_path / "new"
    code = "import sys; from walks.cli.main import main; raise SystemExit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", code, "areas", "--json", "--workspace", str(workspace)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    for process in starts:
        _, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
    store = GeoPackageStore(workspace, load_layer_catalog())
    assert len(store.slugs()) == 10
    demo = sum(store.feature_counts(slug)["lighting"] for slug in store.slugs())
    assert demo == 4  # the demo set has four lighting observations, loaded once
