"""Blacking out people and licence plates in an observation's photos, for coordinators.

The faces and plates found are boxes to keep or drop (a checkbox each); more boxes are
added with the mouse on the preview or typed as numbers (X, Y, width, height, in the
photo's pixels), so the keyboard does all the mouse does. Blacking out is for good, so it
asks first. The same use case as ``safewalk photo redact``.
"""

from __future__ import annotations

import streamlit as st

from gis.i18n import LocalizedError
from gis.redaction import Box, preview_jpeg
from ui import cache, session, state
from ui.box_drawing import draw_box
from ui.i18n import t
from walks.core.model import Observation, PhotoInfo
from walks.core.roles import Role
from walks.fieldwork.redaction import redact_observation_photo


def may_redact() -> bool:
    """Return whether this session's account may black out photos (who changes observations)."""
    account = session.workspace().account
    return account is None or account.at_least(Role.COORDINATOR)


def render(slug: str, observation: Observation, photos: list[PhotoInfo], lang: str) -> None:
    """Draw the redaction of one of ``observation``'s photos, when the account may do it."""
    if not photos or not may_redact():
        return
    done = st.session_state.pop(state.REDACT_DONE_KEY, None)
    with st.expander(t("redact_title", lang), expanded=done is not None):
        if done:
            st.success(done)
        st.caption(t("redact_intro", lang))
        numbers = list(range(1, len(photos) + 1))
        k = st.selectbox(t("redact_photo", lang), numbers, key=f"{state.REDACT_PICK_KEY}_"
                         f"{observation.uuid}",
                         format_func=lambda n: t("redact_photo_k", lang).format(k=n))  # fmt: skip
        _photo(slug, observation, k or 1, photos[(k or 1) - 1], lang)


def _photo(slug: str, observation: Observation, k: int, photo: PhotoInfo, lang: str) -> None:
    try:
        findings = cache.findings(slug, observation.number, k)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    hand_key = f"{state.REDACT_BOXES_KEY}_{photo.uuid}"
    hand: list[list[int]] = st.session_state.setdefault(hand_key, [])
    chosen: list[tuple[str, Box]] = []
    st.markdown(f"**{t('redact_found', lang)}**")
    if not findings:
        st.caption(t("redact_nothing", lang))
    label = 0
    for finding in findings:
        label += 1
        text = t(f"redact_{finding.kind.value}", lang)
        if st.checkbox(_box_text(label, text, finding.box, lang), value=True,
                       key=f"{state.REDACT_KEEP_KEY}_{photo.uuid}_{label}"):  # fmt: skip
            chosen.append((str(label), finding.box))
    for values in hand:
        label += 1
        box = Box(*values)
        if st.checkbox(_box_text(label, t("redact_own", lang), box, lang), value=True,
                       key=f"{state.REDACT_KEEP_KEY}_{photo.uuid}_{label}"):  # fmt: skip
            chosen.append((str(label), box))
    _typed_box(photo, hand, lang)
    image = cache.full_photo(slug, photo.uuid)
    if image is None:
        st.info(t("details_gone", lang))
        return
    preview, _ = preview_jpeg(image, chosen)
    st.caption(t("redact_draw", lang))
    alt = t("redact_alt", lang).format(count=len(chosen))
    drawn = draw_box(preview, width=photo.width, alt=alt, key=f"{state.REDACT_DRAW_KEY}_"
                     f"{photo.uuid}")  # fmt: skip
    if drawn is not None and _inside(drawn, photo):
        hand.append(drawn)
        st.rerun()
    _confirm(slug, observation, k, photo, [box for _, box in chosen], lang)


def _box_text(label: int, kind: str, box: Box, lang: str) -> str:
    return t("redact_box", lang).format(n=label, kind=kind, x=box.x, y=box.y, w=box.width,
                                        h=box.height)  # fmt: skip


def _inside(values: list[int], photo: PhotoInfo) -> bool:
    x, y, w, h = values
    return min(w, h) >= 1 and min(x, y) >= 0 and x + w <= photo.width and y + h <= photo.height


def _typed_box(photo: PhotoInfo, hand: list[list[int]], lang: str) -> None:
    """Draw the form that adds a box by its numbers, checked against the photo's size."""
    with st.form(f"{state.REDACT_FORM_KEY}_{photo.uuid}", clear_on_submit=True):
        st.markdown(t("redact_add", lang).format(width=photo.width, height=photo.height))
        columns = st.columns(4)
        names = ("redact_x", "redact_y", "redact_w", "redact_h")
        values = [
            column.number_input(t(name, lang), min_value=0, step=1, value=None,
                                key=f"{state.REDACT_FORM_KEY}_{photo.uuid}_{name}")
            for column, name in zip(columns, names, strict=True)
        ]  # fmt: skip
        added = st.form_submit_button(t("redact_add_button", lang))
    if not added:
        return
    if any(v is None for v in values):
        st.error(t("redact_missing", lang))
        return
    box = [int(v or 0) for v in values]
    if not _inside(box, photo):
        st.error(t("redact_outside", lang).format(width=photo.width, height=photo.height))
        return
    hand.append(box)
    st.rerun()


def _confirm(
    slug: str, observation: Observation, k: int, photo: PhotoInfo, boxes: list[Box], lang: str
) -> None:
    """Ask once more, then black out ``boxes`` for good."""
    sure = st.checkbox(t("redact_sure", lang), key=f"{state.REDACT_SURE_KEY}_{photo.uuid}")
    go = st.button(t("redact_button", lang).format(count=len(boxes)), type="primary",
                   disabled=not (sure and boxes),
                   key=f"{state.REDACT_SAVE_KEY}_{photo.uuid}")  # fmt: skip
    if not go:
        return
    try:
        with session.writing() as workspace:
            redact_observation_photo(workspace, slug, observation.number, k, boxes, actor="app")
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    cache.forget_photos()
    mine = (f"{state.REDACT_BOXES_KEY}_{photo.uuid}", f"{state.REDACT_SURE_KEY}_{photo.uuid}",
            f"{state.REDACT_KEEP_KEY}_{photo.uuid}_")  # fmt: skip
    for key in [key for key in st.session_state if str(key).startswith(mine)]:
        del st.session_state[key]
    done = t("redact_done", lang).format(k=k, number=observation.number, count=len(boxes))
    st.session_state[state.REDACT_DONE_KEY] = done
    st.rerun()
