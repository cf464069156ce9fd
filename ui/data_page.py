"""The data page: observations imported (previewed first) and exported; reference layers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from gis.crs import SYSTEM_NAMES, system_title
from gis.i18n import LocalizedError
from ui import cache, retention_panel, session, state, widgets
from ui.i18n import t
from walks.core.model import ReferenceKind
from walks.exchange.importing import import_upload
from walks.fieldwork.reference import CREDIT_MAX_CHARS, add_reference_from_file

REFERENCE_TYPES = ["geojson", "json", "gpkg", "zip", "kml", "gml"]


def _reference_upload(lang: str) -> None:
    st.header(t("data_reference", lang))
    st.caption(t("data_reference_intro", lang))
    areas = {area.slug: area.name for area in cache.areas()}
    organisations = {o.id: o.name.in_language(lang) for o in cache.organisations()}
    with st.form(state.REFERENCE_FORM_KEY, clear_on_submit=True):
        left, right = st.columns(2)
        slug = left.selectbox(t("area", lang), list(areas), format_func=areas.__getitem__,
                              placeholder=t("choose", lang),
                              key=state.REFERENCE_AREA_KEY)  # fmt: skip
        kind = right.selectbox(t("data_kind", lang), list(ReferenceKind),
                               index=list(ReferenceKind).index(ReferenceKind.OWNERS),
                               format_func=lambda k: k.label.in_language(lang),
                               placeholder=t("choose", lang),
                               key=state.REFERENCE_KIND_KEY)  # fmt: skip
        owner = st.selectbox(t("data_owner", lang), ["", *organisations],
                             format_func=lambda o: organisations.get(o, t("data_owner_column",
                                                                          lang)),
                             placeholder=t("choose", lang),
                             key=state.REFERENCE_OWNER_KEY)  # fmt: skip
        left, right = st.columns(2)
        source = left.text_input(t("data_source", lang), help=t("data_source_help", lang),
                                 max_chars=CREDIT_MAX_CHARS,
                                 key=state.REFERENCE_SOURCE_KEY)  # fmt: skip
        licence = right.text_input(t("data_licence", lang), help=t("data_licence_help", lang),
                                   max_chars=CREDIT_MAX_CHARS,
                                   key=state.REFERENCE_LICENCE_KEY)  # fmt: skip
        upload = st.file_uploader(t("data_file", lang), type=REFERENCE_TYPES,
                                  key=state.REFERENCE_FILE_KEY)  # fmt: skip
        submitted = st.form_submit_button(t("data_load", lang), key=state.REFERENCE_SAVE_KEY)
    if not submitted:
        return
    if upload is None:
        st.error(t("data_no_file", lang))
        return
    if slug is None or kind is None:
        st.error(t("data_no_area_or_kind", lang))
        return
    try:
        with tempfile.TemporaryDirectory() as folder:
            # GDAL reads files by name: the upload is kept under its own name for it.
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            with session.writing() as workspace:
                loaded = add_reference_from_file(
                    workspace, slug, kind, path, organisation=owner or None, source=source,
                    licence=licence, actor="app",
                )  # fmt: skip
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
            [{t("data_row", lang): row, t("why", lang): why.in_language(lang)}
             for row, why in loaded.refused],
            hide_index=True,
        )  # fmt: skip


EXPORT_KINDS = {
    "gpkg": "GeoPackage (QGIS)", "geojson": "GeoJSON", "csv": "CSV (Excel)",
    "xlsx": "Excel", "kml": "KML (Google Earth)", "shp": "Shapefile (zip)",
}  # fmt: skip


def _export(lang: str) -> None:
    """Draw the export: area or all, layers, format; the file is made on request."""
    st.header(t("data_export", lang))
    st.caption(t("data_export_intro", lang))
    areas = {area.slug: area.name for area in cache.areas()}
    titles = {s.name: s.title.in_language(lang) for s in session.workspace().catalog.categories}
    left, right = st.columns(2)
    slug = left.selectbox(t("area", lang), ["", *areas], index=1 if areas else 0,
                          format_func=lambda s: areas.get(s, t("every_area", lang)),
                          key=state.EXPORT_AREA_KEY, placeholder=t("choose", lang))  # fmt: skip
    kind = right.selectbox(t("data_format", lang), list(EXPORT_KINDS),
                           format_func=EXPORT_KINDS.__getitem__,
                           key=state.EXPORT_KIND_KEY, placeholder=t("choose", lang))  # fmt: skip
    layers = st.multiselect(t("categories", lang), list(titles), format_func=titles.__getitem__,
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
    st.caption(t("data_with_photos" if kind == "gpkg" else "data_without_photos", lang))


IMPORT_TYPES = ["geojson", "json", "gpkg", "zip", "kml", "kmz", "gpx", "csv", "xlsx"]


def _asked_values(
    lang: str, name: str, data: bytes, mapping: bytes | None, *, category: str,
    layer: str | None, crs: str | None,
) -> dict[str, object] | None:  # fmt: skip
    """Ask a value for each required field of ``category`` the file fills in no row.

    Returns the values given, or None while one is still to be chosen (no preview yet:
    it would reject every row).
    """
    try:
        missing = cache.unfilled_fields(name, data, mapping, category=category, layer=layer,
                                        crs=crs)  # fmt: skip
    except LocalizedError:
        return {}  # the preview says what is wrong with the file
    if not missing:
        return {}
    spec = session.workspace().catalog.category(category)
    st.caption(t("data_missing_fields", lang).format(category=spec.title.in_language(lang)))
    yes_no = (t("data_yes", lang), t("data_no", lang))
    values = {
        field: widgets.field_choice(spec.field(field), lang, yes_no=yes_no,
                                    placeholder=t("choose", lang),
                                    key=state.import_field_key(category, field))
        for field in missing
    }  # fmt: skip
    if any(value is None for value in values.values()):
        st.info(t("data_answer_first", lang))
        return None
    return values


def _import(lang: str) -> None:
    """Draw the import: upload, a dry run's report as the preview, then the import itself."""
    st.header(t("data_import", lang))
    st.caption(t("data_import_intro", lang))
    titles = {s.name: s.title.in_language(lang) for s in session.workspace().catalog.categories}
    areas = {area.slug: area.name for area in cache.areas()}
    upload = st.file_uploader(t("data_file", lang), type=IMPORT_TYPES, key=state.IMPORT_FILE_KEY)
    left, right = st.columns(2)
    category = left.selectbox(t("category", lang), ["", *titles],
                              format_func=lambda c: titles.get(c, t("data_from_file", lang)),
                              placeholder=t("choose", lang),
                              key=state.IMPORT_CATEGORY_KEY)  # fmt: skip
    area = right.selectbox(t("area", lang), ["", *areas],
                           format_func=lambda a: areas.get(a, t("data_where_it_lies", lang)),
                           key=state.IMPORT_AREA_KEY, placeholder=t("choose", lang))  # fmt: skip
    rules = st.file_uploader(t("data_mapping", lang), type=["toml"], key=state.IMPORT_MAPPING_KEY)
    from_file = t("data_crs_from_file", lang)
    crs = st.selectbox(t("data_crs", lang), ["", *SYSTEM_NAMES.values()],
                       format_func=lambda c: system_title(c) if c else from_file,
                       accept_new_options=True, help=t("data_crs_help", lang),
                       key=state.IMPORT_CRS_KEY)  # fmt: skip
    if upload is None:
        return
    data = upload.getvalue()
    layers = cache.upload_layers(upload.name, data)
    layer = None
    if len(layers) > 1 and not set(layers) & set(session.workspace().catalog.names):
        # A partner's GeoPackage of several layers; safewalk's own imports every category.
        layer = st.selectbox(
            t("data_layer", lang), layers, key=state.IMPORT_LAYER_KEY, placeholder=t("choose", lang)
        )
    options = {"area": area or None, "category": category or None, "layer": layer,
               "crs": (crs or "").strip() or None}  # fmt: skip
    mapping = rules.getvalue() if rules is not None else None
    fields = _asked_values(lang, upload.name, data, mapping, category=category,
                           layer=layer, crs=options["crs"]) if category else {}  # fmt: skip
    if fields is None:
        return
    confirm = st.button(t("data_import_confirm", lang), type="primary",
                        key=state.IMPORT_CONFIRM_KEY)  # fmt: skip
    try:
        if confirm:
            bar = st.progress(0.0, text=t("data_checking", lang))

            def show(done: int, total: int) -> None:
                text = t("data_checked", lang).format(done=done, total=total)
                bar.progress(done / max(total, 1), text=text)

            with session.writing() as workspace:
                report = import_upload(workspace, upload.name, data, mapping=mapping,
                                       actor="app", progress=show, fields=fields,
                                       **options)  # fmt: skip
            bar.empty()
        else:  # the preview: kept until the file, the choices or the data change
            report = cache.import_preview(upload.name, data, mapping, fields=fields, **options)
    except LocalizedError as error:
        st.error(error.message(lang))
        return
    names = ", ".join(f"{areas.get(s, s)} {n}" for s, n in report.areas.items()) or "-"
    key = "data_imported" if report.written else "data_preview"
    st.info(t(key, lang).format(accepted=report.accepted, areas=names,
                                repaired=len(report.repaired), rejected=len(report.rejected),
                                already=report.already))  # fmt: skip
    for note in report.notes:
        st.caption(note.in_language(lang))
    outcomes = [(k, why, "data_rejected") for k, why in report.rejected]
    outcomes += [(k, what, "data_repaired") for k, what in report.repaired]
    rows = [
        {
            t("data_row", lang): k,
            t("data_outcome", lang): t(outcome, lang),
            t("why", lang): text.in_language(lang),
        }
        for k, text, outcome in sorted(outcomes, key=lambda item: item[0])
    ]
    if rows:
        st.dataframe(rows, hide_index=True)
    used = [
        {t("category", lang): titles.get(category, category),
         t("data_column", lang): column, t("data_field", lang): name}
        for category, columns in report.mapping.items() for column, name in columns.items()
    ]  # fmt: skip
    if used:
        st.caption(t("data_mapping_used", lang))
        st.dataframe(used, hide_index=True)


def render() -> None:
    """Draw the page."""
    lang = state.language()
    st.title(t("page_data", lang))
    _import(lang)
    _export(lang)
    _reference_upload(lang)
    retention_panel.render(lang)
