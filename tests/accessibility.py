"""Checking a page in the browser against WCAG 2.1 A and AA with axe-core (vendored).

``tests/e2e/vendor/axe-core`` holds axe-core; nothing is fetched from the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE: Final = Path(__file__).parent / "e2e" / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA: Final = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
GRAVE: Final = ("serious", "critical")


def grave_violations(page: Page) -> list[dict[str, Any]]:
    """Return axe-core's serious and critical WCAG 2.1 A/AA violations on ``page`` as drawn.

    Its frames (a map, a component) are checked too. Each violation as
    ``{"id", "impact", "help", "targets"}``, so a failing test says what and where; a target
    in a frame is the frame's selector and then the element's.
    """
    # A Streamlit page redrawing fades what it has not redrawn yet (its stale elements): read
    # by axe then, their text fails the contrast rule though the page the user reads passes.
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')",
                           timeout=30_000)  # fmt: skip
    for frame in page.frames:
        if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
            # evaluated by the browser's debugger, as a page's own scripts are not: the
            # page's Content-Security-Policy (no inline scripts) stays as it is for the check
            frame.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [node["target"] for node in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in GRAVE
    ]  # fmt: skip
