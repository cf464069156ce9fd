"""Joining a walk with one's own phone: the walk's QR code and short link, on the walks page."""

from __future__ import annotations

import streamlit as st

from ui import cache, session
from ui.i18n import t
from walks.core.model import Walk
from walks.fieldwork.joining import capture_url, short_url


def show_join(walk: Walk, lang: str) -> None:
    """Show the QR code and the link that open the capture page with ``walk`` chosen.

    The code holds the capture page's own address (a phone that has opened the page before
    opens it offline too); the short link is for typing.
    """
    base = session.workspace().settings.public_url
    url = short_url(base, walk.area, walk.number)
    coded = capture_url(base, walk.area, walk.number)
    code, text = st.columns([1, 2], vertical_alignment="center")
    code.image(cache.qr_code(coded), caption=t("join_code", lang), output_format="PNG")
    text.markdown(t("join_walk", lang))
    text.markdown(f"[`{url}`]({url})")
