"""Moving a workspace between backends: a folder of GeoPackages ↔ a PostGIS database.

Every area goes over whole (``Store.copy_area`` / ``paste_area``): its boundary, every
layer's features with their UUIDs, numbers and times, photos, walks, measures and their
notes, reference layers, analyses, the change log and the number sequences; the
workspace's own catalog too. The source is only read. Each area is checked afterwards:
the same number of rows in every layer, or the migration stops and says where. The
target logs that it made each area: one change-log entry more than the source's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gis.i18n import Text
from layers.store import Store, open_store
from walks.core.errors import WalkError


class MigrationError(WalkError):
    """A migration that cannot start, or whose copy does not match its source."""


@dataclass(slots=True)
class Migrated:
    """What a migration moved: per area, the rows of each layer."""

    source: str
    target: str
    areas: dict[str, dict[str, int]] = field(default_factory=dict)
    catalog: bool = False
    """Whether the source's own catalog went over (else both use the shipped one)."""


def migrate(
    source_url: str,
    target_url: str,
    *,
    actor: str,
    progress: Callable[[str], None] | None = None,
) -> Migrated:
    """Copy every area of the workspace at ``source_url`` into the one at ``target_url``.

    Raises
    ------
    MigrationError
        The two are the same, the target has any of the source's areas already, or a
        copied area does not hold what its source holds.
    layers.errors.LayerError
        Either cannot be opened.
    """
    if source_url.rstrip("/") == target_url.rstrip("/"):
        raise MigrationError(Text(sv="--from och --to är samma arbetsyta.",
                                  en="--from and --to are the same workspace."))  # fmt: skip
    source = open_store(source_url)
    own = source.own_catalog()
    target = open_store(target_url, catalog=source.catalog)
    areas = source.areas()
    taken = sorted({a.slug for a in target.areas()} & {a.slug for a in areas})
    if taken:
        raise MigrationError(
            Text(
                sv=f"{target.location} har redan områdena {', '.join(taken)}; flytta till en "
                "tom arbetsyta (inget har ändrats).",
                en=f"{target.location} already has the areas {', '.join(taken)}; migrate into "
                "an empty workspace (nothing was changed).",
            )
        )
    if own is not None:
        target.save_own_catalog(own)
    done = Migrated(source.location, target.location, catalog=own is not None)
    for area in areas:
        if progress is not None:
            progress(area.name)
        target.paste_area(source.copy_area(area.slug), actor=actor)
        done.areas[area.slug] = _same_rows(source, target, area.slug)
    for store in (source, target):
        store.close()
    return done


def _same_rows(source: Store, target: Store, slug: str) -> dict[str, int]:
    """Return the area's rows per layer; raise when the target's differ from the source's."""
    before, after = source.feature_counts(slug), target.feature_counts(slug)
    differ = sorted(
        name for name in before
        if before[name] != after.get(name) and name != "change_log"
    )  # fmt: skip
    # The target logs that it created the area: one entry more, never fewer.
    if differ or after.get("change_log", 0) < before.get("change_log", 0):
        detail = ", ".join(f"{n} {before[n]} → {after.get(n)}" for n in differ or ["change_log"])
        raise MigrationError(
            Text(
                sv=f"Området {slug} blev inte likadant i {target.location}: {detail}.",
                en=f"The area {slug} did not come out the same in {target.location}: {detail}.",
            )
        )
    return before
