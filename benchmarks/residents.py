"""Residents' page benchmark: ``/boende`` beside today's Streamlit *För boende* page, same run.

Against the app as people run it (``streamlit run app.py`` on a free localhost port, a fresh
seeded workspace with one public, decided measure in Grimsta, the area both pages show
first), in Debian's Chromium on a 390×844 phone under Chrome's "Slow 3G" (400 ms latency,
500 kbit/s) with the CPU slowed four times (a cheap phone), turn about:

- **first visit** of each page in a new browser context: the bytes on the wire (compressed,
  as ``encodedDataLength`` counts them), the requests, and the seconds until the measure's
  title is on the screen;
- **revisit**: the same page reloaded in the same context (what its caching saves);
- **server**: one ``GET /boende`` over a kept-alive connection, beside its style sheet
  (a static file through the same server), on the open network.

Run with the rest: ``.venv/bin/python -m benchmarks.run --only residents`` (``--quick``: one
round, the pages without the slowed CPU).
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse

from benchmarks.capture import SLOW_3G
from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from tests.appserver import running_app
from walks.actions.measures import add_measure, change_status
from walks.core.config import settings_from_env
from walks.core.model import MeasureStatus
from walks.fieldwork.startup import open_workspace
from walks.web.pages import files_version

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "residents.json"
MEASURE: Final = "Ljusare gångtunnel under Bergslagsvägen"
PAGES: Final = {"residents_page": "/boende", "streamlit_page": "/status"}
"""The pages, by their figure's name: the new page and today's *För boende*."""
FIRST_VISIT_MAX_BYTES: Final = 300_000
USABLE_MAX_S: Final = 5.0


@dataclass(frozen=True, slots=True)
class Plan:
    """Rounds of one run, and how much slower than the machine the phone's CPU is."""

    rounds: int
    cpu_slowdown: float
    server_rounds: int


FULL: Final = Plan(rounds=3, cpu_slowdown=4.0, server_rounds=40)
QUICK: Final = Plan(rounds=1, cpu_slowdown=1.0, server_rounds=10)


def visit(browser: Any, url: str, plan: Plan) -> dict[str, Any]:
    """Open ``url`` in a new phone context, then reload it; figures of both visits."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    if plan.cpu_slowdown > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": plan.cpu_slowdown})
    wire = {"bytes": 0, "requests": 0}

    def finished(event: dict[str, Any]) -> None:
        wire["bytes"] += int(event.get("encodedDataLength", 0))
        wire["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    figures = {}
    for name in ("first", "revisit"):
        wire.update(bytes=0, requests=0)
        start = time.perf_counter()
        if name == "first":
            page.goto(url, wait_until="commit", timeout=300_000)
        else:
            page.reload(wait_until="commit", timeout=300_000)
        page.get_by_text(MEASURE).first.wait_for(state="visible", timeout=300_000)
        usable = time.perf_counter() - start
        page.wait_for_load_state("networkidle", timeout=300_000)
        figures[name] = {"bytes": wire["bytes"], "requests": wire["requests"], "usable_s": usable}
    context.close()
    return figures


def server_ms(url: str, rounds: int) -> dict[str, float]:
    """Median ms of ``GET /boende`` and of its style sheet, turn about, one connection."""
    where = urlparse(url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)
    paths = {"page": "/boende", "style_sheet": f"/site/residents.css?v={files_version()}"}
    times: dict[str, list[float]] = {name: [] for name in paths}
    for k in range(rounds + 3):
        for name, path in paths.items():
            start = time.perf_counter()
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                msg = f"GET {path} answered {response.status}"
                raise RuntimeError(msg)
            if k >= 3:  # warm-up dropped
                times[name].append((time.perf_counter() - start) * 1000)
    connection.close()
    return {f"{name}_median_ms": statistics.median(ms) for name, ms in times.items()}


def _median(visits: list[dict[str, Any]], name: str, figure: str) -> float:
    return float(statistics.median(v[name][figure] for v in visits))


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Start the app on a fresh workspace, measure, print and write ``out``."""
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safewalk-residents-bench-") as folder:
        path = Path(folder) / "workspace"
        workspace = open_workspace(settings_from_env({}, workspace=str(path)))
        add_measure(workspace, "grimsta", observations=[1], title=MEASURE,
                    responsible="trafikkontoret", public=True, actor="benchmark")  # fmt: skip
        change_status(workspace, "grimsta", 1, MeasureStatus.DECIDED, actor="benchmark")
        with running_app(path) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            visits: dict[str, list[dict[str, Any]]] = {name: [] for name in PAGES}
            for k in range(plan.rounds):
                order = list(PAGES.items()) if k % 2 == 0 else list(PAGES.items())[::-1]
                for name, page_path in order:
                    print(f"Round {k + 1}/{plan.rounds}: {page_path} under Slow 3G ...",
                          flush=True)  # fmt: skip
                    visits[name].append(visit(browser, url + page_path, plan))
            browser.close()
            server = server_ms(url, plan.server_rounds)
    figures: dict[str, Any] = {"server": server}
    for name, done in visits.items():
        figures[name] = {
            "visits": done,
            **{f"{visit_name}_{figure}": _median(done, visit_name, figure)
               for visit_name in ("first", "revisit") for figure in ("bytes", "requests",
                                                                      "usable_s")},
        }  # fmt: skip
    new, old = figures["residents_page"], figures["streamlit_page"]
    for name, title in (("residents_page", "/boende"), ("streamlit_page", "För boende (/status)")):
        page = figures[name]
        print(f"  {title}: first visit {page['first_bytes'] / 1000:.0f} kB in "
              f"{page['first_requests']:.0f} requests, usable after "
              f"{page['first_usable_s']:.1f} s; revisit {page['revisit_bytes'] / 1000:.0f} kB, "
              f"{page['revisit_usable_s']:.1f} s")  # fmt: skip
    print(f"  GET /boende {server['page_median_ms']:.1f} ms; its style sheet "
          f"{server['style_sheet_median_ms']:.1f} ms")  # fmt: skip
    targets = [
        {"name": "/boende first visit bytes", "value": new["first_bytes"],
         "max": FIRST_VISIT_MAX_BYTES, "met": new["first_bytes"] <= FIRST_VISIT_MAX_BYTES},
        {"name": "/boende usable under Slow 3G (s)", "value": new["first_usable_s"],
         "max": USABLE_MAX_S, "met": new["first_usable_s"] <= USABLE_MAX_S},
        {"name": "/boende first visit bytes ÷ För boende's", "value":
         new["first_bytes"] / old["first_bytes"], "max": 0.1,
         "met": new["first_bytes"] <= 0.1 * old["first_bytes"]},
    ]  # fmt: skip
    for target in targets:
        verdict = "met" if target["met"] else "MISSED"
        print(f"  [{verdict}] {target['name']}: {target['value']:.3g} (at most {target['max']})")
    plan_figures = {"rounds": plan.rounds, "cpu_slowdown": plan.cpu_slowdown,
                    "server_rounds": plan.server_rounds}  # fmt: skip
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=targets, started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run this benchmark alone: ``python -m benchmarks.residents [--quick] [--out PATH]``."""
    return run_alone("python -m benchmarks.residents", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
