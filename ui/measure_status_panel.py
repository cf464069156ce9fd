"""Moving one measure of the action plan on (reason, note, photos), and its history."""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from gis.photos import process_photo
from ui import cache, session, state
from ui.i18n import t
from ui.widgets import PHOTO_TYPES, photo_upload_mb
from walks.actions.measures import HistoryEntry, Measure, change_status, next_status
from walks.core.clock import LOCAL_TIME
from walks.core.model import MeasureStatus
from walks.core.roles import actor_text


def render(slug: str, measures: list[Measure], lang: str) -> None:
    """Draw the form that moves one measure on (reason, note), then its history."""
    st.subheader(t("plan_change", lang))
    by_number = {m.number: m for m in measures}
    number = st.selectbox(t("measure", lang), list(by_number),
                          format_func=lambda n: f"{n}. {by_number[n].title}",
                          key=state.MEASURE_PICK_KEY, placeholder=t("choose", lang))  # fmt: skip
    with st.form(state.STATUS_FORM_KEY, clear_on_submit=True):
        current = by_number[number].status
        statuses = list(MeasureStatus)
        # The next step forward by default; the current status is no change.
        following = next_status(current)
        to = st.selectbox(t("plan_to", lang), statuses,
                          index=statuses.index(following or current),
                          placeholder=t("choose", lang),
                          format_func=lambda s: s.label.in_language(lang))  # fmt: skip
        reason = st.text_input(t("plan_reason", lang))
        note = st.text_area(t("plan_note", lang), height=68)
        limit = photo_upload_mb(session.workspace().settings.max_photo_bytes)
        uploads = st.file_uploader(t("plan_note_photos", lang), type=PHOTO_TYPES,
                                   accept_multiple_files=True, max_upload_size=limit,
                                   key=state.NOTE_PHOTOS_KEY)  # fmt: skip
        submitted = st.form_submit_button(t("plan_apply", lang), key=state.STATUS_SAVE_KEY)
    if submitted:
        try:
            max_bytes = session.workspace().settings.max_photo_bytes
            photos = [process_photo(u.getvalue(), max_bytes=max_bytes) for u in uploads or []]
            with session.writing() as workspace:
                moved = change_status(workspace, slug, number, MeasureStatus(to), actor="app",
                                      reason=reason, note=note, photos=photos)  # fmt: skip
        except LocalizedError as error:
            st.error(error.message(lang))
        else:
            label = moved.status.label.in_language(lang).lower()
            st.success(t("plan_moved", lang).format(number=moved.number, status=label))
    st.markdown(f"**{t('plan_history', lang)}**")
    history = cache.history(slug, number)
    _history_table(history, lang)
    noted = [e.note_uuid for e in history if e.photos]
    if noted:
        thumbnails = cache.thumbnails(slug, noted)
        st.caption(t("photos", lang))
        for entry in (e for e in history if e.photos):
            local = entry.at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
            alt = t("note_photo_alt", lang).format(when=local)
            st.image(thumbnails.get(entry.note_uuid, []), width=160,
                     caption=[f"{local}: {entry.note}"] * entry.photos,
                     alt=[alt] * entry.photos)  # fmt: skip


def _history_table(history: list[HistoryEntry], lang: str) -> None:
    st.dataframe(
        [
            {
                t("details_time", lang): e.at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
                t("who", lang): actor_text(e.actor).in_language(lang),
                t("what", lang): e.note
                or "; ".join(f"{k}: {old} → {new}" for k, (old, new) in e.changes.items()),
                t("photos", lang): e.photos or None,
            }
            for e in history
        ],
        hide_index=True,
    )
