"""safewalk's entry point: ``streamlit run app.py`` serves the pages and the HTTP side.

Streamlit reads this file in two ways. The server imports it (as the module ``app``) and
serves ``app``: Streamlit with the routes of ``walks.web`` beside it (the JSON API under
``/api/v1``, the phone's capture page), in one process on one port. For each page view it
runs it (as ``__main__``), which draws the pages (``ui.main``).
"""

from __future__ import annotations

import streamlit as st

if __name__ == "__main__":
    from ui import main

    main.run()
else:
    from walks.web import routes
    from walks.web.sockets import answer_without_delay

    answer_without_delay()
    app = st.App(__file__, routes=routes())
