"""The registration form: the category's fields, severity, text, photos and typed coordinates.

``draw`` draws it and returns what it holds; ``save`` stores that as an observation.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from gis.i18n import LocalizedError
from gis.photos import process_photo
from ui import session, state
from ui.i18n import t
from ui.widgets import PHOTO_TYPES, category_inputs, photo_upload_mb
from walks.core.model import DrawnShape, LayerSpec, Observation, ObservationDraft, Position
from walks.fieldwork.recording import choose_position, record_observation


@dataclass(frozen=True, slots=True)
class Entry:
    """What the form holds (as last sent), and whether it was sent in this run."""

    fields: dict[str, object]
    severity: int | None
    description: str
    uploads: list[UploadedFile]
    typed: tuple[float | None, float | None]
    submitted: bool


def draw(spec: LayerSpec, lang: str) -> Entry:
    """Draw the form; return what it holds."""
    # Kept after a failed save (to try again); emptied after a good one (state).
    with st.form(state.REGISTER_FORM_KEY, clear_on_submit=False):
        fields = category_inputs(spec, lang, key=state.REGISTER_FORM_KEY)
        severity = None
        if spec.severity is not None:
            levels = {level.value: level.title.in_language(lang) for level in spec.severity.levels}
            severity = st.segmented_control(
                t("severity", lang), list(levels), format_func=lambda v: levels[v],
                key=state.REGISTER_SEVERITY_KEY,
            )  # fmt: skip
        description = st.text_area(t("description", lang), height=80,
                                   key=state.REGISTER_DESCRIPTION_KEY)  # fmt: skip
        limit = photo_upload_mb(session.workspace().settings.max_photo_bytes)
        uploads = st.file_uploader(t("photos", lang), type=PHOTO_TYPES,
                                   accept_multiple_files=True, max_upload_size=limit,
                                   key=state.REGISTER_PHOTOS_KEY)  # fmt: skip
        left, right = st.columns(2)
        lon = left.number_input(t("longitude", lang), value=None, format="%.6f",
                                key=state.REGISTER_LON_KEY)  # fmt: skip
        lat = right.number_input(t("latitude", lang), value=None, format="%.6f",
                                 key=state.REGISTER_LAT_KEY)  # fmt: skip
        submitted = st.form_submit_button(
            t("save", lang), type="primary", use_container_width=True, key=state.REGISTER_SAVE_KEY
        )
    return Entry(fields, int(severity) if severity is not None else None, description,
                  list(uploads or []), (lon, lat), submitted)  # fmt: skip


def save(
    spec: LayerSpec,
    entry: Entry,
    pointed: Position | DrawnShape | None,
    *,
    area: str | None,
    walk: str | None,
    lang: str,
) -> Observation | None:
    """Store the observation at ``pointed`` (else at its first photo's position); return it.

    ``area``: the area chosen over the position's, if any. None when refused (said on the page).
    """
    max_bytes = session.workspace().settings.max_photo_bytes
    try:
        photos = [process_photo(u.getvalue(), max_bytes=max_bytes) for u in entry.uploads]
        position = pointed or choose_position(photos=photos)
        if position is None:
            st.error(t("no_position", lang))
            return None
        draft = ObservationDraft(
            category=spec.name, position=position, created_by="app", severity=entry.severity,
            description=entry.description, fields=entry.fields, photos=tuple(photos),
        )  # fmt: skip
        with session.writing() as workspace:
            return record_observation(workspace, draft, area=area, walk=walk)
    except LocalizedError as error:
        st.error(error.message(lang))
        return None
