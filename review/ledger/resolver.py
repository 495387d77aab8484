"""One resolver: record → unit → study.

A *unit* is what one screening decision covers: the records sharing an
identity key (DOI, PMID, registry id, or title + year + first author) unless
they were split apart, or a duplicate group (by a rule or a reviewer). A
*study* is a unit plus the units linked to it as further reports. Screening,
`review status`, the groups report and everything counted per study read
units and studies from here, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from review.ledger.groups import DedupEvent

APART = "@apart"
"""Suffix of a key whose name a duplicate group took (see `resolve`)."""
IDENTIFIER = "identifier"
"""Why records share a unit when no rule or reviewer merged them."""


class Unit(NamedTuple):
    """What one screening decision covers, shown through its first record. A
    tuple, because a living review builds 100k of them at start-up."""

    key: str
    record_id: int
    position: int
    """Order in the queue (import order of the first record)."""


@dataclass(frozen=True, slots=True)
class Membership:
    """One record of a unit of two or more, and why it is there."""

    unit_key: str
    record_id: int
    decided_by: str
    """'identifier', the dedup rule's name, or 'reviewer'."""
    reviewer: str
    created_at: str


@dataclass
class Resolution:
    """Units and studies of a review, resolved once."""

    units: list[Unit]
    alias: dict[str, str]
    """A key events may name (record key, split key, old group key) → its unit,
    for every key that is not itself a unit's key."""
    groups: dict[str, list[Membership]]
    """Unit key → its records, for units of two or more records, first first."""
    own_keys: dict[int, str] = field(default_factory=dict)
    """Record id → unit key, for records not under their own identity key."""
    links: dict[str, str] = field(default_factory=dict)
    """Unit key → the unit of its study's main record, for linked reports."""

    def __post_init__(self) -> None:
        self.by_key = {unit.key: unit for unit in self.units}

    def unit_key(self, key: str) -> str:
        """The unit an event naming `key` (a record, split or group key) is about."""
        return self.alias.get(key) or key

    def unit_of_record(self, record_id: int, key: str) -> str:
        return self.own_keys.get(record_id) or self.alias.get(key) or key

    def size(self, unit_key: str) -> int:
        """How many imported records the unit covers."""
        members = self.groups.get(unit_key)
        return len(members) if members else 1

    def study_of(self, unit_key: str) -> str:
        """The unit whose main record names the study this unit reports."""
        return self.links.get(unit_key, unit_key)

    @property
    def record_count(self) -> int:
        return sum(self.size(unit.key) for unit in self.units)


def resolve(
    key_rows: Iterable[tuple[str, int]],
    *,
    splits: dict[int, str] | None = None,
    grouped: dict[int, DedupEvent] | None = None,
    links: dict[str, str] | None = None,
) -> Resolution:
    """Units from every record's (key, id) ordered by key then id, records split
    off a shared key (`splits`: id → own key), records in duplicate groups
    (`grouped`: id → the merge holding it) and study links (record key →
    study key).

    Records sharing a key follow a member that joined a group, since they are
    one paper. A key that is also the name of a group it has no record in
    (the group's first member left it) becomes `key@apart`, so two papers
    never meet under one key. One pass of dict lookups: 100k records take
    tens of milliseconds.
    """
    rows = key_rows if isinstance(key_rows, list) else list(key_rows)
    splits = splits or {}
    grouped = grouped or {}
    group_keys = {event.group_key for event in grouped.values()}
    follows: dict[str, str] = {}
    """Base unit → the group its first grouped record joined."""
    if grouped:
        first_joined: dict[str, int] = {}
        for key, record_id in rows:
            if record_id in grouped:
                base = splits.get(record_id, key)
                if record_id < first_joined.get(base, record_id + 1):
                    first_joined[base] = record_id
        follows = {base: grouped[rid].group_key for base, rid in first_joined.items()}
    # An event naming a live group's key is about the group, never redirected.
    alias = {base: unit for base, unit in follows.items() if base not in group_keys}
    firsts: dict[str, int] = {}
    together: dict[str, list[int]] = {}
    own_keys: dict[int, str] = {}
    for key, record_id in rows:
        base = splits.get(record_id, key) if splits else key
        if record_id in grouped:
            unit = grouped[record_id].group_key
        else:
            unit = follows.get(base, base)
            if unit == base and base in group_keys and follows.get(base) != base:
                unit = base + APART
        if unit != alias.get(key, key):
            own_keys[record_id] = unit
        held = firsts.get(unit)
        if held is None:
            firsts[unit] = record_id
        else:
            together.setdefault(unit, [held]).append(record_id)
            if record_id < held:
                firsts[unit] = record_id
    ordered = sorted((first, unit) for unit, first in firsts.items())
    units = [Unit(unit, first, n) for n, (first, unit) in enumerate(ordered)]
    groups = {
        unit: [_membership(unit, i, grouped.get(i)) for i in sorted(ids)]
        for unit, ids in together.items()
    }
    resolution = Resolution(units, alias, groups, own_keys)
    resolution.links = _study_links(resolution, links or {})
    return resolution


def _membership(unit: str, record_id: int, merge: DedupEvent | None) -> Membership:
    if merge is None:
        return Membership(unit, record_id, IDENTIFIER, "", "")
    return Membership(unit, record_id, merge.rule or "reviewer", merge.reviewer, merge.created_at)


def _study_links(resolution: Resolution, links: dict[str, str]) -> dict[str, str]:
    """Record-key links as unit links; a unit linked to itself (its reports were
    merged as duplicates since) stands alone."""
    out: dict[str, str] = {}
    for record_key, study_key in links.items():
        unit, study = resolution.unit_key(record_key), resolution.unit_key(study_key)
        if unit != study and unit in resolution.by_key:
            out[unit] = study
    return out
