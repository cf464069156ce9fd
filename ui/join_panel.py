"""Joining a walk with one's own phone: the walk's QR code and short link, on the walks page."""

from __future__ import annotations

import base64
import html

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
    picture = base64.b64encode(cache.qr_code(coded)).decode("ascii")
    alt = t("join_code_alt", lang).format(number=walk.number)
    code.html(  # an <img> of its own: st.image gives no text for those who cannot see it
        f'<figure style="margin:0"><img src="data:image/png;base64,{picture}" '
        f'alt="{html.escape(alt)}" style="width:100%;image-rendering:pixelated">'
        f"<figcaption>{html.escape(t('join_code', lang))}</figcaption></figure>"
    )
    text.markdown(t("join_walk", lang))
    text.markdown(f"[`{url}`]({url})")
