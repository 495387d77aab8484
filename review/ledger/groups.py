"""Duplicate groups from dedup events: who is in which group, and what a
reviewer said must stay apart.

A record is in a group when its newest merge/unmerge event is a merge; the
group is named by that event's `group_key`. `distinct` events name two
records a reviewer said are different; an `unmerge` by a reviewer also
takes a record out of the unit it shares with others by an identifier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from review.ledger.order import newest

REVIEWER_RULE = "reviewer"
"""The `rule` of a merge, unmerge or distinct decided by a person."""
UNDONE_RULE = "undone"
"""The `rule` of an unmerge that undoes a reviewer's merge of a record that
was in no group before it: back to no group, without the "taken out" a
reviewer's own unmerge means (which would split a shared identifier)."""
DISTINCT_PREFIX = "record:"
"""A `distinct` event names the other record of the pair as `record:<uid>` in group_key."""

Pair = TypeVar("Pair", bound=tuple[Any, ...])


class DedupEvent(NamedTuple):
    """One row of the dedup events."""

    uid: str
    created_at: str
    reviewer: str
    group_key: str
    record_uid: str
    action: str
    """'merge', 'unmerge' or 'distinct'."""
    rule: str | None
    score: float | None
    batch: str | None = None
    """The user action the event belongs to (a reviewer's merge names one),
    so an undo finds every record that action moved; None for older events
    and rule merges."""


@dataclass(frozen=True)
class GroupState:
    """Where every record stands after replaying the dedup events."""

    members: dict[str, DedupEvent]
    """Record uid → the merge that holds it, for groups of two or more."""
    distinct: set[frozenset[str]]
    """Pairs of record uids a reviewer said are different."""
    taken_out: dict[str, str]
    """Record uid → the unit a reviewer took it out of (newest event an unmerge)."""

    @property
    def group_of(self) -> dict[str, str]:
        return {uid: event.group_key for uid, event in self.members.items()}


def replay_groups(events: Iterable[DedupEvent]) -> GroupState:
    """Current groups, pairs kept apart and records taken out, from any order of events."""
    joins: list[DedupEvent] = []
    distinct: set[frozenset[str]] = set()
    for event in events:
        if event.action == "distinct":
            distinct.add(
                frozenset((event.record_uid, event.group_key.removeprefix(DISTINCT_PREFIX)))
            )
        else:
            joins.append(event)
    latest = newest(joins, lambda e: e.record_uid)
    merged = {uid: e for uid, e in latest.items() if e.action == "merge"}
    sizes: dict[str, int] = {}
    for event in merged.values():
        sizes[event.group_key] = sizes.get(event.group_key, 0) + 1
    return GroupState(
        members={uid: e for uid, e in merged.items() if sizes[e.group_key] > 1},
        distinct=distinct,
        taken_out={
            uid: e.group_key
            for uid, e in latest.items()
            if e.action == "unmerge" and e.rule == REVIEWER_RULE
        },
    )


def reviewer_unmerges(events: Iterable[DedupEvent]) -> set[tuple[str, str]]:
    """(record uid, group key) of every record a reviewer ever took out of a
    group: a rule never puts it back there, whatever happened since."""
    return {
        (e.record_uid, e.group_key)
        for e in events
        if e.action == "unmerge" and e.rule == REVIEWER_RULE
    }


def undecided(pairs: Iterable[Pair], state: GroupState) -> list[Pair]:
    """The queued pairs, each `(uid_a, uid_b, …)`, a reviewer still has to judge:
    not marked distinct, and not already in one group. Order is kept."""
    groups = state.group_of
    return [
        pair
        for pair in pairs
        if frozenset(pair[:2]) not in state.distinct
        and not (pair[0] in groups and groups.get(pair[0]) == groups.get(pair[1]))
    ]
