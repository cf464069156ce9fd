"""Form widgets built from the layer catalog: one input per category field."""

from __future__ import annotations

import math

import streamlit as st

from walks.core.model import FieldSpec, LayerSpec

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif"]
"""The photo files the upload fields take."""


def photo_upload_mb(max_photo_bytes: int) -> int:
    """Return the photo fields' size limit in whole megabytes (Streamlit's unit), rounded up.

    The field says it and refuses a larger photo at once; ``gis.photos`` checks the exact
    limit when the photo is saved.
    """
    return max(1, math.ceil(max_photo_bytes / 1_000_000))


def field_input(spec: FieldSpec, language: str, *, key: str) -> object:
    """Draw the input for one catalog field and return its value (None when left empty)."""
    label = spec.title.in_language(language) + (" *" if spec.required else "")
    if spec.unit:
        label += f" ({spec.unit})"
    if spec.values:
        # Radio buttons, not a dropdown: one tap on a phone, all choices visible.
        return st.radio(
            label,
            spec.allowed,
            index=None,
            format_func=lambda v: spec.value_title(v, language),
            key=key,
            horizontal=True,
        )
    if spec.type == "boolean":
        return st.checkbox(label, key=key)
    if spec.type in ("integer", "real"):
        step = 1 if spec.type == "integer" else 0.5
        return st.number_input(label, value=None, step=step, key=key)
    return st.text_input(label, key=key) or None


def field_choice(spec: FieldSpec, language: str, *, yes_no: tuple[str, str], placeholder: str,
                 key: str) -> object:  # fmt: skip
    """Draw a choice of one value for a required field, as a dropdown; None until chosen.

    A closed list offers its values by their titles, a yes/no field ``yes_no``; any other
    field is typed.
    """
    label = spec.title.in_language(language) + " *"
    if spec.values:
        return st.selectbox(label, spec.allowed, index=None, placeholder=placeholder, key=key,
                            format_func=lambda v: spec.value_title(v, language))  # fmt: skip
    if spec.type == "boolean":
        return st.selectbox(label, [True, False], index=None, placeholder=placeholder, key=key,
                            format_func=lambda v: yes_no[0] if v else yes_no[1])  # fmt: skip
    return st.text_input(label, key=key) or None


def category_inputs(layer: LayerSpec, language: str, *, key: str) -> dict[str, object]:
    """Draw the inputs of a category's own fields; return ``{field: value}`` of filled ones."""
    values = {
        f.name: field_input(f, language, key=f"{key}_{layer.name}_{f.name}") for f in layer.fields
    }
    return {name: value for name, value in values.items() if value is not None}
