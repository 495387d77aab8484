"""Things that repeat within a study — arms, outcomes, timepoints,
comparisons, results — as state replayed from their events.

Each entity gets a stable id when created; every later event names that
id. Extraction values and risk-of-bias answers point at the id, never at a
name, so renaming an arm is one newer event and no value is rewritten.

State is a pure function of the *set* of events (see `order`): every
property is its own register and the event that replays last wins it —
the name (renames), `removed` (removes and restores), and each attribute
(sets) separately, so two reviewers renaming one arm while a third moves
it keep both changes, and files merged in any order, any number of times,
give the same entities. A create only founds the entity: a second create
of one id is ignored.

Events that cannot take effect are kept aside, never raised (`unplaced`):
those about an id no create names (the create is in a file not merged
yet; they take effect once it is, since state depends only on the set),
those naming another study or kind than their entity's create, a second
create, a rename without a name, and actions this version does not know.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from review.ledger.order import in_order, order_key

Kind = Literal["arm", "outcome", "timepoint", "comparison", "result"]
KINDS: tuple[Kind, ...] = ("arm", "outcome", "timepoint", "comparison", "result")
"""What repeats in a study, in the order lists show them. A result is one
outcome × timepoint × comparison row, what RoB 2 judges and a meta-analysis
row comes from; it names its parts by entity id in its attributes."""

Action = Literal["create", "rename", "remove", "restore", "set"]
ACTIONS: tuple[Action, ...] = ("create", "rename", "remove", "restore", "set")

POSITION = "position"
"""The attribute that places an entity in its study's list (any number);
entities without one follow, in creation order. Set like any attribute, so
a move is one `set` event and concurrent moves resolve by the order rule."""


def _no_attrs() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class EntityEvent:
    """One row of the `entities` table. The row id is left out on purpose:
    it numbers rows in one file only and never decides anything."""

    uid: str
    created_at: str
    reviewer: str
    entity_id: str
    study_key: str
    kind: Kind
    action: Action
    name: str | None = None
    attrs: Mapping[str, Any] = field(default_factory=_no_attrs, hash=False)
    """On create the first attributes; on set only those that change
    (None clears one); empty for the other actions."""


@dataclass(frozen=True, slots=True)
class Entity:
    """An arm, outcome, timepoint, comparison or result as its events leave it."""

    id: str
    study_key: str
    kind: Kind
    name: str
    attrs: Mapping[str, Any] = field(hash=False)
    """Read-only; e.g. a result's {"outcome": id, "timepoint": id, "comparison": id}."""
    created_by: str
    created_at: str
    removed: bool
    """Removed entities keep their id and values; a restore brings them back."""
    order: tuple[str, str]
    """Where its create replays (`order_key`): creation order, the same in every file."""

    @property
    def position(self) -> float | None:
        """The reviewer-set place in its study's list, if any (see `POSITION`)."""
        value = self.attrs.get(POSITION)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) if math.isfinite(value) else None
        return None


def replay(events: Iterable[EntityEvent]) -> dict[str, Entity]:
    """Every created entity by id, removed ones included (see the module's rule)."""
    return _fold(events)[0]


def unplaced(events: Iterable[EntityEvent]) -> list[EntityEvent]:
    """The events `replay` set aside, in replay order, for reports and checks."""
    return _fold(events)[1]


def of_study(
    entities: Mapping[str, Entity] | Iterable[Entity],
    study_key: str,
    kind: Kind | None = None,
    *,
    include_removed: bool = False,
) -> list[Entity]:
    """A study's entities (of one kind, or all kinds in `KINDS` order) as a
    list shows them: by position where a reviewer set one, the rest after
    them in creation order. Without positions that is creation order."""
    found = [
        entity
        for entity in _entities(entities)
        if entity.study_key == study_key
        and (kind is None or entity.kind == kind)
        and (include_removed or not entity.removed)
    ]
    return sorted(found, key=lambda entity: (KINDS.index(entity.kind), *list_key(entity)))


def list_key(entity: Entity) -> tuple[int, float, tuple[str, str]]:
    """Sort key within one study and kind: positioned first, then creation order."""
    position = entity.position
    return (0, position, entity.order) if position is not None else (1, 0.0, entity.order)


def clean_name(name: str) -> str:
    """A name as stored: trimmed, inner runs of whitespace made one space."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """What two names must share to be the same name to a reviewer."""
    return clean_name(name).casefold()


def named(
    entities: Mapping[str, Entity] | Iterable[Entity], study_key: str, kind: Kind, name: str
) -> list[Entity]:
    """Live entities of the study and kind whose name matches `name` (see `name_key`)."""
    wanted = name_key(name)
    return [e for e in of_study(entities, study_key, kind) if name_key(e.name) == wanted]


def clashes(entities: Mapping[str, Entity] | Iterable[Entity]) -> list[list[Entity]]:
    """Live entities sharing a study, kind and name, in creation order.

    The store refuses a duplicate name, but two reviewers can each create
    "Placebo" in their own file; after a merge both exist and a reviewer
    renames or removes one. Ids keep their values apart meanwhile.
    """
    groups: dict[tuple[str, str, str], list[Entity]] = {}
    for entity in sorted(_entities(entities), key=lambda e: e.order):
        if not entity.removed:
            groups.setdefault((entity.study_key, entity.kind, name_key(entity.name)), []).append(
                entity
            )
    return [group for _, group in sorted(groups.items()) if len(group) > 1]


def _entities(entities: Mapping[str, Entity] | Iterable[Entity]) -> Iterable[Entity]:
    return entities.values() if isinstance(entities, Mapping) else entities


def _fold(events: Iterable[EntityEvent]) -> tuple[dict[str, Entity], list[EntityEvent]]:
    """One pass finds each id's founding create, a second applies the rest in
    replay order so the last event per register wins. The same uid twice (a
    file merged twice, in memory) counts once."""
    ordered = in_order({event.uid: event for event in events}.values())
    creates: dict[str, EntityEvent] = {}
    aside: list[EntityEvent] = []
    for event in ordered:
        if event.action == "create":
            if event.entity_id in creates:
                aside.append(event)
            else:
                creates[event.entity_id] = event
    names: dict[str, str] = {}
    removed: dict[str, bool] = {}
    attrs: dict[str, dict[str, Any]] = {
        entity_id: {k: v for k, v in create.attrs.items() if v is not None}
        for entity_id, create in creates.items()
    }
    for event in ordered:
        if event.action == "create":
            continue
        create = creates.get(event.entity_id)
        if (
            create is None
            or (event.study_key, event.kind) != (create.study_key, create.kind)
            or event.action not in ACTIONS
            or (event.action == "rename" and not (event.name and event.name.strip()))
        ):
            aside.append(event)
        elif event.action == "rename":
            names[event.entity_id] = event.name or ""
        elif event.action in ("remove", "restore"):
            removed[event.entity_id] = event.action == "remove"
        else:  # set
            held = attrs[event.entity_id]
            for key, value in event.attrs.items():
                if value is None:
                    held.pop(key, None)
                else:
                    held[key] = value
    entities = {
        entity_id: Entity(
            id=entity_id,
            study_key=create.study_key,
            kind=create.kind,
            name=names.get(entity_id, create.name or ""),
            attrs=MappingProxyType(attrs[entity_id]),
            created_by=create.reviewer,
            created_at=create.created_at,
            removed=removed.get(entity_id, False),
            order=order_key(create),
        )
        for entity_id, create in creates.items()
    }
    return entities, in_order(aside)
