"""QR codes of short texts (links): the grid of modules and PNG bytes, with segno."""

from __future__ import annotations

import io
from typing import Final

import segno

ERROR_CORRECTION: Final = "m"
"""Level M (15 %): a printed code still reads with a crease or a smudge; segno raises it
when the code's size leaves room."""
QUIET_ZONE: Final = 4
"""The light border a reader needs around the code, in modules (the standard's four)."""


def _qr_code(text: str) -> segno.QRCode:
    # make_qr, not make: a Micro QR code is smaller, but many phone cameras do not read it.
    return segno.make_qr(text, error=ERROR_CORRECTION)


def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """Return the QR code of ``text`` as rows of modules, True for dark, without the border.

    Whoever draws it leaves ``QUIET_ZONE`` light modules around it.
    """
    return tuple(tuple(bool(module) for module in row) for row in _qr_code(text).matrix)


def qr_png(text: str, *, module_px: int = 6) -> bytes:
    """Return the QR code of ``text`` as a black and white PNG, ``module_px`` pixels a module."""
    buffer = io.BytesIO()
    _qr_code(text).save(buffer, kind="png", scale=module_px, border=QUIET_ZONE)
    return buffer.getvalue()
