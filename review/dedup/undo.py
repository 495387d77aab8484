"""Undo a reviewer's merge exactly: every record it moved goes back where it was.

Taking one record out of a merged unit (`take_apart`) is not an undo: merge
a rule's group {C, D} into {A, B} and take C out, and D stays behind with A
and B. A merge's events share a `batch`; undoing it gives each record it
moved its own event from before the merge again — the rule's merge into its
old group, a reviewer's earlier unmerge, or no group at all — so the units
(and the queue of pairs) are what they were before it. Undo is newer
events, as everything is: merging reviewers' files keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.dedup.manual import take_apart
from review.dedup.units import load_resolution
from review.errors import UsageError
from review.ledger.groups import REVIEWER_RULE, UNDONE_RULE, DedupEvent, replay_groups
from review.ledger.order import in_order, order_key
from review.store import Store


@dataclass(frozen=True)
class Undone:
    """What `undo_merge` did, for the message that says so."""

    unit: str
    """The unit the merge had made."""
    record_ids: tuple[int, ...]
    """Records the merge had moved, each back where it was."""
    rule_groups: tuple[str, ...] = ()
    """Groups a dedup rule had made that the undo brought back."""


def undo_merge(store: Store, record_id: int, reviewer: str) -> Undone | None:
    """Undo the newest reviewer's merge still holding the record's unit
    together; None when no such merge is there (nothing is written then).

    Merges stack: undoing again undoes the one before.
    """
    with store.write():
        events = store.dedup.events()
        state = replay_groups(events)
        ref = store.records.record_refs([record_id]).get(record_id)
        if ref is None:
            raise UsageError(f"no record {record_id} in this review", path=store.path)
        resolution = load_resolution(store, state)
        unit = resolution.unit_of_record(record_id, ref.key)
        members = [m.record_id for m in resolution.groups.get(unit, [])]
        uids = {r.uid: r.record_id for r in store.records.record_refs(members).values()}
        holding = {
            uid: event
            for uid in uids
            if (event := state.members.get(uid)) is not None
            and event.rule == REVIEWER_RULE
            and event.batch is not None
        }
        if not holding:
            return None
        newest = max(holding.values(), key=order_key).batch
        moved = sorted(uid for uid, event in holding.items() if event.batch == newest)
        history: dict[str, list[DedupEvent]] = {}
        for event in in_order(events):
            if event.record_uid in moved and event.action != "distinct":
                history.setdefault(event.record_uid, []).append(event)
        rows = [_restore(uid, history[uid], holding[uid], newest) for uid in moved]
        store.append_events("dedup_events", reviewer, rows)
    rule_groups = sorted(
        {str(r["group_key"]) for r in rows if r["action"] == "merge" and r["rule"] != REVIEWER_RULE}
    )
    return Undone(unit, tuple(sorted(uids[u] for u in moved)), tuple(rule_groups))


def undo_or_take_apart(store: Store, record_id: int, reviewer: str) -> Undone | str:
    """The records browser's `x`: undo the newest reviewer's merge of the
    record's unit if there is one, else take the record out of its unit
    (returns the unit's key then)."""
    undone = undo_merge(store, record_id, reviewer)
    if undone is not None:
        return undone
    uid = store.records.record_refs([record_id])[record_id].uid
    return take_apart(store, uid, reviewer)


def _restore(
    uid: str, history: list[DedupEvent], merged: DedupEvent, batch: str | None
) -> dict[str, object]:
    """The event that puts `uid` back as it was just before `batch` first moved it."""
    first = next(n for n, e in enumerate(history) if e.batch == batch)
    if first == 0:  # in no group before: back to none, not "taken out"
        return {
            "group_key": merged.group_key,
            "record_uid": uid,
            "action": "unmerge",
            "rule": UNDONE_RULE,
        }
    before = history[first - 1]
    return {
        "group_key": before.group_key,
        "record_uid": uid,
        "action": before.action,
        "rule": before.rule,
        "score": before.score,
        "batch": before.batch,  # a restored reviewer's merge can be undone in turn
    }
