"""Joining a walk with one's own phone: the walk's QR code and short link, on the walks page."""

from __future__ import annotations

import streamlit as st

from ui import cache, session
from ui.i18n import t
from walks.core.model import Walk
from walks.fieldwork.joining import short_url


def show_join(walk: Walk, lang: str) -> None:
    """Show the QR code and the link that open the capture page with ``walk`` chosen."""
    url = short_url(session.workspace().settings.public_url, walk.area, walk.number)
    code, text = st.columns([1, 2], vertical_alignment="center")
    code.image(cache.qr_code(url), caption=t("join_code", lang), output_format="PNG")
    text.markdown(t("join_walk", lang))
    text.markdown(f"[`{url}`]({url})")
