"""The protocol's form as extraction reads it: groups with their entity kind,
and which entities are the rows of which repeating group.

Rows of repeating groups are entities (`store.entities`), so values point at
a stable id and a rename rewrites nothing. A `repeat: arm` group's rows are
`arm` entities; `repeat: outcome_timepoint` groups' and generic `repeats:
true` groups' rows are `result` entities. Every row extraction creates
carries `{"group": "<section>.<group>"}`, so two groups of one kind keep
their rows apart; an entity without it (made elsewhere, e.g. by risk of
bias) belongs to the first repeating group of its kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from review.ledger.entities import Entity, Kind, list_key
from review.protocol.form import ARM_KEY_FIELD, FormField, FormFieldRef, Group, Section
from review.protocol.models import Protocol

GROUP_ATTR = "group"
"""The entity attribute naming the repeating group a row belongs to."""
STUDY_LEVEL = ""
"""The `instance` of a field answered once per study."""


@dataclass(frozen=True)
class GroupSpec:
    """A group of the form with where it sits and the entity kind of its rows."""

    section: Section
    group: Group

    @property
    def key(self) -> str:
        return f"{self.section.id}.{self.group.id}"

    @property
    def repeating(self) -> bool:
        return self.group.is_repeating

    @property
    def kind(self) -> Kind:
        return "arm" if self.group.repeat == "arm" else "result"

    def field_key(self, form_field: FormField) -> str:
        return f"{self.key}.{form_field.id}"


def groups(protocol: Protocol) -> Iterator[GroupSpec]:
    for section in protocol.extraction.sections:
        for group in section.groups:
            yield GroupSpec(section, group)


def repeating_groups(protocol: Protocol) -> list[GroupSpec]:
    return [spec for spec in groups(protocol) if spec.repeating]


def group_of(protocol: Protocol, key: str) -> GroupSpec:
    """The group at `section.group`; KeyError names the repeating groups."""
    for spec in groups(protocol):
        if spec.key == key:
            return spec
    known = ", ".join(spec.key for spec in repeating_groups(protocol)) or "none"
    raise KeyError(f"no group {key!r} in the form (repeating groups: {known})")


def group_key_of(ref: FormFieldRef) -> str | None:
    """`section.group` of a field in a repeating group; None for a field answered once."""
    if ref.group is None or not ref.group.is_repeating:
        return None
    return f"{ref.section.id}.{ref.group.id}"


def is_name_field(ref: FormFieldRef) -> bool:
    """An arm group's `name` field is the row's name itself: typing it renames
    the arm, so the list, the values and the exports never disagree."""
    return ref.group is not None and ref.group.repeat == "arm" and ref.field.id == ARM_KEY_FIELD


def rows_by_group(protocol: Protocol, entities: Iterable[Entity]) -> dict[str, list[Entity]]:
    """Each repeating group's rows (`section.group` → entities) in list order."""
    specs = repeating_groups(protocol)
    keys = {spec.key for spec in specs}
    first_of_kind: dict[str, str] = {}
    for spec in specs:
        first_of_kind.setdefault(spec.kind, spec.key)
    out: dict[str, list[Entity]] = {spec.key: [] for spec in specs}
    for entity in entities:
        named = entity.attrs.get(GROUP_ATTR)
        key = named if isinstance(named, str) else first_of_kind.get(entity.kind)
        if key in keys:
            spec_kind = next(spec.kind for spec in specs if spec.key == key)
            if spec_kind == entity.kind:
                out[key].append(entity)
    for rows in out.values():
        rows.sort(key=list_key)
    return out
