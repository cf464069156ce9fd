"""Browser benchmark: registration page load, and time from pressing save to the confirmation.

Run: ``.venv/bin/python -m benchmarks.browser [--rounds N] [--out PATH]``

Starts the app on a free localhost port with a fresh copy of the seeded workspace, drives
Debian's Chromium with Playwright at a 390×844 phone viewport, network closed except the app.
Baselines measured in the same run, interleaved: loading the help page (the smallest page),
and pressing save on an empty form (the same round trip and validation, nothing written).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.appserver import running_app, wait_until_idle
from walks.core.config import settings_from_env
from walks.fieldwork.startup import open_workspace

ROOT = Path(__file__).resolve().parents[1]


def load(page: Page, url: str, text: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name=text).wait_for(timeout=60_000)
    return time.perf_counter() - start


def save_once(page: Page, number: int) -> float:
    leaflet = page.frame_locator("iframe").first.locator(".leaflet-container")
    box = leaflet.bounding_box()
    assert box is not None
    leaflet.click(position={"x": box["width"] / 2 + number, "y": box["height"] / 2})
    page.get_by_text("Vald position:").wait_for(timeout=30_000)
    wait_until_idle(page)  # that run done: the form no longer moves under the click
    page.get_by_text("Trasig lampa").click()
    start = time.perf_counter()
    page.get_by_role("button", name="Spara").click()
    page.get_by_text(f"Sparad som nr {number} ").wait_for(timeout=30_000)
    return time.perf_counter() - start


def refused_once(page: Page) -> float:
    """Press save on the cleared form (no position yet): the same round trip, nothing written."""
    start = time.perf_counter()
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Ingen position").wait_for(timeout=30_000)
    return time.perf_counter() - start


def summary(samples: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(samples) * 1000, "n": len(samples)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/browser.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "workspace"
        open_workspace(settings_from_env({}, workspace=str(workspace)))
        with running_app(workspace) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.route(
                "**/*",
                lambda route, request: route.continue_()
                if request.url.startswith(url) else route.abort(),
            )  # fmt: skip
            page = context.new_page()
            loads, help_loads = [], []
            for _ in range(5):
                help_loads.append(load(page, f"{url}/help", "Hjälp"))
                loads.append(load(page, f"{url}/register", "Registrera en iakttagelse"))
            saves, reruns = [], []
            first_number = 5  # Grimsta holds four demo observations
            for i in range(args.rounds):
                saves.append(save_once(page, first_number + i))
                reruns.append(refused_once(page))
            browser.close()
    results = {
        "register_page_load": summary(loads),
        "help_page_load_baseline": summary(help_loads),
        "save_to_confirmation": summary(saves),
        "save_refused_by_validation_baseline": summary(reruns),
    }
    for name, figures in results.items():
        print(f"{name:32} {figures['median_ms']:8.0f} ms  (n={figures['n']})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
