"""Roles enforced where the data is: a store that lets an account do only what its role may.

``workspace_as(workspace, account)`` gives every use case a ``GuardedStore``: each read
leaves out what the account may not see, each write it may not make is refused before
anything is written, and every change is recorded under the account's name, whatever the caller
says. Hiding buttons in the app is only a courtesy on top of this.

- viewer: the map without internal categories (the catalog's ``internal``), their photos,
  the change log and the requests sent to the city's fault-report system; of the measures,
  those shown to residents.
- residents' reports waiting in the inbox (with an e-mail perhaps): coordinators only.
- registrant: sees everything; adds observations, and photos to them (with them or later).
- partner: also changes the measures its organisation is responsible for (status,
  notes, and the status of their observations), never their responsible party.
- coordinator: every change in the district, retention (``erase``) and blacking out parts of
  photos included. admin: accounts and configuration too, an account's name replaced
  (anonymised) among them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from layers.accounts import Accounts
from layers.catalog import Catalog
from layers.records import (
    Area,
    AreaCopy,
    Batch,
    Erasure,
    PhotoInfo,
    Problem,
    Query,
    Record,
    Update,
)
from layers.schema import (
    CHANGE_LOG_LAYER,
    INBOX_LAYER,
    MEASURES_LAYER,
    NOTES_LAYER,
    OPEN311_LAYER,
    PHOTOS_LAYER,
)
from layers.store import Store
from walks.core.errors import WalkError
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace

if TYPE_CHECKING:
    import geopandas as gpd

FOLLOWING: Final = frozenset({"status", "updated_at"})
"""What a partner's measure may change of its observations: their status."""


class AccessError(WalkError):
    """Something the account's role may not do; nothing was changed."""


def _refused(account: Account, sv: str, en: str) -> AccessError:
    return AccessError(
        Text(
            sv=f"{account.name} ({account.role.label.sv}) får inte {sv}; inget ändrades.",
            en=f"{account.name} ({account.role.label.en}) may not {en}; nothing was changed.",
        )
    )


class GuardedStore:
    """The store as ``account`` may use it (see module docstring)."""

    def __init__(self, store: Store, account: Account) -> None:
        self.inner = store
        self.account = account
        self.catalog: Catalog = store.catalog
        self._internal = frozenset(s.name for s in store.catalog.categories if s.internal)
        self._categories = frozenset(store.catalog.names)

    # ------------------------------------------------------------------ plumbing
    @property
    def location(self) -> str:
        """Return where the data lives."""
        return self.inner.location

    @property
    def is_persistent(self) -> bool:
        """Return whether the data outlives this process."""
        return self.inner.is_persistent

    def revision(self) -> str:
        """Return the store's revision stamp."""
        return self.inner.revision()

    def close(self) -> None:
        """Leave the store open: it is shared by every session of the process."""

    def _need(self, role: Role, sv: str, en: str) -> None:
        if not self.account.at_least(role):
            raise _refused(self.account, sv, en)

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold the store's lock, for admins (first-run set-up, schema changes)."""
        self._need(Role.ADMIN, "ändra arbetsytans upplägg", "change the workspace's set-up")
        return self.inner.exclusive()

    def accounts(self) -> Accounts:
        """Return the accounts, for admins."""
        self._need(Role.ADMIN, "hantera användare", "manage users")
        return self.inner.accounts()

    def own_catalog(self) -> str | None:
        """Return the workspace's own catalog."""
        return self.inner.own_catalog()

    def save_own_catalog(self, text: str) -> None:
        """Keep a catalog, for admins."""
        self._need(Role.ADMIN, "ändra katalogen", "change the catalog")
        self.inner.save_own_catalog(text)

    def may_read(self, layer: str) -> bool:
        """Return whether the account may see ``layer`` (or, of a hidden one, nothing)."""
        return not self._hidden(layer)

    def _hidden(self, layer: str) -> bool:
        """Return whether the account may not see ``layer`` at all."""
        if layer == INBOX_LAYER:
            return not self.account.at_least(Role.COORDINATOR)
        if self.account.at_least(Role.REGISTRANT):
            return False
        return layer in self._internal or layer in (CHANGE_LOG_LAYER, NOTES_LAYER, OPEN311_LAYER)

    # --------------------------------------------------------------------- areas
    def areas(self) -> list[Area]:
        """Return every area: everyone sees the areas."""
        return self.inner.areas()

    def add_area(self, area: Area, *, actor: str) -> None:
        """Add an area, for coordinators."""
        self._need(Role.COORDINATOR, "lägga till områden", "add areas")
        self.inner.add_area(area, actor=self.account.name)

    # -------------------------------------------------------------------- writes
    def _may_register(self, layer: str) -> bool:
        return layer in self._categories and self.account.at_least(Role.REGISTRANT)

    def _own_measure(self, slug: str, uuid: str) -> bool:
        """Return whether measure ``uuid`` is the partner's organisation's."""
        if self.account.organisation is None:
            return False
        found = self.inner.read_records(
            slug, MEASURES_LAYER, Query(uuids=(uuid,), columns=("responsible",))
        )
        return bool(found) and found[0]["responsible"] == self.account.organisation

    def _stamped(self, layer: str, values: Mapping[str, object]) -> dict[str, object]:
        """Return ``values`` registered by the account (where the layer says who)."""
        stamped = dict(values)
        if "created_by" in stamped and layer in self._categories:
            stamped["created_by"] = self.account.name
        return stamped

    def append(
        self,
        slug: str,
        layer: str,
        values: Mapping[str, object],
        geometry: BaseGeometry | None,
        *,
        actor: str,
        children: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
        updates: Sequence[Update] = (),
    ) -> Record:
        """Add one feature: registrants observations, partners notes on their measures."""
        own_note = (
            layer == NOTES_LAYER
            and self.account.at_least(Role.PARTNER)
            and self._own_measure(slug, str(values.get("feature_uuid")))
        )
        if not (self._may_register(layer) or own_note or self.account.at_least(
                Role.COORDINATOR)):  # fmt: skip
            raise _refused(self.account, f"lägga till i {layer}", f"add to {layer}")
        if updates:
            self._check_updates(slug, updates)
        return self.inner.append(
            slug, layer, self._stamped(layer, values), geometry, actor=self.account.name,
            children=children, updates=updates,
        )  # fmt: skip

    def add_children(
        self,
        slug: str,
        layer: str,
        uuid: str,
        children: Mapping[str, Sequence[Mapping[str, object]]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add photos to a stored observation, for those who may register in its category."""
        if not self._may_register(layer):
            raise _refused(self.account, f"lägga till i {layer}", f"add to {layer}")
        return self.inner.add_children(slug, layer, uuid, children, actor=self.account.name)

    def append_many(
        self,
        slug: str,
        layer: str,
        features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add many features: observations for those who may register, any layer for coordinators.

        Observations are stamped as the account's, as ``append`` stamps them; other layers
        (imports, reference layers) are for coordinators.
        """
        if self._may_register(layer):
            stamped = [(self._stamped(layer, values), geometry) for values, geometry in features]
            return self.inner.append_many(slug, layer, stamped, actor=self.account.name)
        self._need(Role.COORDINATOR, "importera", "import")
        return self.inner.append_many(slug, layer, features, actor=self.account.name)

    def append_across(
        self,
        features: Sequence[tuple[str, str, Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
        records: bool = True,
    ) -> list[Record]:
        """Add features to several areas (imports), for coordinators."""
        self._need(Role.COORDINATOR, "importera", "import")
        return self.inner.append_across(features, actor=self.account.name, records=records)

    def append_batches(
        self,
        batches: Iterable[Batch],
        *,
        actor: str,
        areas: Collection[str],
        expected: int,
    ) -> int:
        """Add features as they come (imports), for coordinators."""
        self._need(Role.COORDINATOR, "importera", "import")
        return self.inner.append_batches(
            batches, actor=self.account.name, areas=areas, expected=expected
        )

    def replace(
        self,
        slug: str,
        layer: str,
        remove: Sequence[str],
        add: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Replace features (saved analyses), for coordinators."""
        self._need(Role.COORDINATOR, "spara analyser", "save analyses")
        return self.inner.replace(slug, layer, remove, add, actor=self.account.name)

    def _check_updates(self, slug: str, updates: Sequence[Update]) -> None:
        """Refuse updates the account may not make (a partner: only its own measures)."""
        if self.account.at_least(Role.COORDINATOR):
            return
        if not self.account.at_least(Role.PARTNER):
            raise _refused(self.account, "ändra", "change anything")
        measures = [u for u in updates if u[0] == MEASURES_LAYER]
        for layer, uuid, changes in updates:
            if layer == MEASURES_LAYER:
                ok = self._own_measure(slug, uuid) and "responsible" not in changes
            else:  # the status of the observations its measure covers, with the measure
                ok = layer in self._categories and set(changes) <= FOLLOWING and bool(measures)
            if not ok:
                raise _refused(
                    self.account, "ändra åtgärder som andra ansvarar för",
                    "change measures others are responsible for",
                )  # fmt: skip

    def update(
        self, slug: str, layer: str, uuid: str, changes: Mapping[str, object], *, actor: str
    ) -> Record:
        """Change one feature, as the role allows."""
        return self.update_many(slug, [(layer, uuid, changes)], actor=actor)[0]

    def update_many(self, slug: str, updates: Sequence[Update], *, actor: str) -> list[Record]:
        """Change several features, as the role allows; all or none."""
        self._check_updates(slug, updates)
        return self.inner.update_many(slug, updates, actor=self.account.name)

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features, for coordinators."""
        self._need(Role.COORDINATOR, "ta bort", "delete")
        return self.inner.delete(slug, layer, uuids, actor=self.account.name)

    def erase(self, slug: str, erasures: Sequence[Erasure], *, actor: str) -> None:
        """Remove personal data (retention), for coordinators; an account's name, for admins."""
        self._need(Role.COORDINATOR, "gallra", "erase data")
        if any(erasure.renamed is not None for erasure in erasures):
            self._need(Role.ADMIN, "anonymisera konton", "anonymise accounts")
        self.inner.erase(slug, erasures, actor=self.account.name)

    def copy_area(self, slug: str) -> AreaCopy:
        """Return everything of an area, for admins."""
        self._need(Role.ADMIN, "kopiera områden", "copy areas")
        return self.inner.copy_area(slug)

    def export_area(self, slug: str, path: Path, *, categories: Sequence[str]) -> int:
        """Write an area as a GeoPackage of its own, for admins (everything of it, as a copy)."""
        self._need(Role.ADMIN, "kopiera områden", "copy areas")
        return self.inner.export_area(slug, path, categories=categories)

    def paste_area(self, copy: AreaCopy, *, actor: str) -> None:
        """Create a copied area, for admins."""
        self._need(Role.ADMIN, "kopiera områden", "copy areas")
        self.inner.paste_area(copy, actor=self.account.name)

    # --------------------------------------------------------------------- reads
    def read_layer(self, slug: str, layer: str, query: Query | None = None) -> gpd.GeoDataFrame:
        """Return the layer's features the account may see."""
        if self._public_measures_only(layer):  # the limit counts only the public ones
            limit = None if query is None else query.limit
            unlimited = None if query is None else replace(query, limit=None)
            frame = self.inner.read_layer(slug, layer, unlimited)
            if "public" not in frame:
                return frame.iloc[0:0]
            return frame[frame["public"].fillna(False).astype(bool)].iloc[:limit]
        frame = self.inner.read_layer(slug, layer, query)
        if self._hidden(layer):
            return frame.iloc[0:0]
        return frame

    def _public_measures_only(self, layer: str) -> bool:
        return layer == MEASURES_LAYER and not self.account.at_least(Role.REGISTRANT)

    def read_records(self, slug: str, layer: str, query: Query | None = None) -> list[Record]:
        """Return the layer's features the account may see."""
        if self._hidden(layer):
            return []
        if self._public_measures_only(layer):
            unlimited = None if query is None else replace(query, limit=None)
            public = [r for r in self.inner.read_records(slug, layer, unlimited) if r.get("public")]
            return public if query is None or query.limit is None else public[: query.limit]
        records = self.inner.read_records(slug, layer, query)
        if layer == PHOTOS_LAYER:
            return [r for r in records if not self._hidden(str(r["layer"]))]
        return records

    def count_features(self, slug: str, layer: str, query: Query | None = None) -> int:
        """Return how many of the layer's features the account may see ``query`` selects."""
        if self._hidden(layer):
            return 0
        if self._public_measures_only(layer):
            return len(self.read_records(slug, layer, query))
        return self.inner.count_features(slug, layer, query)

    def read_photos(self, slug: str, feature_uuids: Sequence[str]) -> list[PhotoInfo]:
        """Return the photos of features the account may see."""
        return [p for p in self.inner.read_photos(slug, feature_uuids) if not self._hidden(p.layer)]

    def read_photo_image(self, slug: str, photo_uuid: str) -> bytes | None:
        """Return one photo, if the account may see its feature."""
        found = self.inner.read_records(
            slug, PHOTOS_LAYER, Query(uuids=(photo_uuid,), columns=("layer",))
        )
        if not found or self._hidden(str(found[0]["layer"])):
            return None
        return self.inner.read_photo_image(slug, photo_uuid)

    def redact_photo(
        self,
        slug: str,
        photo_uuid: str,
        *,
        image: bytes,
        thumbnail: bytes,
        boxes: Sequence[Sequence[int]],
        actor: str,
    ) -> PhotoInfo:
        """Black out parts of a photo, for coordinators (who change observations)."""
        self._need(Role.COORDINATOR, "maskera foton", "black out parts of photos")
        return self.inner.redact_photo(slug, photo_uuid, image=image, thumbnail=thumbnail,
                                       boxes=boxes, actor=self.account.name)  # fmt: skip

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the features per layer; a viewer's hidden layers count none."""
        counts = self.inner.feature_counts(slug)
        return {name: 0 if self._hidden(name) else n for name, n in counts.items()}

    def check(self, *, repair: bool = False) -> list[Problem]:
        """Check the workspace, for coordinators (``repair``: admins)."""
        self._need(Role.ADMIN if repair else Role.COORDINATOR, "kontrollera arbetsytan",
                   "check the workspace")  # fmt: skip
        return self.inner.check(repair=repair)


def may_read(workspace: Workspace, layer: str) -> bool:
    """Return whether the workspace's account may see ``layer`` (all may, without accounts)."""
    store = workspace.store
    return store.may_read(layer) if isinstance(store, GuardedStore) else True


def sees_who_registered(workspace: Workspace) -> bool:
    """Return whether the account sees who registered what (``created_by``): not viewers."""
    return workspace.account is None or workspace.account.at_least(Role.REGISTRANT)


def workspace_as(workspace: Workspace, account: Account) -> Workspace:
    """Return ``workspace`` as ``account`` may use it: its store wrapped in a ``GuardedStore``."""
    store = workspace.store
    base = store.inner if isinstance(store, GuardedStore) else store
    return Workspace(workspace.settings, GuardedStore(base, account), account)
