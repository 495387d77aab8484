"""A reviewer's own duplicate decisions: merge two records, take one apart.

Both are dedup events, so they survive merging reviewers' files, and both
work on units as the resolver sees them: records one by an identifier
(a shared DOI, say) are split by taking one out, and any two records can be
merged by hand, not only a pair the pipeline queued.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from review.dedup.units import load_resolution
from review.errors import UsageError
from review.ledger.groups import REVIEWER_RULE
from review.ledger.resolver import Resolution
from review.store import Store


@dataclass(frozen=True)
class MergePlan:
    """What merging two records' units does, before it is done: which unit
    stays (and keeps its decisions) and which records join it."""

    kept: str
    """The unit key that holds both afterwards: its first record was imported first."""
    kept_records: tuple[int, ...]
    """Record ids already in the kept unit, first first."""
    joining: tuple[int, ...]
    """Record ids that join it; empty when the two are one unit already."""


def plan_merge(
    store: Store, record_a: int, record_b: int, resolution: Resolution | None = None
) -> MergePlan:
    """What `merge_records` would do with these two records (ids), read from
    `resolution` when the caller holds one (the records browser, between a
    record marked and the one the cursor is on)."""
    resolution = resolution or load_resolution(store)
    refs = store.records.record_refs([record_a, record_b])
    units = []
    for record_id in (record_a, record_b):
        if record_id not in refs:
            raise UsageError(f"no record {record_id} in this review", path=store.path)
        units.append(resolution.unit_of_record(record_id, refs[record_id].key))
    kept = min(units, key=lambda unit: resolution.by_key[unit].record_id)
    other = units[1] if kept == units[0] else units[0]
    joining = () if other == kept else tuple(_record_ids(resolution, other))
    return MergePlan(kept, tuple(_record_ids(resolution, kept)), joining)


def merge_records(store: Store, uid_a: str, uid_b: str, reviewer: str) -> str:
    """Make the two records' units one; returns the unit key that holds them.

    The unit whose first record was imported first keeps its key, so
    decisions already made on it stay with it. The events share one `batch`,
    so `undo_merge` finds them all.
    """
    with store.write():
        resolution = load_resolution(store)
        ids = store.records.record_ids_for_uids([uid_a, uid_b])
        for uid in (uid_a, uid_b):
            if uid not in ids:
                raise UsageError(f"no record with uid {uid} in this review", path=store.path)
        plan = plan_merge(store, ids[uid_a], ids[uid_b], resolution)
        if not plan.joining:
            return plan.kept
        target = plan.kept
        members = [*plan.kept_records, *plan.joining]
        already = store.dedup.group_state().group_of
        member_uids = {ref.uid for ref in store.records.record_refs(members).values()}
        batch = uuid.uuid4().hex
        rows = [
            {
                "group_key": target,
                "record_uid": uid,
                "action": "merge",
                "rule": REVIEWER_RULE,
                "batch": batch,
            }
            for uid in sorted(member_uids)
            if already.get(uid) != target
        ]
        store.append_events("dedup_events", reviewer, rows)
    return target


def take_apart(store: Store, uid: str, reviewer: str) -> str:
    """Take a record out of the unit it shares with others (undo a merge, or
    split records one by an identifier); returns the unit's key.

    A duplicate group left with one member is dissolved in the same action.
    """
    with store.write():
        resolution = load_resolution(store)
        ids = store.records.record_ids_for_uids([uid])
        if uid not in ids:
            raise UsageError(f"no record with uid {uid} in this review", path=store.path)
        ref = store.records.record_refs([ids[uid]])[ids[uid]]
        unit = resolution.unit_of_record(ref.record_id, ref.key)
        members = resolution.groups.get(unit)
        if not members:
            raise UsageError(
                "this record is not one unit with any other",
                path=store.path,
                hint="pick a record of a group of two or more",
            )
        leaving = [uid]
        grouped = store.dedup.group_state().group_of
        rest = [m for m in members if m.record_id != ref.record_id and m.decided_by != "identifier"]
        if uid in grouped and len(rest) == 1:
            leaving.append(store.records.record_refs([rest[0].record_id])[rest[0].record_id].uid)
        rows = [
            {"group_key": unit, "record_uid": u, "action": "unmerge", "rule": REVIEWER_RULE}
            for u in leaving
        ]
        store.append_events("dedup_events", reviewer, rows)
    return unit


def _record_ids(resolution: Resolution, unit: str) -> list[int]:
    members = resolution.groups.get(unit)
    if members:
        return [m.record_id for m in members]
    return [resolution.by_key[unit].record_id]
