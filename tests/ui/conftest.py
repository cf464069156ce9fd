"""Fixtures of the page tests, which run the app's script in-process (Streamlit's AppTest)."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from streamlit.components.v2 import manifest_scanner


@pytest.fixture(autouse=True, scope="session")
def _installed_components_scanned_once() -> Iterator[None]:
    """Scan the installed packages for Streamlit components once per test run.

    Every AppTest scans them at its first run (about 80 ms: the metadata of every installed
    package read again); what is installed does not change while the tests run, and the app
    ships none of its own (its components are declared in its code).
    """
    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan
