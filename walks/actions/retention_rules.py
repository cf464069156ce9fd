"""The retention rules, from a data file: how long each kind of personal data is kept.

The shipped ``data/retention.toml`` sets every rule; a ``retention.toml`` in the data
folder (``SAFEWALK_DATA_DIR``) overrides any of them, key by key. Both are read again
when they change. A mistake names the file, the rule, the key and what it takes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Final

from gis.filecache import FileCache
from gis.i18n import Text
from layers.values import MeasureStatus, ObservationStatus, TitledEnum
from walks.core.config import DEFAULT_DATA_DIR
from walks.core.errors import WalkError

RETENTION_FILE: Final = "retention.toml"


class RetentionError(WalkError):
    """A retention rules file that cannot be used, or retention that cannot be done as asked."""


class Rule(StrEnum):
    """The retention rules, in the order they are applied and shown."""

    PHOTOS = "photos"
    NOTE_PHOTOS = "note_photos"
    RESIDENT_EMAIL = "resident_email"
    WAITING_EMAIL = "waiting_email"
    REJECTED_REPORTS = "rejected_reports"
    DELETED_TEXT = "deleted_text"
    ACCOUNTS = "accounts"


RULE_TITLES: Final = {
    Rule.PHOTOS: Text(sv="Foton av åtgärdade iakttagelser", en="Photos of resolved observations"),
    Rule.NOTE_PHOTOS: Text(sv="Foton i uppföljningen av avslutade åtgärder",
                           en="Photos in the follow-up of closed measures"),
    Rule.RESIDENT_EMAIL: Text(sv="Boendes e-post, när anmälan är hanterad",
                              en="Residents' e-mail, once the report is handled"),
    Rule.WAITING_EMAIL: Text(sv="Boendes e-post, när anmälan väntat länge",
                             en="Residents' e-mail, when the report has waited long"),
    Rule.REJECTED_REPORTS: Text(sv="Avvisade anmälningar från boende",
                                en="Residents' rejected reports"),
    Rule.DELETED_TEXT: Text(sv="Fritext i ändringsloggen om borttaget",
                            en="Free text in the change log of what was deleted"),
    Rule.ACCOUNTS: Text(sv="Avstängda konton anonymiseras", en="Disabled accounts anonymised"),
}  # fmt: skip
"""What each rule removes, for people."""


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """One rule as set: on or off, after how long, and for which statuses."""

    rule: Rule
    enabled: bool
    months: int = 0
    """Calendar months after the moment the rule counts from."""
    days: int = 0
    """Days on top of ``months`` (only ``resident_email`` takes them)."""
    statuses: tuple[str, ...] = ()
    """The statuses whose reaching starts the count (the photo rules)."""

    @property
    def title(self) -> Text:
        """What the rule removes, for people."""
        return RULE_TITLES[self.rule]

    def period(self) -> Text:
        """How long things are kept, for people: ``24 månader`` / ``24 months``."""
        if self.days or not self.months:
            return Text(sv=f"{self.days} dagar", en=f"{self.days} days")
        return Text(sv=f"{self.months} månader", en=f"{self.months} months")

    def cutoff(self, now: datetime) -> datetime:
        """Return the moment before which (inclusive) what the rule counts from has expired."""
        return months_before(now, self.months) - timedelta(days=self.days)

    def to_json(self) -> dict[str, object]:
        """Return the rule as ``--json`` prints it."""
        found: dict[str, object] = {"rule": self.rule.value, "enabled": self.enabled}
        if self.rule is Rule.RESIDENT_EMAIL:
            found["after_days"] = self.days
        else:
            found["after_months"] = self.months
        if self.statuses:
            found["statuses"] = list(self.statuses)
        return found


def months_before(moment: datetime, months: int) -> datetime:
    """Return ``moment`` moved back ``months`` calendar months (its day, or the month's last)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:  # 31 March less a month: the last of February
            day -= 1


@dataclass(frozen=True, slots=True)
class RetentionRules:
    """Every rule as set, and the files they were read from (shipped first)."""

    settings: tuple[RuleSetting, ...]
    files: tuple[Path, ...]

    def __getitem__(self, rule: Rule) -> RuleSetting:
        """Return the setting of ``rule``."""
        return next(setting for setting in self.settings if setting.rule is rule)

    def enabled(self, rule: Rule) -> RuleSetting | None:
        """Return the setting of ``rule`` when it is on, else None."""
        setting = self[rule]
        return setting if setting.enabled else None


_STATUSES: Final[Mapping[Rule, type[TitledEnum]]] = {
    Rule.PHOTOS: ObservationStatus, Rule.NOTE_PHOTOS: MeasureStatus,
}  # fmt: skip
"""The rules that count from a status, and whose statuses they name."""
_KEYS: Final = {
    rule: ("enabled", "after_days" if rule is Rule.RESIDENT_EMAIL else "after_months",
           *(("statuses",) if rule in _STATUSES else ()))
    for rule in Rule
}  # fmt: skip
"""The keys each rule takes."""


def _error(path: Path, sv: str, en: str) -> RetentionError:
    return RetentionError(Text(sv=f"{path}: {sv}", en=f"{path}: {en}"))


def _document(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise _error(path, f"kan inte läsas ({error.strerror}).",
                     f"cannot be read ({error.strerror}).") from None  # fmt: skip
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _error(
            path,
            f"är inte giltig TOML: {error}. Rätta filen eller ta bort den.",
            f"is not valid TOML: {error}. Correct the file or remove it.",
        ) from None


def _checked(path: Path, document: Mapping[str, object]) -> dict[Rule, dict[str, object]]:
    """Return each rule's keys in ``document``, refusing what no rule takes."""
    names = ", ".join(rule.value for rule in Rule)
    found: dict[Rule, dict[str, object]] = {}
    for name, table in document.items():
        if name not in Rule.__members__.values():
            raise _error(path, f"okänd regel [{name}]; reglerna är {names}.",
                         f"unknown rule [{name}]; the rules are {names}.")  # fmt: skip
        rule = Rule(name)
        if not isinstance(table, dict):
            raise _error(path, f"{name} ska vara en tabell, [{name}].",
                         f"{name} must be a table, [{name}].")  # fmt: skip
        keys = _KEYS[rule]
        for key, value in table.items():
            if key not in keys:
                raise _error(
                    path,
                    f"[{name}] har ingen nyckel {key!r}; nycklarna är {', '.join(keys)}.",
                    f"[{name}] has no key {key!r}; its keys are {', '.join(keys)}.",
                )
            _check_value(path, rule, key, value)
        found[rule] = dict(table)
    return found


def _check_value(path: Path, rule: Rule, key: str, value: object) -> None:
    where = f"[{rule.value}] {key}"
    if key == "enabled" and not isinstance(value, bool):
        raise _error(path, f"{where} ska vara true eller false, inte {value!r}.",
                     f"{where} must be true or false, not {value!r}.")  # fmt: skip
    if key in ("after_months", "after_days") and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1200
    ):
        unit = ("dagar", "days") if key == "after_days" else ("månader", "months")
        raise _error(
            path,
            f"{where} ska vara ett helt antal {unit[0]}, 0–1200, inte {value!r}.",
            f"{where} must be a whole number of {unit[1]}, 0–1200, not {value!r}.",
        )
    if key == "statuses":
        allowed = [member.value for member in _STATUSES[rule]]
        given = value if isinstance(value, list) else [value]
        wrong = [v for v in given if v not in allowed]
        if not isinstance(value, list) or not value or wrong:
            shown = repr(wrong[0]) if wrong else repr(value)
            raise _error(path, f"{where}: {shown} är ingen status här; ange en lista av "
                         f"{', '.join(allowed)}.",
                         f"{where}: {shown} is no status here; give a list of "
                         f"{', '.join(allowed)}.")  # fmt: skip


def _setting(rule: Rule, keys: Mapping[str, object]) -> RuleSetting:
    statuses = keys.get("statuses", [])
    return RuleSetting(
        rule, bool(keys["enabled"]), months=int(str(keys.get("after_months", 0))),
        days=int(str(keys.get("after_days", 0))),
        statuses=tuple(str(s) for s in statuses) if isinstance(statuses, list) else (),
    )  # fmt: skip


def _load(files: tuple[Path, ...]) -> RetentionRules:
    shipped, *own = files
    merged = _checked(shipped, _document(shipped))
    for rule in Rule:
        missing = [key for key in _KEYS[rule] if key not in merged.get(rule, {})]
        if missing:
            raise _error(shipped, f"[{rule.value}] saknar {', '.join(missing)}.",
                         f"[{rule.value}] lacks {', '.join(missing)}.")  # fmt: skip
    for path in own:
        for rule, keys in _checked(path, _document(path)).items():
            merged[rule] = {**merged[rule], **keys}
    return RetentionRules(tuple(_setting(rule, merged[rule]) for rule in Rule), files)


_RULES: FileCache[RetentionRules] = FileCache()
"""The rules of each pair of files, read again when either changes."""


def retention_rules(data_dir: Path, *, shipped: Path = DEFAULT_DATA_DIR) -> RetentionRules:
    """Return the rules: the shipped file's, with ``data_dir``'s ``retention.toml`` over them.

    Raises
    ------
    RetentionError
        A file that cannot be read, is not TOML, or names a rule, key or value that does
        not fit (the message names the file, the rule and the key).
    """
    files = [(shipped / RETENTION_FILE).resolve()]
    own = (data_dir / RETENTION_FILE).resolve()
    if own != files[0] and own.is_file():
        files.append(own)
    return _RULES.get(files, lambda: _load(tuple(files)))
