"""Arms, outcomes, timepoints, comparisons and results in the review file.

The only SQL about the `entities` table. Writes are events checked against
the state replayed from the file in the same transaction, so two processes
cannot both create the same name; reads replay events with
`review.ledger.entities`, never "the newest row", so merged files agree.
Names are what reviewers type and must be unique among a study's live
entities of a kind; ids are what values point at.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from review.errors import UsageError
from review.ledger.entities import (
    KINDS,
    POSITION,
    Entity,
    EntityEvent,
    Kind,
    clean_name,
    named,
    of_study,
    replay,
    unplaced,
)

if TYPE_CHECKING:
    from review.store.store import Store

_COLUMNS = "uid, created_at, reviewer, entity_id, study_key, kind, action, name, attrs"


class EntitiesRepository:
    """`store.entities`: create, rename, remove, restore and set attributes of
    a study's repeating things, and read them back replayed."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- writing --------------------------------------------------------------

    def create(
        self,
        study_key: str,
        kind: str,
        name: str,
        *,
        reviewer: str,
        attrs: Mapping[str, Any] | None = None,
    ) -> str:
        """Create an entity in a study; returns its new id (a uuid4 hex)."""
        checked_kind = _kind(kind)
        clean = _name(name, checked_kind)
        text = _attrs_json(attrs or {}, clearing=False)
        with self._store.write():
            self._require_study(study_key)
            self._refuse_taken(study_key, checked_kind, clean)
            entity_id = uuid.uuid4().hex
            self._append(
                reviewer,
                entity_id,
                study_key,
                checked_kind,
                "create",
                name=clean,
                attrs=text,
            )
        return entity_id

    def rename(self, entity_id: str, name: str, *, reviewer: str) -> str | None:
        """Give an entity a new name; returns the event uid, or None when the
        name is already exactly that. Values keep pointing at the id."""
        with self._store.write():
            entity = self._require_live(entity_id, "rename")
            clean = _name(name, entity.kind)
            if clean == entity.name:
                return None
            self._refuse_taken(entity.study_key, entity.kind, clean, besides=entity.id)
            return self._append_for(entity, reviewer, "rename", name=clean)

    def remove(self, entity_id: str, *, reviewer: str) -> str | None:
        """Remove an entity from its study's lists; its values are kept for a
        restore. Returns the event uid, or None when already removed."""
        with self._store.write():
            entity = self._require(entity_id)
            if entity.removed:
                return None
            return self._append_for(entity, reviewer, "remove")

    def restore(self, entity_id: str, *, reviewer: str) -> str | None:
        """Bring a removed entity back; returns the event uid, or None when it
        is not removed. Refused while a live one of its kind has its name."""
        with self._store.write():
            entity = self._require(entity_id)
            if not entity.removed:
                return None
            self._refuse_taken(entity.study_key, entity.kind, entity.name, besides=entity.id)
            return self._append_for(entity, reviewer, "restore")

    def set_attrs(self, entity_id: str, attrs: Mapping[str, Any], *, reviewer: str) -> str | None:
        """Change some attributes (None clears one); the others stay. Only the
        changed ones are recorded, so a concurrent change to another attribute
        survives a merge. Returns the event uid, or None when nothing changes."""
        _attrs_json(attrs, clearing=True)  # refuse bad input before reading the file
        with self._store.write():
            entity = self._require_live(entity_id, "change")
            changed = {key: value for key, value in attrs.items() if entity.attrs.get(key) != value}
            if not changed:
                return None
            return self._append_for(
                entity, reviewer, "set", attrs=_attrs_json(changed, clearing=True)
            )

    # -- reading --------------------------------------------------------------

    def events(self, study_key: str | None = None) -> list[EntityEvent]:
        """The entity events of one study (or all), in replay order."""
        where, params = ("WHERE study_key = ?", [study_key]) if study_key is not None else ("", [])
        return self._events(where, params)

    def entities(
        self,
        study_key: str | None = None,
        kind: str | None = None,
        *,
        include_removed: bool = False,
    ) -> list[Entity]:
        """Entities replayed from their events, by study, then kind (in `KINDS`
        order), then as lists show them (`of_study`)."""
        checked_kind = _kind(kind) if kind is not None else None
        state = replay(self.events(study_key))
        studies = sorted({entity.study_key for entity in state.values()})
        return [
            entity
            for study in studies
            for entity in of_study(state, study, checked_kind, include_removed=include_removed)
        ]

    def entity(self, entity_id: str) -> Entity | None:
        """One entity by id, removed or not; None when no create names it."""
        return replay(self._events("WHERE entity_id = ?", [entity_id])).get(entity_id)

    def unplaced(self, study_key: str | None = None) -> list[EntityEvent]:
        """Events that cannot take effect yet (see `review.ledger.entities`)."""
        return unplaced(self.events(study_key))

    # -- helpers --------------------------------------------------------------

    def _events(self, where: str, params: list[Any]) -> list[EntityEvent]:
        rows = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM entities {where} ORDER BY created_at, uid", params
        ).fetchall()
        rows = self._store.reviewers.read_as(rows, 2)
        return [
            EntityEvent(
                uid=row[0],
                created_at=row[1],
                reviewer=row[2],
                entity_id=row[3],
                study_key=row[4],
                kind=row[5],
                action=row[6],
                name=row[7],
                attrs=_load_attrs(row[8]),
            )
            for row in rows
        ]

    def _append(
        self,
        reviewer: str,
        entity_id: str,
        study_key: str,
        kind: Kind,
        action: str,
        *,
        name: str | None = None,
        attrs: str = "{}",
    ) -> str:
        return self._store.append_event(
            "entities",
            reviewer,
            entity_id=entity_id,
            study_key=study_key,
            kind=kind,
            action=action,
            name=name,
            attrs=attrs,
        )

    def _append_for(
        self, entity: Entity, reviewer: str, action: str, *, name: str | None = None, **extra: str
    ) -> str:
        """An event about an existing entity repeats its study and kind, so a
        study's events are read through one index."""
        return self._append(
            reviewer, entity.id, entity.study_key, entity.kind, action, name=name, **extra
        )

    def _require(self, entity_id: str) -> Entity:
        entity = self.entity(entity_id)
        if entity is None:
            raise UsageError(
                f"no arm, outcome, timepoint, comparison or result {entity_id!r} in this review",
                path=self._store.path,
                hint="pick it from the study's list; if another reviewer created it, "
                "merge their file first",
            )
        return entity

    def _require_live(self, entity_id: str, verb: str) -> Entity:
        entity = self._require(entity_id)
        if entity.removed:
            raise UsageError(
                f"cannot {verb} the removed {entity.kind} {entity.name!r}",
                path=self._store.path,
                hint="restore it first",
            )
        return entity

    def _require_study(self, study_key: str) -> None:
        """A key the resolver can name: a record key, or a split or group key
        (`key@…`) built on one. Which studies may be extracted (the included
        ones) is the core's rule, not the store's."""
        if not self._store.records.has_key(study_key):
            raise UsageError(
                f"no study {study_key!r} in this review",
                path=self._store.path,
                field="study",
                hint="a study is named by its main record's key, e.g. doi:10.1000/xyz",
            )
        main = self._store.studies.links().get(study_key)
        if main is not None:
            raise UsageError(
                f"{study_key} is a report of the study {main}",
                path=self._store.path,
                field="study",
                hint=f"add arms, outcomes and results to the study itself: {main}",
            )

    def _refuse_taken(
        self, study_key: str, kind: Kind, name: str, *, besides: str | None = None
    ) -> None:
        live = replay(self.events(study_key))
        taken = [entity for entity in named(live, study_key, kind, name) if entity.id != besides]
        if taken:
            raise UsageError(
                f"another {kind} of this study is named {taken[0].name!r}",
                path=self._store.path,
                field="name",
                hint=f"choose another name, or rename or remove the other {kind} first",
            )


def _kind(kind: str) -> Kind:
    for known in KINDS:
        if kind == known:
            return known
    raise UsageError(
        f"unknown kind {kind!r}",
        field="kind",
        hint=f"one of: {', '.join(KINDS)}",
    )


def _name(name: str, kind: str) -> str:
    clean = clean_name(name or "")
    if not clean:
        raise UsageError(
            f"a name is needed for the {kind}",
            field="name",
            hint="the name reviewers see and type, e.g. 'Nivolumab + RT' or 'Overall survival'",
        )
    return clean


def _attrs_json(attrs: Mapping[str, Any], *, clearing: bool) -> str:
    """Attributes as stored: a JSON object with text keys, a numeric position;
    None (to clear an attribute) only when changing an existing entity."""
    if not isinstance(attrs, Mapping) or not all(isinstance(key, str) for key in attrs):
        raise UsageError("attributes must map names to values", field="attrs")
    for key, value in attrs.items():
        if value is None and not clearing:
            raise UsageError(
                f"attribute {key!r} has no value", field="attrs", hint="leave it out instead"
            )
    position = attrs.get(POSITION)
    if position is not None and (
        isinstance(position, bool)
        or not isinstance(position, int | float)
        or not math.isfinite(position)
    ):
        raise UsageError(
            f"{POSITION} must be a number, not {position!r}",
            field="attrs",
            hint="positions order a study's list; any numbers will do, e.g. 1.5 between 1 and 2",
        )
    try:
        return json.dumps(dict(attrs), sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"attributes must be plain JSON values ({exc})",
            field="attrs",
            hint="use text, numbers, true/false, lists and entity ids",
        ) from None


def _load_attrs(text: str | None) -> Mapping[str, Any]:
    """An event's attributes; anything but a JSON object reads as none."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return MappingProxyType({})
    return MappingProxyType(value) if isinstance(value, dict) else MappingProxyType({})
