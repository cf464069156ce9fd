"""Drawing a box on a photo with the mouse (or a finger): a small component of the app's own.

No library and nothing from another site: a picture, a rubber band while dragging, and the
box sent back in the photo's own pixels when the button is let go. The same boxes are
typed as numbers beside it, for the keyboard (``ui.redaction_panel``).
"""

from __future__ import annotations

import base64
from typing import Final

import streamlit as st

_HTML: Final = '<div class="sw-draw"></div>'
_CSS: Final = """
.sw-draw { position: relative; display: inline-block; max-width: 100%; }
.sw-draw img { display: block; max-width: 100%; cursor: crosshair; touch-action: none;
  user-select: none; }
.sw-band { position: absolute; border: 3px dashed #ffd600; outline: 1px solid #000;
  pointer-events: none; }
"""
_JS: Final = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector('.sw-draw');
  root.replaceChildren();
  const img = document.createElement('img');
  img.src = data.src;
  img.alt = data.alt;
  img.draggable = false;
  const band = document.createElement('div');
  band.className = 'sw-band';
  band.hidden = true;
  root.append(img, band);
  let start = null;
  const at = (event) => {
    const r = img.getBoundingClientRect();
    return [Math.min(Math.max(event.clientX - r.left, 0), r.width),
            Math.min(Math.max(event.clientY - r.top, 0), r.height)];
  };
  const show = (a, b) => {
    band.style.left = `${Math.min(a[0], b[0])}px`;
    band.style.top = `${Math.min(a[1], b[1])}px`;
    band.style.width = `${Math.abs(a[0] - b[0])}px`;
    band.style.height = `${Math.abs(a[1] - b[1])}px`;
  };
  img.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    start = at(event);
    img.setPointerCapture(event.pointerId);
    band.hidden = false;
    show(start, start);
  });
  img.addEventListener('pointermove', (event) => { if (start) show(start, at(event)); });
  img.addEventListener('pointerup', (event) => {
    if (!start) return;
    const end = at(event);
    const scale = data.width / img.getBoundingClientRect().width;
    const x = Math.round(Math.min(start[0], end[0]) * scale);
    const y = Math.round(Math.min(start[1], end[1]) * scale);
    const w = Math.round(Math.abs(start[0] - end[0]) * scale);
    const h = Math.round(Math.abs(start[1] - end[1]) * scale);
    start = null;
    band.hidden = true;
    if (w >= 4 && h >= 4) setTriggerValue('drawn', [x, y, w, h]);
  });
}
"""

_drawing = st.components.v2.component("safewalk_box_drawing", html=_HTML, css=_CSS, js=_JS)


def draw_box(preview: bytes, *, width: int, alt: str, key: str) -> list[int] | None:
    """Show ``preview`` (a JPEG) and return a box just drawn on it, in the photo's pixels.

    ``width``: the photo's own width, which the preview's boxes are scaled to. Returns
    ``[x, y, width, height]`` on the run after a box was drawn, else None.
    """
    src = "data:image/jpeg;base64," + base64.b64encode(preview).decode("ascii")
    result = _drawing(data={"src": src, "width": width, "alt": alt}, key=key,
                      on_drawn_change=lambda: None)  # fmt: skip
    drawn = getattr(result, "drawn", None)
    if isinstance(drawn, list) and len(drawn) == 4:
        return [int(value) for value in drawn]
    return None
