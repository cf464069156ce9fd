"""A button that asks the phone's browser for its GPS position (navigator.geolocation)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import streamlit as st

_JS = """
export default function(component) {
  const { data, setStateValue, parentElement } = component;
  const labels = JSON.parse(data);
  let button = parentElement.querySelector('button');
  if (!button) {
    button = document.createElement('button');
    button.type = 'button';
    parentElement.appendChild(button);
  }
  button.textContent = labels.button;
  button.onclick = () => {
    if (!navigator.geolocation) {
      setStateValue('position', { error: 'unsupported', at: Date.now() });
      return;
    }
    button.textContent = labels.waiting;
    navigator.geolocation.getCurrentPosition(
      (p) => {
        button.textContent = labels.button;
        setStateValue('position', {
          lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy,
          at: Date.now(),
        });
      },
      (e) => {
        button.textContent = labels.button;
        setStateValue('position', {
          error: e.code === 1 ? 'denied' : 'unavailable', at: Date.now(),
        });
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
    );
  };
}
"""
_CSS = """
button { width: 100%; padding: 0.6rem; border-radius: 0.5rem; border: 1px solid #888;
         background: #fff; font-size: 1rem; cursor: pointer; }
"""
_component = st.components.v2.component("safewalk_geolocation", js=_JS, css=_CSS)


@dataclass(frozen=True, slots=True)
class GpsReading:
    """What the browser reported: a position with accuracy, or an error code."""

    lon: float | None = None
    lat: float | None = None
    accuracy_m: float | None = None
    error: str | None = None


def gps_button(label: str, waiting: str, *, key: str) -> GpsReading | None:
    """Draw the button; return the last reading, or None before the first press."""
    result = _component(
        data=json.dumps({"button": label, "waiting": waiting}),
        key=key,
        on_position_change=lambda: None,
    )
    raw: Any = getattr(result, "position", None)
    if not isinstance(raw, dict):
        return None
    if raw.get("error"):
        return GpsReading(error=str(raw["error"]))
    return GpsReading(float(raw["lon"]), float(raw["lat"]), float(raw["accuracy"]))
