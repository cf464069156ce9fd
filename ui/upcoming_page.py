"""Pages not built yet: each says plainly what it will do, and does not pretend."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui import state
from ui.i18n import t


def page(title_key: str, body_key: str) -> Callable[[], None]:
    """Return a page function that explains the coming feature ``body_key``."""

    def render() -> None:
        lang = state.language()
        st.title(t(title_key, lang))
        st.warning(t("not_built", lang))
        st.markdown(t(body_key, lang))

    render.__name__ = f"render_{title_key}"
    return render
