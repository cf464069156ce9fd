"""The data page: reference layers (owners, lamps, stops, …) loaded from a file.

Import and export of observations and areas come later (``future_data``); what is here
is what the routing and the analyses need today.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from gis.i18n import LocalizedError
from ui import cache, state
from ui.i18n import t
from walks.model import ReferenceKind
from walks.reference import add_reference_from_file

REFERENCE_TYPES = ["geojson", "json", "gpkg", "zip", "kml", "gml"]


def _reference_upload(lang: str) -> None:
    st.subheader(t("data_reference", lang))
    st.caption(t("data_reference_intro", lang))
    areas = {area.slug: area.name for area in cache.areas()}
    organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
    with st.form(state.REFERENCE_FORM_KEY, clear_on_submit=True):
        left, right = st.columns(2)
        slug = left.selectbox(t("area", lang), list(areas), format_func=areas.__getitem__,
                              key=state.REFERENCE_AREA_KEY)  # fmt: skip
        kind = right.selectbox(t("data_kind", lang), list(ReferenceKind),
                               index=list(ReferenceKind).index(ReferenceKind.OWNERS),
                               format_func=lambda k: k.label.in_language(lang),
                               key=state.REFERENCE_KIND_KEY)  # fmt: skip
        owner = st.selectbox(t("data_owner", lang), ["", *organisations],
                             format_func=lambda o: organisations.get(o, t("data_owner_column",
                                                                          lang)),
                             key=state.REFERENCE_OWNER_KEY)  # fmt: skip
        upload = st.file_uploader(t("data_file", lang), type=REFERENCE_TYPES,
                                  key=state.REFERENCE_FILE_KEY)  # fmt: skip
        submitted = st.form_submit_button(t("data_load", lang), key=state.REFERENCE_SAVE_KEY)
    if not submitted:
        return
    if upload is None:
        st.error(t("data_no_file", lang))
        return
    try:
        with tempfile.TemporaryDirectory() as folder:
            # GDAL reads files by name: the upload is kept under its own name for it.
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            with cache.writing() as workspace:
                loaded = add_reference_from_file(
                    workspace, slug, kind, path, organisation=owner or None, actor="app"
                )
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    st.success(
        t("data_loaded", lang).format(
            added=loaded.added, already=loaded.already_there, outside=loaded.outside_area,
            refused=len(loaded.refused), area=areas[loaded.area],
        )
    )  # fmt: skip
    if loaded.refused:
        st.dataframe(
            [{t("data_row", lang): row, t("data_reason", lang): why.in_language(lang)}
             for row, why in loaded.refused],
            hide_index=True,
        )  # fmt: skip


EXPORT_KINDS = {
    "gpkg": "GeoPackage (QGIS)", "geojson": "GeoJSON", "csv": "CSV (Excel)",
    "xlsx": "Excel", "kml": "KML (Google Earth)", "shp": "Shapefile (zip)",
}  # fmt: skip


def _export(lang: str) -> None:
    """Draw the export: area or all, layers, format; the file is made on request."""
    st.subheader(t("data_export", lang))
    st.caption(t("data_export_intro", lang))
    areas = {area.slug: area.name for area in cache.areas()}
    titles = {s.name: s.title.in_language(lang) for s in cache.workspace().catalog.categories}
    left, right = st.columns(2)
    slug = left.selectbox(t("area", lang), ["", *areas], index=1 if areas else 0,
                          format_func=lambda s: areas.get(s, t("data_all_areas", lang)),
                          key=state.EXPORT_AREA_KEY)  # fmt: skip
    kind = right.selectbox(t("data_format", lang), list(EXPORT_KINDS),
                           format_func=EXPORT_KINDS.__getitem__,
                           key=state.EXPORT_KIND_KEY)  # fmt: skip
    layers = st.multiselect(t("print_layers", lang), list(titles), format_func=titles.__getitem__,
                            placeholder=t("print_all_layers", lang),
                            key=state.EXPORT_LAYERS_KEY)  # fmt: skip
    wanted = (slug, tuple(layers), kind)
    if st.button(t("data_make", lang), key=state.EXPORT_MAKE_KEY):
        st.session_state[state.EXPORT_READY_KEY] = wanted
    if st.session_state.get(state.EXPORT_READY_KEY) != wanted:
        return
    try:
        data, count, name = cache.exported(*wanted)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    st.download_button(t("data_download", lang).format(count=count, name=name), data=data,
                       file_name=name, on_click="ignore", type="primary",
                       key=state.EXPORT_DOWNLOAD_KEY)  # fmt: skip


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("page_data", lang))
    _reference_upload(lang)
    _export(lang)
    st.subheader(t("data_more", lang))
    st.info(t("future_data", lang))
