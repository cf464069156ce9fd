"""Capture benchmark: observations sent to the HTTP API, and the phone's pages on a slow network.

Against the app as people run it (``streamlit run app.py`` on a free localhost port, a fresh
seeded workspace), each figure beside a baseline measured in the same run:

- **post**: one ``POST /api/v1/observations`` round trip (a new uuid each, over one kept-alive
  connection), beside a plain ``INSERT`` of the same row into the same area file
  (``benchmarks.store.plain_insert``: own connection, one transaction), turn about.
- **load**: 20 phones posting 10 observations each, all at once (a thread and a connection
  each): every answer, p50 and p95 of a POST, numbers unique per area; beside the median of
  the same POST sent alone (**post**).
- **pages** (with Debian's Chromium): the first visit of the capture page ``/capture/`` and of
  the Streamlit *Registrera* page under Chrome's "Slow 3G" (400 ms latency, 500 kbit/s) on a
  390×844 phone: the bytes transferred (compressed, as on the wire) and the time until the
  form can be used (the save button is there); and the capture page reopened offline.

Run with the rest: ``.venv/bin/python -m benchmarks.run --only capture`` (``--quick``: fewer
rounds, no Slow 3G for the Streamlit page).
"""

from __future__ import annotations

import http.client
import json
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse

from shapely.geometry import Point

from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import plain_insert
from gis.crs import WGS84, to_storage_crs, to_wgs84
from tests.appserver import running_app
from walks.core.config import settings_from_env
from walks.fieldwork.startup import open_workspace

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "capture.json"
AREA: Final = "hasselby-gard"
SLOW_3G: Final = {"offline": False, "latency": 400, "downloadThroughput": 500_000 / 8,
                  "uploadThroughput": 500_000 / 8}  # fmt: skip
"""Chrome's "Slow 3G" profile, as DevTools' network conditions."""
P95_MAX_MS: Final = 300.0
FIRST_VISIT_MAX_BYTES: Final = 300_000
USABLE_MAX_S: Final = 5.0


@dataclass(frozen=True, slots=True)
class Plan:
    """Rounds and the load of one run."""

    rounds: int
    phones: int
    each: int
    streamlit_page: bool


FULL: Final = Plan(rounds=40, phones=20, each=10, streamlit_page=True)
QUICK: Final = Plan(rounds=10, phones=20, each=10, streamlit_page=False)


def observation(lon: float, lat: float) -> bytes:
    """A broken street lamp as the capture page sends it, with a new uuid, within about 230 m
    of (lon, lat): a walk's observations are spread along its route, not piled on one spot."""
    lon, lat = lon + random.uniform(-0.004, 0.004), lat + random.uniform(-0.002, 0.002)
    return json.dumps({
        "uuid": str(uuid.uuid4()), "category": "lighting", "lon": lon, "lat": lat,
        "accuracy_m": 6, "taken_at": "2026-12-01T21:30:00+01:00", "severity": 2,
        "description": "benchmark", "fields": {"problem": "broken"},
    }).encode("utf-8")  # fmt: skip


class Phone:
    """One phone's connection to the app."""

    def __init__(self, url: str) -> None:
        where = urlparse(url)
        self._connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)

    def post(self, body: bytes) -> tuple[int, float, dict[str, Any]]:
        """Send one observation; return the status, the round trip in ms and the answer."""
        start = time.perf_counter()
        self._connection.request("POST", "/api/v1/observations", body,
                                 {"Content-Type": "application/json"})  # fmt: skip
        response = self._connection.getresponse()
        raw = response.read()
        answer = json.loads(raw) if raw else {"status": response.status}
        return response.status, (time.perf_counter() - start) * 1000, answer

    def close(self) -> None:
        self._connection.close()


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "n": len(ordered),
    }


def measure_post(
    url: str, area_file: Path, position: tuple[float, float], rounds: int
) -> dict[str, Any]:
    """Time a POST round trip and a plain INSERT of the same row, turn about."""
    phone = Phone(url)
    point = to_storage_crs(Point(*position), WGS84)
    posts, inserts = [], []
    for k in range(rounds + 3):
        status, ms, _ = phone.post(observation(*position))
        start = time.perf_counter()
        plain_insert(area_file, point)
        insert_ms = (time.perf_counter() - start) * 1000
        if status != 201:
            msg = f"POST answered {status}: {_}"
            raise RuntimeError(msg)
        if k >= 3:  # warm-up dropped
            posts.append(ms)
            inserts.append(insert_ms)
    phone.close()
    post, insert = _ms(posts), _ms(inserts)
    return {"post": post, "plain_insert": insert,
            "post_vs_insert": post["median_ms"] / insert["median_ms"]}  # fmt: skip


def measure_load(url: str, position: tuple[float, float], phones: int, each: int) -> dict[str, Any]:
    """Let ``phones`` phones post ``each`` observations at once; return what happened."""
    results: list[tuple[int, float, dict[str, Any]]] = []
    lock = threading.Lock()
    start = threading.Barrier(phones)

    def one_phone() -> None:
        phone = Phone(url)
        start.wait()
        for _ in range(each):
            outcome = phone.post(observation(*position))
            with lock:
                results.append(outcome)
        phone.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=one_phone) for _ in range(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    stored = [answer for status, _, answer in results if status == 201]
    numbers = [(a["area"], a["number"]) for a in stored]
    return {
        "posts": len(results), "stored": len(stored),
        "errors": len(results) - len(stored), "numbers_unique": len(set(numbers)) == len(numbers),
        "wall_s": wall, **_ms([ms for _, ms, _ in results]),
    }  # fmt: skip


def measure_page(url: str, path: str, ready: str) -> dict[str, Any]:
    """Open ``path`` under Slow 3G on a phone; bytes on the wire and seconds until ``ready``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        wire = {"bytes": 0, "requests": 0}

        def finished(event: dict[str, Any]) -> None:
            wire["bytes"] += int(event.get("encodedDataLength", 0))
            wire["requests"] += 1

        cdp.on("Network.loadingFinished", finished)
        start = time.perf_counter()
        page.goto(url + path, wait_until="commit", timeout=180_000)
        page.locator(ready).first.wait_for(state="visible", timeout=180_000)
        usable = time.perf_counter() - start
        page.wait_for_load_state("networkidle", timeout=180_000)
        figures: dict[str, Any] = {"bytes": wire["bytes"], "requests": wire["requests"],
                                   "usable_s": usable}  # fmt: skip
        if path.startswith("/capture"):
            page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=60_000)
            context.set_offline(True)
            start = time.perf_counter()
            page.reload(wait_until="commit")
            page.locator(ready).first.wait_for(state="visible", timeout=60_000)
            figures["offline_reopen_s"] = time.perf_counter() - start
        browser.close()
    return figures


CAPTURE_READY: Final = "#categories >> text=Belysning"
"""The form is usable: its categories came from the catalog."""
REGISTER_READY: Final = "button:has-text('Spara')"


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Start the app on a fresh workspace, measure, print and write ``out``."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safewalk-capture-bench-") as folder:
        path = Path(folder) / "workspace"
        workspace = open_workspace(settings_from_env({}, workspace=str(path)))
        area = next(a for a in workspace.areas() if a.slug == AREA)
        inside = to_wgs84(area.boundary.representative_point())
        position = (inside.x, inside.y)
        with running_app(path) as url:
            print("POST round trips beside plain INSERTs ...", flush=True)
            # The plain INSERTs go to a copy of the area's file: their rows lack what the
            # store adds (a number), and the app's own file must stay the store's.
            copy = Path(folder) / "insert-target.gpkg"
            shutil.copyfile(path / f"{AREA}.gpkg", copy)
            figures: dict[str, Any] = measure_post(url, copy, position, plan.rounds)
            print(f"{plan.phones} phones × {plan.each} observations at once ...", flush=True)
            figures["load"] = measure_load(url, position, plan.phones, plan.each)
            print("The pages under Slow 3G ...", flush=True)
            figures["capture_page"] = measure_page(url, "/capture/", CAPTURE_READY)
            if plan.streamlit_page:
                figures["register_page"] = measure_page(url, "/register", REGISTER_READY)
    load, page = figures["load"], figures["capture_page"]
    print(f"\n  POST /api/v1/observations  median {figures['post']['median_ms']:.1f} ms; "
          f"plain INSERT {figures['plain_insert']['median_ms']:.1f} ms "
          f"(÷ {figures['post_vs_insert']:.1f})")  # fmt: skip
    print(f"  {load['posts']} POSTs at once: {load['stored']} stored, {load['errors']} errors, "
          f"numbers unique: {load['numbers_unique']}; p50 {load['median_ms']:.0f} ms, "
          f"p95 {load['p95_ms']:.0f} ms, {load['wall_s']:.1f} s in all")  # fmt: skip
    print(f"  /capture/ first visit: {page['bytes'] / 1000:.0f} kB in {page['requests']} "
          f"requests, usable after {page['usable_s']:.1f} s; offline reopen "
          f"{page['offline_reopen_s']:.1f} s")  # fmt: skip
    if "register_page" in figures:
        register = figures["register_page"]
        print(f"  Registrera first visit: {register['bytes'] / 1000:.0f} kB in "
              f"{register['requests']} requests, usable after "
              f"{register['usable_s']:.1f} s")  # fmt: skip
    targets = [
        {"name": "p95 of a POST with 20 phones at once", "value": load["p95_ms"],
         "max": P95_MAX_MS, "met": load["p95_ms"] <= P95_MAX_MS and load["errors"] == 0},
        {"name": "capture page first visit bytes", "value": page["bytes"],
         "max": FIRST_VISIT_MAX_BYTES, "met": page["bytes"] <= FIRST_VISIT_MAX_BYTES},
        {"name": "capture page usable under Slow 3G (s)", "value": page["usable_s"],
         "max": USABLE_MAX_S, "met": page["usable_s"] <= USABLE_MAX_S},
    ]  # fmt: skip
    for target in targets:
        verdict = "met" if target["met"] else "MISSED"
        print(f"  [{verdict}] {target['name']}: {target['value']:.1f} (at most {target['max']})")
    plan_figures = {"rounds": plan.rounds, "phones": plan.phones, "each": plan.each}
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=targets, started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark alone: ``python -m benchmarks.capture [--quick] [--out PATH]``."""
    return run_alone("python -m benchmarks.capture", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
