"""Deduplicating a review file: read records, run the pipeline, store the outcome.

One run is one transaction: its automatic merges (as events naming the rule
and score), its queue of probable pairs and how far it looked. A later run
(after importing an updated search) compares the new records with all
others but never re-decides a pair of two records an earlier run compared.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from review.dedup.model import DedupRecord, DedupResult, DedupState, Judgement
from review.dedup.naming import merge_events
from review.dedup.pipeline import Progress, find_duplicates
from review.dedup.units import load_resolution, to_dedup_record
from review.ledger.groups import replay_groups, reviewer_unmerges
from review.store import Store
from review.store.dedup import PendingPair

AUTOMATIC = "review (automatic)"
"""The reviewer name of rule-made merges when no person is named."""


@dataclass
class SourceCounts:
    """What one run found among one import's records."""

    records: int = 0
    merged: int = 0
    """Records of this source put in a group by a rule in this run."""
    queued: int = 0
    """Records of this source in at least one new probable pair."""


@dataclass
class DedupRun:
    """The outcome of one `dedupe` run, for the command line and the TUI."""

    records: int
    compared: int
    groups: int
    """Groups formed or extended."""
    merged: int
    """Records that joined a group."""
    queued: int
    """New probable pairs for a reviewer."""
    per_source: dict[int, SourceCounts] = field(default_factory=dict)
    rules: Counter[str] = field(default_factory=Counter)


def dedupe_review(
    store: Store,
    *,
    reviewer: str = AUTOMATIC,
    keep_sources_apart: bool = False,
    progress: Progress | None = None,
) -> DedupRun:
    """Find duplicates among all records of `store` and record them;
    `progress` hears (phase, done, total) for a progress bar."""
    if progress:
        progress("reading records", 0, 0)
    records = [to_dedup_record(row) for row in store.records.dedup_rows()]
    events = store.dedup.events()
    groups = replay_groups(events)
    state = DedupState(
        groups=groups.group_of,
        distinct=groups.distinct,
        unmerged=reviewer_unmerges(events),
        checked_through=store.dedup.checked_through(),
    )
    result = find_duplicates(
        records, state=state, keep_sources_apart=keep_sources_apart, progress=progress
    )
    resolution = load_resolution(store, groups)
    unit_of = {r.uid: resolution.unit_of_record(r.id, r.key) for r in records}
    merges = merge_events(records, result, unit_of, {e.group_key for e in events})
    pairs = [_pending(records, judgement) for judgement in result.queue]
    if progress:
        progress("saving", 0, 0)
    store.dedup.save_run(
        reviewer,
        merges,
        pairs,
        checked_through=max((r.id for r in records), default=0),
    )
    return _summary(records, result, merges, pairs)


def _pending(records: list[DedupRecord], judgement: Judgement) -> PendingPair:
    a, b = sorted((records[judgement.a], records[judgement.b]), key=lambda r: r.id)
    return PendingPair(a.uid, b.uid, judgement.score, judgement.rule, judgement.evidence.as_dict())


def _summary(
    records: list[DedupRecord],
    result: DedupResult,
    merges: list[dict[str, Any]],
    pairs: list[PendingPair],
) -> DedupRun:
    by_uid = {r.uid: r for r in records}
    per_source: dict[int, SourceCounts] = {}
    for record in records:
        per_source.setdefault(record.source_id, SourceCounts()).records += 1
    for event in merges:
        per_source[by_uid[event["record_uid"]].source_id].merged += 1
    for uid in {u for p in pairs for u in (p.uid_a, p.uid_b)}:
        per_source[by_uid[uid].source_id].queued += 1
    return DedupRun(
        records=len(records),
        compared=result.compared,
        groups=len(result.groups),
        merged=len(merges),
        queued=len(pairs),
        per_source=per_source,
        rules=Counter(str(event["rule"]) for event in merges),
    )
