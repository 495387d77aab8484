"""A reviewer's own duplicate decisions: merge two records, take one apart.

Both are dedup events, so they survive merging reviewers' files, and both
work on units as the resolver sees them: records one by an identifier
(a shared DOI, say) are split by taking one out, and any two records can be
merged by hand, not only a pair the pipeline queued.
"""

from __future__ import annotations

from review.dedup.units import load_resolution
from review.errors import UsageError
from review.ledger.groups import REVIEWER_RULE
from review.ledger.resolver import Resolution
from review.store import Store


def merge_records(store: Store, uid_a: str, uid_b: str, reviewer: str) -> str:
    """Make the two records' units one; returns the unit key that holds them.

    The unit whose first record was imported first keeps its key, so
    decisions already made on it stay with it.
    """
    with store.write():
        resolution = load_resolution(store)
        ids = store.records.record_ids_for_uids([uid_a, uid_b])
        refs = store.records.record_refs(ids.values())
        units = []
        for uid in (uid_a, uid_b):
            if uid not in ids:
                raise UsageError(f"no record with uid {uid} in this review", path=store.path)
            ref = refs[ids[uid]]
            units.append(resolution.unit_of_record(ref.record_id, ref.key))
        if units[0] == units[1]:
            return units[0]
        target = min(units, key=lambda unit: resolution.by_key[unit].record_id)
        members = [rid for unit in units for rid in _record_ids(resolution, unit)]
        already = store.dedup.group_state().group_of
        member_uids = {ref.uid for ref in store.records.record_refs(members).values()}
        rows = [
            {"group_key": target, "record_uid": uid, "action": "merge", "rule": REVIEWER_RULE}
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
