"""Retention: removing personal data once the rules say it has been kept long enough.

The rules (``walks.actions.retention_rules``, ``data/retention.toml``) are planned area by
area from what the store holds and its change log: photos of observations resolved long
ago, residents' e-mail addresses of handled reports, rejected reports, free text of
deleted things in the change log, and the names of accounts disabled long ago. Each
area's removals are then made in one transaction (``Store.erase``): all of them or, when
the area fails, none; the other areas go on. The change log records each rule's work
under the account (or user) that ran it, never the values removed.

An account is anonymised in three steps: it gets its number first (``begin_removal``),
then each area puts ``removed account N`` for its name, then the account itself is
replaced by what is left of it (``finish_removal``) — only when every area has done its
part, so a failed area is taken up again, under the same number, at the next run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

from gis.i18n import LocalizedError, Text
from layers.accounts import AccountRow
from layers.records import Erasure, Query, Record, Update
from layers.rules.erasure import actor_columns, masked_text, name_in_json
from layers.schema import (
    ANALYSIS_LAYERS,
    CHANGE_LOG_LAYER,
    INBOX_LAYER,
    INDICATORS_LAYER,
    MEASURES_LAYER,
    NOTES_LAYER,
    PHOTOS_LAYER,
    REFERENCE_LAYERS,
    tables_for_catalog,
)
from layers.values import ReportStatus
from walks.access.accounts import begin_removal, find_account, finish_removal, next_removal_numbers
from walks.access.guard import AccessError
from walks.actions.inbox import ID_LENGTH
from walks.actions.retention_rules import (
    RetentionError,
    RetentionRules,
    Rule,
    RuleSetting,
    retention_rules,
)
from walks.core import clock
from walks.core.roles import Role, actor_text, removed_account_name, removed_account_number
from walks.core.workspace import Workspace

FREE_TEXT: Final = ("description", "reason", "text", "notes", "email")
"""The system layers' free-text fields: what ``deleted_text`` masks (and the categories'
own free-text fields, those of type text without a list of values)."""
REPORT_TEXT: Final = ("description", "reason", "email", "geometry")
"""What a rejected report's change-log entries keep of the resident: masked with it."""
_LOADED_LAYERS: Final = REFERENCE_LAYERS | ANALYSIS_LAYERS | {INDICATORS_LAYER}
"""Layers only safewalk writes (loaded or saved by it): the change log names who did."""
_LOG_COLUMNS: Final = ("at", "actor", "action", "layer", "feature_uuid", "before", "after")


@dataclass(frozen=True, slots=True)
class Removal:
    """What one rule removes in one area: how many, which, and the store's erasure."""

    rule: Rule
    count: int
    """Photos, e-mail addresses, reports, deleted features or accounts."""
    items: tuple[int | str, ...]
    """Which: observation or measure numbers, report ids, features' short UUIDs, accounts."""
    erasure: Erasure

    @property
    def key(self) -> str:
        """What ``items`` are, as the JSON names them."""
        return ITEM_KEYS[self.rule]

    def to_json(self) -> dict[str, object]:
        """Return the removal as ``--json`` prints it."""
        return {"rule": self.rule.value, "count": self.count, self.key: list(self.items)}

    def text(self, language: str, *, shown: int = 30) -> str:
        """Return the removal for people: ``foton: 3 (iakttagelse 12, 14)``."""
        named = [actor_text(str(i)).in_language(language) if self.rule is Rule.ACCOUNTS
                 else str(i) for i in self.items]  # fmt: skip
        items = ", ".join(named[:shown]) + (" …" if len(named) > shown else "")
        return REMOVAL_TEXTS[self.rule].format(count=self.count, items=items).in_language(language)


REMOVAL_TEXTS: Final = {
    Rule.PHOTOS: Text(sv="foton: {count} (iakttagelse {items})",
                      en="photos: {count} (observations {items})"),
    Rule.NOTE_PHOTOS: Text(sv="foton i uppföljningen: {count} (åtgärd {items})",
                           en="follow-up photos: {count} (measures {items})"),
    Rule.RESIDENT_EMAIL: Text(sv="e-postadresser i hanterade anmälningar: {count} ({items})",
                              en="e-mail addresses in handled reports: {count} ({items})"),
    Rule.WAITING_EMAIL: Text(sv="e-postadresser i väntande anmälningar: {count} ({items})",
                             en="e-mail addresses in waiting reports: {count} ({items})"),
    Rule.REJECTED_REPORTS: Text(sv="avvisade anmälningar: {count} ({items})",
                                en="rejected reports: {count} ({items})"),
    Rule.DELETED_TEXT: Text(sv="fritext om borttaget i ändringsloggen: {count} ({items})",
                            en="free text of deleted things in the change log: {count} ({items})"),
    Rule.ACCOUNTS: Text(sv="namn ersatt med {items}", en="name replaced by {items}"),
}  # fmt: skip
"""Each rule's removals in one area, for people."""
ITEM_KEYS: Final = {
    Rule.PHOTOS: "observations", Rule.NOTE_PHOTOS: "measures", Rule.RESIDENT_EMAIL: "reports",
    Rule.WAITING_EMAIL: "reports", Rule.REJECTED_REPORTS: "reports", Rule.DELETED_TEXT: "features",
    Rule.ACCOUNTS: "accounts",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AccountRemoval:
    """An account the ``accounts`` rule (or ``user anonymise``) anonymises."""

    name: str
    number: int
    """N of ``removed account N``: given at the first run that applies it, then kept."""
    disabled_at: datetime | None

    @property
    def new_name(self) -> str:
        """What its changes are attributed to afterwards."""
        return removed_account_name(self.number)


@dataclass(frozen=True, slots=True)
class AreaRetention:
    """One area's removals and, once applied, whether they were made."""

    area: str
    name: str
    removals: tuple[Removal, ...]
    error: LocalizedError | None = None
    """Why nothing in the area was changed, when the area's transaction failed."""

    def to_json(self, language: str, *, applied: bool) -> dict[str, object]:
        """Return the area as ``--json`` prints it (``done``: None in a dry run)."""
        done = (self.error is None) if applied else None
        return {
            "area": self.area, "name": self.name, "done": done,
            "error": None if self.error is None else self.error.message(language),
            "removed": [removal.to_json() for removal in self.removals],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class RetentionResult:
    """What the rules remove (a dry run) or removed, per area, and the accounts anonymised."""

    rules: RetentionRules
    now: datetime
    dry_run: bool
    areas: tuple[AreaRetention, ...]
    """The areas where anything is removed, by name."""
    accounts: tuple[AccountRemoval, ...]
    accounts_done: tuple[str, ...] = ()
    """The accounts whose removal is finished (their names before)."""
    skipped: tuple[tuple[Rule, Text], ...] = ()
    """Rules not applied here, and why (the account rule needs an admin)."""

    @property
    def failed(self) -> tuple[AreaRetention, ...]:
        """The areas whose transaction failed (nothing changed in them)."""
        return tuple(area for area in self.areas if area.error is not None)

    def totals(self) -> dict[Rule, int]:
        """Return how much each rule removes across the areas (accounts: how many)."""
        found: dict[Rule, int] = defaultdict(int)
        for area in self.areas:
            for removal in area.removals:
                if removal.rule is not Rule.ACCOUNTS:
                    found[removal.rule] += removal.count
        if self.accounts:
            found[Rule.ACCOUNTS] = len(self.accounts)
        return dict(found)

    def to_json(self, language: str) -> dict[str, object]:
        """Return the result as ``safewalk retention apply --json`` prints it."""
        applied = not self.dry_run
        return {
            "dry_run": self.dry_run,
            "now": self.now.isoformat(),
            "files": [str(path) for path in self.rules.files],
            "rules": [s.to_json() for s in self.rules.settings],
            "areas": [area.to_json(language, applied=applied) for area in self.areas],
            "totals": {rule.value: count for rule, count in self.totals().items()},
            "accounts": [
                {"name": a.name, "removed_as": a.new_name,
                 "disabled_at": None if a.disabled_at is None else a.disabled_at.isoformat(),
                 "done": (a.name in self.accounts_done) if applied else None}
                for a in self.accounts
            ],
            "skipped": [{"rule": rule.value, "reason": why.in_language(language)}
                        for rule, why in self.skipped],
        }  # fmt: skip


NEEDS_ADMIN: Final = Text(
    sv="kräver en administratör; kontona gallras inte här",
    en="needs an admin; the accounts are not anonymised here",
)


def apply_retention(
    workspace: Workspace,
    *,
    actor: str,
    dry_run: bool = False,
    rules: RetentionRules | None = None,
    now: datetime | None = None,
) -> RetentionResult:
    """Plan the retention rules and, unless ``dry_run``, apply them: one transaction per area.

    ``rules``: None reads them (``retention_rules``); ``now``: None is the clock's.
    An area whose transaction fails changes nothing and is named with why
    (``RetentionResult.failed``); the others are applied all the same. A dry run
    changes nothing at all.

    Raises
    ------
    RetentionError
        The rules file cannot be used.
    AccessError
        An account below coordinator.
    """
    _need(workspace, Role.COORDINATOR)
    rules = rules or retention_rules(workspace.settings.data_dir)
    moment = now or clock.utc_now()
    skipped: list[tuple[Rule, Text]] = []
    due: list[AccountRow] = []
    if rules.enabled(Rule.ACCOUNTS):
        if _may_anonymise(workspace):
            due = _accounts_due(workspace, rules[Rule.ACCOUNTS], moment)
        else:
            skipped.append((Rule.ACCOUNTS, NEEDS_ADMIN))
    return _run(workspace, rules, moment, due, actor=actor, dry_run=dry_run,
                skipped=tuple(skipped))  # fmt: skip


def anonymise_account(
    workspace: Workspace, name: str, *, actor: str, dry_run: bool = False,
    now: datetime | None = None,
) -> RetentionResult:  # fmt: skip
    """Anonymise account ``name`` now, as the ``accounts`` rule does, whether disabled or not.

    Only the account rule's work is done: no other rule is applied.

    Raises
    ------
    AccountError
        No such account.
    RetentionError
        One anonymised already.
    AccessError
        An account below admin.
    """
    _need(workspace, Role.ADMIN)
    row = find_account(workspace, name)
    if removed_account_number(row.name) is not None:
        raise RetentionError(
            Text(sv=f"Kontot {name!r} är redan anonymiserat.",
                 en=f"The account {name!r} is anonymised already.")
        )  # fmt: skip
    rules = retention_rules(workspace.settings.data_dir)
    only = RetentionRules(
        tuple(replace(s, enabled=s.rule is Rule.ACCOUNTS) for s in rules.settings), rules.files
    )
    return _run(workspace, only, now or clock.utc_now(), [row], actor=actor, dry_run=dry_run)


def _need(workspace: Workspace, role: Role) -> None:
    """Refuse an account below ``role`` before anything is read (a dry run names people)."""
    account = workspace.account
    if account is not None and not account.at_least(role):
        raise AccessError(
            Text(
                sv=f"{account.name} ({account.role.label.sv}) får inte gallra; det kräver "
                f"{role.label.sv}. Inget ändrades.",
                en=f"{account.name} ({account.role.label.en}) may not erase data; that needs "
                f"a {role.label.en}. Nothing was changed.",
            )
        )


def _may_anonymise(workspace: Workspace) -> bool:
    return workspace.account is None or workspace.account.at_least(Role.ADMIN)


def _accounts_due(workspace: Workspace, setting: RuleSetting, now: datetime) -> list[AccountRow]:
    """Return the accounts disabled since the rule's cutoff, and those whose removal began."""
    cutoff = setting.cutoff(now)
    return [
        row for row in workspace.store.accounts().all()
        if removed_account_number(row.name) is None
        and (row.removed_as is not None
             or (row.disabled and row.disabled_at is not None and row.disabled_at <= cutoff))
    ]  # fmt: skip


def _run(
    workspace: Workspace,
    rules: RetentionRules,
    now: datetime,
    due: Sequence[AccountRow],
    *,
    actor: str,
    dry_run: bool,
    skipped: tuple[tuple[Rule, Text], ...] = (),
) -> RetentionResult:
    if dry_run:
        fresh = iter(next_removal_numbers(workspace.store.accounts().all(), len(due)) if due
                     else [])  # fmt: skip
        numbers = [row.removed_as or next(fresh) for row in due]
        rows = list(due)
    else:
        rows = [begin_removal(workspace, row.name, now=now) for row in due]
        numbers = [int(row.removed_as or 0) for row in rows]
    accounts = tuple(
        AccountRemoval(row.name, number, row.disabled_at)
        for row, number in zip(rows, numbers, strict=True)
    )
    planned = [_area_plan(workspace, area.slug, area.name, rules, now, accounts)
               for area in workspace.areas()]  # fmt: skip
    planned = [area for area in planned if area.removals]
    if dry_run:
        return RetentionResult(rules, now, True, tuple(planned), accounts, skipped=skipped)
    done = [_applied(workspace, area, actor=actor) for area in planned]
    failed = {
        removal.erasure.renamed[0]
        for area in done if area.error is not None for removal in area.removals
        if removal.erasure.renamed is not None
    }  # fmt: skip
    finished = []
    for row in rows:
        if row.name not in failed:
            finish_removal(workspace, row)
            finished.append(row.name)
    return RetentionResult(rules, now, False, tuple(done), accounts, tuple(finished), skipped)


def _applied(workspace: Workspace, area: AreaRetention, *, actor: str) -> AreaRetention:
    """Make the area's removals in one transaction; on failure keep why (nothing changed)."""
    try:
        workspace.store.erase(area.area, [r.erasure for r in area.removals], actor=actor)
    except LocalizedError as error:
        return replace(area, error=error)
    return area


# ------------------------------------------------------------------------- planning
@dataclass(slots=True)
class _Area:
    """What the planning of one area reads once."""

    workspace: Workspace
    slug: str
    log: list[Record] = field(default_factory=list)

    def records(self, layer: str, *columns: str) -> list[Record]:
        return self.workspace.store.read_records(self.slug, layer, Query(columns=columns))

    def status_moments(self, layers: Iterable[str]) -> dict[str, tuple[datetime, str]]:
        """Return each feature's last status change in ``layers``: (when, to what)."""
        wanted = set(layers)
        found: dict[str, tuple[datetime, str]] = {}
        for entry in self.log:
            if entry["layer"] not in wanted or entry["action"] not in ("insert", "update"):
                continue
            status = _values(entry["after"]).get("status")
            if status is None:
                continue
            uuid = str(entry["feature_uuid"])
            if uuid not in found or found[uuid][0] <= entry["at"]:
                found[uuid] = (entry["at"], str(status))
        return found


def _values(text: object) -> dict[str, object]:
    if not isinstance(text, str) or not text:
        return {}
    values = json.loads(text)
    return values if isinstance(values, dict) else {}


def _area_plan(
    workspace: Workspace,
    slug: str,
    name: str,
    rules: RetentionRules,
    now: datetime,
    accounts: Sequence[AccountRemoval],
) -> AreaRetention:
    """Return what the rules remove in area ``slug`` (nothing is changed)."""
    area = _Area(workspace, slug)
    area.log = area.records(CHANGE_LOG_LAYER, *_LOG_COLUMNS)
    removals: list[Removal | None] = []
    if setting := rules.enabled(Rule.PHOTOS):
        removals.append(_observation_photos(area, setting, now))
    if setting := rules.enabled(Rule.NOTE_PHOTOS):
        removals.append(_note_photos(area, setting, now))
    inbox = area.records(INBOX_LAYER, "uuid", "status", "email", "handled_at", "created_at")
    rejected = rules.enabled(Rule.REJECTED_REPORTS)
    gone = _rejected(inbox, rejected, now) if rejected else []
    leaving = {str(r["uuid"]) for r in gone}
    if setting := rules.enabled(Rule.RESIDENT_EMAIL):
        removals.append(_emails(inbox, setting, now, leaving, handled=True))
    if setting := rules.enabled(Rule.WAITING_EMAIL):
        removals.append(_emails(inbox, setting, now, leaving, handled=False))
    if gone:
        removals.append(_reports(gone))
    if setting := rules.enabled(Rule.DELETED_TEXT):
        removals.append(_deleted_text(area, setting, now, leaving))
    if accounts:
        removals += _renamed(area, accounts)
    return AreaRetention(slug, name, tuple(r for r in removals if r is not None))


def _observation_photos(area: _Area, setting: RuleSetting, now: datetime) -> Removal | None:
    """Photos of observations whose status is one of the rule's since before its cutoff."""
    cutoff = setting.cutoff(now)
    names = set(area.workspace.catalog.names)
    photos = [p for p in area.records(PHOTOS_LAYER, "uuid", "feature_uuid", "layer")
              if p["layer"] in names]  # fmt: skip
    categories = sorted({str(p["layer"]) for p in photos})  # only those with photos are read
    moments = area.status_moments(categories)
    expired: dict[str, int] = {}
    for category in categories:
        for record in area.records(category, "uuid", "number", "status", "updated_at"):
            if str(record["status"]) in setting.statuses and _since(
                record, moments, cutoff
            ):  # fmt: skip
                expired[str(record["uuid"])] = int(record["number"])
    photos = [p for p in photos if p["feature_uuid"] in expired]
    if not photos:
        return None
    numbers = sorted({expired[str(p["feature_uuid"])] for p in photos})
    erasure = Erasure(Rule.PHOTOS.value, photos=tuple(str(p["uuid"]) for p in photos))
    return Removal(Rule.PHOTOS, len(photos), tuple(numbers), erasure)


def _since(record: Record, moments: Mapping[str, tuple[datetime, str]], cutoff: datetime) -> bool:
    """Whether ``record`` has had its status since ``cutoff`` or before.

    The moment is the change log's last status change, when it is to the present status;
    else (a status set by another program) the record's last change.
    """
    moment, status = moments.get(str(record["uuid"]), (record["updated_at"], ""))
    if status != str(record["status"]):
        moment = record["updated_at"]
    return bool(moment <= cutoff)


def _note_photos(area: _Area, setting: RuleSetting, now: datetime) -> Removal | None:
    """Photos of the follow-up notes of measures closed (done, not feasible) long ago."""
    cutoff = setting.cutoff(now)
    moments = area.status_moments([MEASURES_LAYER])
    closed = {
        str(m["uuid"]): int(m["number"])
        for m in area.records(MEASURES_LAYER, "uuid", "number", "status", "updated_at")
        if str(m["status"]) in setting.statuses and _since(m, moments, cutoff)
    }
    if not closed:
        return None
    notes = {str(n["uuid"]): closed[str(n["feature_uuid"])]
             for n in area.records(NOTES_LAYER, "uuid", "feature_uuid")
             if n["feature_uuid"] in closed}  # fmt: skip
    photos = [p for p in area.records(PHOTOS_LAYER, "uuid", "feature_uuid", "layer")
              if p["layer"] == NOTES_LAYER and p["feature_uuid"] in notes]  # fmt: skip
    if not photos:
        return None
    numbers = sorted({notes[str(p["feature_uuid"])] for p in photos})
    erasure = Erasure(Rule.NOTE_PHOTOS.value, photos=tuple(str(p["uuid"]) for p in photos))
    return Removal(Rule.NOTE_PHOTOS, len(photos), tuple(numbers), erasure)


def _rejected(inbox: list[Record], setting: RuleSetting, now: datetime) -> list[Record]:
    cutoff = setting.cutoff(now)
    return [
        r for r in inbox
        if r["status"] == ReportStatus.REJECTED and (r["handled_at"] or r["created_at"]) <= cutoff
    ]  # fmt: skip


def _emails(
    inbox: list[Record], setting: RuleSetting, now: datetime, leaving: set[str], *, handled: bool
) -> Removal | None:
    """E-mail addresses of reports handled (or, not ``handled``, waiting) since the cutoff."""
    cutoff = setting.cutoff(now)
    found = []
    for report in inbox:
        if report["email"] is None or str(report["uuid"]) in leaving:
            continue
        waiting = report["status"] == ReportStatus.NEW
        since = report["created_at"] if waiting else (report["handled_at"] or report["created_at"])
        if waiting is not handled and since <= cutoff:
            found.append(str(report["uuid"]))
    if not found:
        return None
    rule = Rule.RESIDENT_EMAIL if handled else Rule.WAITING_EMAIL
    updates: tuple[Update, ...] = tuple((INBOX_LAYER, uuid, {"email": None}) for uuid in found)
    ids = tuple(uuid[:ID_LENGTH] for uuid in found)
    return Removal(rule, len(found), ids, Erasure(rule.value, updates=updates))


def _reports(gone: list[Record]) -> Removal:
    """Rejected reports deleted whole, their text and place masked in the change log."""
    uuids = [str(r["uuid"]) for r in gone]
    erasure = Erasure(
        Rule.REJECTED_REPORTS.value,
        features=tuple((INBOX_LAYER, uuid) for uuid in uuids),
        masked=tuple((uuid, REPORT_TEXT) for uuid in uuids),
    )
    return Removal(Rule.REJECTED_REPORTS, len(uuids), tuple(u[:ID_LENGTH] for u in uuids), erasure)


def _free_text(workspace: Workspace) -> dict[str, tuple[str, ...]]:
    """Return the free-text keys of each category (its own text fields without a list)."""
    return {
        spec.name: FREE_TEXT + tuple(f.name for f in spec.fields
                                     if f.type == "text" and not f.values)
        for spec in workspace.catalog.categories
    }  # fmt: skip


def _deleted_text(
    area: _Area, setting: RuleSetting, now: datetime, leaving: set[str]
) -> Removal | None:
    """Free text in the change log of features deleted before the cutoff, not masked yet."""
    cutoff = setting.cutoff(now)
    deleted = {
        str(e["feature_uuid"]): str(e["layer"]) for e in area.log
        if e["action"] == "delete" and e["feature_uuid"] is not None and e["at"] <= cutoff
    }  # fmt: skip
    if not deleted:
        return None
    keys = _free_text(area.workspace)
    masked: dict[str, tuple[str, ...]] = {}
    for entry in area.log:
        uuid = str(entry["feature_uuid"])
        if uuid not in deleted or uuid in leaving or uuid in masked:
            continue
        layer = deleted[uuid]
        wanted = keys.get(layer, FREE_TEXT) + (("geometry",) if layer == INBOX_LAYER else ())
        if masked_text(entry["before"], wanted) or masked_text(entry["after"], wanted):
            masked[uuid] = wanted
    if not masked:
        return None
    erasure = Erasure(Rule.DELETED_TEXT.value, masked=tuple(masked.items()))
    return Removal(Rule.DELETED_TEXT, len(masked), tuple(u[:ID_LENGTH] for u in masked), erasure)


def _renamed(area: _Area, accounts: Sequence[AccountRemoval]) -> list[Removal]:
    """One removal per account the area keeps anything of, its name put as ``removed account N``."""
    present = _names_kept(area, {a.name for a in accounts})
    return [
        Removal(Rule.ACCOUNTS, 1, (account.new_name,),
                Erasure(Rule.ACCOUNTS.value, renamed=(account.name, account.new_name)))
        for account in accounts if account.name in present
    ]  # fmt: skip


def _names_kept(area: _Area, names: set[str]) -> set[str]:
    """Return which of ``names`` the area keeps as who made or handled something."""
    found = {str(e["actor"]) for e in area.log} & names
    needles = {name: name_in_json(name) for name in names - found}
    for entry in area.log:
        for name, needle in list(needles.items()):
            if needle in (entry["before"] or "") or needle in (entry["after"] or ""):
                found.add(name)
                del needles[name]
    # Every write is logged under who made it; rows written by other programs (QGIS) are
    # looked for in the layers people write to (reference and analysis layers are loaded
    # and saved through safewalk, so the log has them).
    counts = area.workspace.store.feature_counts(area.slug) if found < names else {}
    for table in tables_for_catalog(area.workspace.catalog):
        columns = actor_columns(table)
        if not columns or found >= names or table.name in _LOADED_LAYERS:
            continue
        if not counts.get(table.name):
            continue
        for record in area.records(table.name, *columns):
            found |= {str(record[c]) for c in columns} & names
    return found
