"""Every session-state key of the app, once, with typed access.

Widget keys are session-state keys too: every widget ``key=`` comes from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import streamlit as st

from gis.i18n import DEFAULT_LANGUAGE, LANGUAGES
from walks.core.model import Observation
from walks.core.roles import Account

LANGUAGE_KEY: Final = "language"

REGISTER_AREA_KEY: Final = "register_area"
"""The area chosen over the position's on the registration page (None: the position's)."""
REGISTER_WALK_KEY: Final = "register_walk"
REGISTER_CATEGORY_KEY: Final = "register_category"
REGISTER_GPS_KEY: Final = "register_gps"
REGISTER_FORM_KEY: Final = "register"
"""Also the prefix of the category fields' keys: ``register_<category>_<field>``."""
REGISTER_DESCRIPTION_KEY: Final = "register_description"
REGISTER_LON_KEY: Final = "register_lon"
REGISTER_LAT_KEY: Final = "register_lat"
REGISTER_SAVE_KEY: Final = "register_save"
UNDO_KEY: Final = "register_undo"
_LAST_OBSERVATION_KEY: Final = "last_observation"

MAP_AREAS_KEY: Final = "map_areas"
MAP_CATEGORIES_KEY: Final = "map_categories"
MAP_STATUSES_KEY: Final = "map_statuses"
MAP_LIGHT_KEY: Final = "map_light"
MAP_SEVERITIES_KEY: Final = "map_severities"
MAP_KIND_KEY: Final = "map_kind"
"""Positive places, problems or both."""
MAP_WALKS_KEY: Final = "map_walks"
MAP_DATES_KEY: Final = "map_dates"
MAP_FILL_KEY: Final = "map_fill"
MAP_ANALYSES_KEY: Final = "map_analysis"
MAP_BEFORE_KEY: Final = "map_change_before"
MAP_AFTER_KEY: Final = "map_change_after"
MAP_SORT_KEY: Final = "map_sort"
MAP_ORDER_KEY: Final = "map_order"
MAP_KEY: Final = "overview_map"
MAP_CHOICES: Final = (
    MAP_AREAS_KEY, MAP_CATEGORIES_KEY, MAP_STATUSES_KEY, MAP_LIGHT_KEY, MAP_SEVERITIES_KEY,
    MAP_KIND_KEY, MAP_WALKS_KEY, MAP_DATES_KEY, MAP_FILL_KEY, MAP_ANALYSES_KEY, MAP_BEFORE_KEY,
    MAP_AFTER_KEY, MAP_SORT_KEY, MAP_ORDER_KEY,
)  # fmt: skip
"""The map page's filters and choices: kept while the user is on another page."""

WALK_AREA_KEY: Final = "walk_area"
WALK_DATE_KEY: Final = "walk_date"
WALK_DETAIL_KEY: Final = "walk_detail"
PLAN_FORM_KEY: Final = "plan_walk"
PLAN_TITLE_KEY: Final = "plan_title"
PLAN_NOTES_KEY: Final = "plan_notes"
PLAN_SAVE_KEY: Final = "plan_save"
PLAN_KIND_KEY: Final = "plan_kind"
PLAN_ORGANISATIONS_KEY: Final = "plan_organisations"
PLAN_OTHER_ORGANISATIONS_KEY: Final = "plan_other_organisations"
PLAN_GPX_KEY: Final = "plan_gpx"
PLAN_MAP_KEY: Final = "plan_map"
MEASURE_AREA_KEY: Final = "measure_area"
PLAN_OBSERVATIONS_KEY: Final = "measure_observations"
MEASURE_FORM_KEY: Final = "measure_form"
MEASURE_SAVE_KEY: Final = "measure_save"
MEASURE_PICK_KEY: Final = "measure_pick"
INBOX_PICK_KEY: Final = "inbox_pick"
INBOX_CATEGORY_KEY: Final = "inbox_category"
"""Also the prefix of the accept form's category fields: ``inbox_category_<category>_<field>``."""
INBOX_REASON_KEY: Final = "inbox_reason"
INBOX_ACCEPT_KEY: Final = "inbox_accept"
INBOX_REJECT_KEY: Final = "inbox_reject"
INBOX_DONE_KEY: Final = "inbox_done"
"""What became of the report last handled, said once after the page is drawn again."""
OPEN311_SEND_KEY: Final = "open311_send"
OPEN311_SYNC_KEY: Final = "open311_sync"
OPEN311_DONE_KEY: Final = "open311_done"
"""What the last send or sync of the city's fault-report system did, said once after the
page is drawn again."""
STATUS_FORM_KEY: Final = "measure_status_form"
STATUS_SAVE_KEY: Final = "measure_status_save"
MEASURE_WHOSE_KEY: Final = "measure_whose"
MEASURE_LATE_KEY: Final = "measure_late"
NOTE_PHOTOS_KEY: Final = "measure_note_photos"
REPORT_TERTIAL_KEY: Final = "report_tertial"
REPORT_SCOPE_KEY: Final = "report_scope"
REPORT_MAKE_KEY: Final = "report_make"
PUBLIC_SENT_KEY: Final = "public_sent"
PRINT_AREA_KEY: Final = "print_area"
PRINT_PAPER_KEY: Final = "print_paper"
PRINT_ORIENTATION_KEY: Final = "print_orientation"
PRINT_LAYERS_KEY: Final = "print_layers"
PRINT_TITLE_KEY: Final = "print_title"
PRINT_STATUS_KEY: Final = "print_status"
PRINT_EXTENT_KEY: Final = "print_extent"
PRINT_MAKE_KEY: Final = "print_make"
PRINT_READY_KEY: Final = "print_ready"
PRINT_DOWNLOAD_KEY: Final = "print_download"
IMPORT_FILE_KEY: Final = "import_file"
IMPORT_CATEGORY_KEY: Final = "import_category"
IMPORT_AREA_KEY: Final = "import_area"
IMPORT_CONFIRM_KEY: Final = "import_confirm"
IMPORT_MAPPING_KEY: Final = "import_mapping"
IMPORT_LAYER_KEY: Final = "import_layer"
IMPORT_CRS_KEY: Final = "import_crs"
IMPORT_FIELD_KEY: Final = "import_field"
"""The prefix of the keys of the values asked for a file's empty required fields."""
EXPORT_AREA_KEY: Final = "export_area"
EXPORT_KIND_KEY: Final = "export_kind"
EXPORT_LAYERS_KEY: Final = "export_layers"
EXPORT_MAKE_KEY: Final = "export_make"
EXPORT_READY_KEY: Final = "export_ready"
EXPORT_DOWNLOAD_KEY: Final = "export_download"
REFERENCE_FORM_KEY: Final = "reference_form"
REFERENCE_AREA_KEY: Final = "reference_area"
REFERENCE_KIND_KEY: Final = "reference_kind"
REFERENCE_OWNER_KEY: Final = "reference_owner"
REFERENCE_FILE_KEY: Final = "reference_file"
REFERENCE_SOURCE_KEY: Final = "reference_source"
REFERENCE_LICENCE_KEY: Final = "reference_licence"
REFERENCE_SAVE_KEY: Final = "reference_save"
REPORT_READY_KEY: Final = "report_ready"
RETENTION_CHECK_KEY: Final = "retention_check"
RETENTION_SHOWN_KEY: Final = "retention_shown"
"""Whether the dry run's summary is shown (made again at each run while it is)."""
RETENTION_CONFIRM_KEY: Final = "retention_confirm"
RETENTION_APPLY_KEY: Final = "retention_apply"
RETENTION_DONE_KEY: Final = "retention_done"
ROUTE_FORM_KEY: Final = "route_form"
ROUTE_PICK_KEY: Final = "route_pick"
ROUTE_WHO_KEY: Final = "route_who"
ROUTE_SAVE_KEY: Final = "route_save"
PUBLIC_AREA_KEY: Final = "public_area"
REDACT_DONE_KEY: Final = "redact_done"
"""What the last blacking out did, said once after the page is drawn again."""
REDACT_PICK_KEY: Final = "redact_pick"
"""Prefixes, each with the observation's or photo's UUID: the photo chosen, the boxes drawn
or typed (a list of [x, y, w, h]), each box's keep-or-drop checkbox, the box form, the
drawing, the confirmation and the button."""
REDACT_BOXES_KEY: Final = "redact_boxes"
REDACT_KEEP_KEY: Final = "redact_keep"
REDACT_FORM_KEY: Final = "redact_form"
REDACT_DRAW_KEY: Final = "redact_draw"
REDACT_SURE_KEY: Final = "redact_sure"
REDACT_SAVE_KEY: Final = "redact_save"
PLAN_PHOTOS_KEY: Final = "plan_photos_observation"
REGISTER_SEVERITY_KEY: Final = "register_severity"
REGISTER_PHOTOS_KEY: Final = "register_photos"


_KEPT_KEY: Final = "kept_choices"


def restore_choices(keys: tuple[str, ...]) -> None:
    """Give the widgets ``keys`` back the values ``keep_choices`` kept, where Streamlit forgot them.

    Streamlit forgets a widget's value after a run that does not draw it (the user went to
    another page); call this before drawing them. A kept value that is no longer among a
    widget's options is dropped by Streamlit (a multiselect) or resets it (a selectbox).
    """
    kept = st.session_state.get(_KEPT_KEY, {})
    for key in keys:
        if key not in st.session_state and key in kept:
            st.session_state[key] = kept[key]


def keep_choices(keys: tuple[str, ...]) -> None:
    """Keep the values of the widgets ``keys``, under a key of their own, after drawing them."""
    kept = dict(st.session_state.get(_KEPT_KEY, {}))
    kept.update({key: st.session_state[key] for key in keys if key in st.session_state})
    st.session_state[_KEPT_KEY] = kept


_MAPS_SAVED_KEY: Final = "maps_saved"


def fresh_maps() -> None:
    """Start the drawing maps anew (after a save): a drawn shape is used once."""
    st.session_state[_MAPS_SAVED_KEY] = st.session_state.get(_MAPS_SAVED_KEY, 0) + 1


def _saves() -> int:
    return int(st.session_state.get(_MAPS_SAVED_KEY, 0))


def register_map_key(area_slug: str) -> str:
    """Return the key of the registration map of an area, new after each save."""
    return f"register_map_{area_slug}_{_saves()}"


def plan_map_key() -> str:
    """Return the key of the map a walk's route is drawn on, new after each save."""
    return f"{PLAN_MAP_KEY}_{_saves()}"


def walk_map_key(walk_uuid: str) -> str:
    """Return the key of a walk's map."""
    return f"walk_map_{walk_uuid}"


def headcount_key(group: str) -> str:
    """Return the key of the head-count input of a participant group."""
    return f"plan_group_{group}"


def import_field_key(category: str, field: str) -> str:
    """Return the key of the value asked, on the Data page, for a category's required field."""
    return f"{IMPORT_FIELD_KEY}_{category}_{field}"


def register_walk() -> str | None:
    """Return the walk chosen on the registration page at its last run (its UUID), if any."""
    value = st.session_state.get(REGISTER_WALK_KEY)
    return value if isinstance(value, str) else None


def language() -> str:
    """Return the session's language (Swedish until the user picks English)."""
    value = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def last_observation() -> Observation | None:
    """Return the observation this session registered last, if it is still there."""
    value = st.session_state.get(_LAST_OBSERVATION_KEY)
    return value if isinstance(value, Observation) else None


_JUST_SAVED_KEY: Final = "just_saved"


def set_last_observation(observation: Observation | None, *, just_saved: bool = False) -> None:
    """Remember (or forget) the last registration, for undo.

    With ``just_saved`` the next run confirms it (``just_saved()``), once.
    """
    st.session_state[_LAST_OBSERVATION_KEY] = observation
    st.session_state[_JUST_SAVED_KEY] = just_saved


def just_saved() -> Observation | None:
    """Return the registration saved in the run before, once; then None."""
    if not st.session_state.pop(_JUST_SAVED_KEY, False):
        return None
    return last_observation()


_ACCOUNT_KEY: Final = "account"
_LOGGED_IN_AT_KEY: Final = "logged_in_at"
LOGIN_FORM_KEY: Final = "login"
LOGIN_NAME_KEY: Final = "login_name"
LOGIN_PASSWORD_KEY: Final = "login_password"  # noqa: S105 - a widget key
LOGOUT_KEY: Final = "logout"


def account() -> Account | None:
    """Return the account this session is logged in as, or None (no login, or no accounts)."""
    value = st.session_state.get(_ACCOUNT_KEY)
    return value if isinstance(value, Account) else None


def logged_in_at() -> datetime | None:
    """Return when this session logged in."""
    value = st.session_state.get(_LOGGED_IN_AT_KEY)
    return value if isinstance(value, datetime) else None


def set_account(value: Account | None, *, at: datetime | None = None) -> None:
    """Log this session in as ``value`` (at ``at``), or out (None)."""
    st.session_state[_ACCOUNT_KEY] = value
    st.session_state[_LOGGED_IN_AT_KEY] = at


_GUEST_KEY: Final = "guest"


def is_guest() -> bool:
    """Return whether this session is not logged in while the workspace has accounts."""
    return bool(st.session_state.get(_GUEST_KEY, False))


def set_guest(value: bool) -> None:
    """Mark this session as one without a login (it sees what a viewer sees), or not."""
    st.session_state[_GUEST_KEY] = value


_ADMITTED_KEY: Final = "admitted"


def admitted() -> bool:
    """Return whether this session was let in at its last run (logged in, or no accounts)."""
    return bool(st.session_state.get(_ADMITTED_KEY, False))


def set_admitted(value: bool) -> None:
    """Remember whether this session was let in."""
    st.session_state[_ADMITTED_KEY] = value


def clear_register_form(categories: tuple[str, ...]) -> None:
    """Empty the registration form (after a save; a failed one keeps it, to try again).

    ``categories``: the catalog's, whose own fields are keyed ``register_<category>_…``.
    """
    form_keys = {REGISTER_SEVERITY_KEY, REGISTER_DESCRIPTION_KEY, REGISTER_PHOTOS_KEY,
                 REGISTER_LON_KEY, REGISTER_LAT_KEY}  # fmt: skip
    prefixes = tuple(f"{REGISTER_FORM_KEY}_{name}_" for name in categories)
    for key in list(st.session_state):
        if key in form_keys or str(key).startswith(prefixes):
            del st.session_state[key]


_STORE_AWAY_KEY: Final = "store_away"


def store_away() -> str | None:
    """Return why the store did not answer during this run (pages showed what was read last)."""
    value = st.session_state.get(_STORE_AWAY_KEY)
    return str(value) if value else None


def set_store_away(message: str | None) -> None:
    """Note that the store did not answer during this run, and why; None at a run's start."""
    st.session_state[_STORE_AWAY_KEY] = message
