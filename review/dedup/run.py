"""Deduplicating a review file: read records, run the pipeline, store the outcome.

One run is one transaction: its automatic merges (as events naming the rule
and score), its queue of probable pairs and how far it looked. A later run
(after importing an updated search) compares the new records with all
others but never re-decides a pair of two records an earlier run compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from review.dedup.blocking import BLOCK_LIMIT, KEY_NAMES, WINDOW
from review.dedup.model import DedupRecord, DedupResult, DedupState, Judgement
from review.dedup.naming import merge_events
from review.dedup.pipeline import Progress, match, prepare_all
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
    windowed: list[tuple[str, int]] = field(default_factory=list)
    """(kind of key, records) of blocks so large their records met only title neighbours."""


def dedupe_review(
    store: Store,
    *,
    reviewer: str = AUTOMATIC,
    keep_sources_apart: bool = False,
    progress: Progress | None = None,
) -> DedupRun:
    """Find duplicates among all records of `store` and record them;
    `progress` hears (phase, done, total) for a progress bar.

    Records stream from the store into the pipeline, which keeps their
    normalised form only; this keeps each record's id, uid, key and import
    (what the events and the summary name), so a million records are not
    held twice. The queue is written as it is serialised, never as one list.
    """
    report = progress or (lambda phase, done, total: None)
    report("reading records", 0, 0)
    events = store.dedup.events()
    groups = replay_groups(events)
    state = DedupState(
        groups=groups.group_of,
        distinct=groups.distinct,
        unmerged=reviewer_unmerges(events),
        checked_through=store.dedup.checked_through(),
    )
    records: list[DedupRecord] = []

    def read() -> Iterator[DedupRecord]:
        for row in store.records.dedup_rows():
            record = to_dedup_record(row)
            records.append(DedupRecord(record.id, record.uid, record.key, record.source_id))
            yield record

    prepared = prepare_all(read(), report, store.records.record_count())
    result = match(prepared, state=state, keep_sources_apart=keep_sources_apart, progress=progress)
    report("naming groups", 0, 0)
    resolution = load_resolution(
        store,
        groups,
        prepared={p.uid: p for p in prepared},
        progress=lambda done, total: report("naming groups", done, total),
    )
    del prepared
    firsts = (
        records[min(g.members, key=lambda m: records[m.index].id).index]
        for g in result.groups
        if not g.group_key
    )
    unit_of = {r.uid: resolution.unit_of_record(r.id, r.key) for r in firsts}
    merges = merge_events(records, result, unit_of, {e.group_key for e in events})
    store.dedup.save_run(
        reviewer,
        merges,
        (_pending(records, judgement) for judgement in result.queue),
        checked_through=max((r.id for r in records), default=0),
        progress=report,
        total=len(result.queue),
    )
    return _summary(records, result, merges)


def crowded_note(run: DedupRun) -> str | None:
    """A sentence for a run where some key was shared by so many records that
    they met only their title neighbours: duplicates among them can be missed."""
    if not run.windowed:
        return None
    kind, size = max(run.windowed, key=lambda block: block[1])
    count = len(run.windowed)
    keys = "1 blocking key was" if count == 1 else f"{count:,} blocking keys were"
    return (
        f"{keys} shared by more than {BLOCK_LIMIT} records "
        f"(largest: {KEY_NAMES.get(kind, kind)}, {size:,} records); each of their records was "
        f"compared with its {WINDOW} nearest titles only."
    )


def _pending(records: list[DedupRecord], judgement: Judgement) -> PendingPair:
    a, b = sorted((records[judgement.a], records[judgement.b]), key=lambda r: r.id)
    return PendingPair(
        a.uid, b.uid, judgement.score, judgement.rule, judgement.evidence.as_dict(),
        judgement.weight,
    )  # fmt: skip


def _summary(
    records: list[DedupRecord], result: DedupResult, merges: list[dict[str, Any]]
) -> DedupRun:
    by_uid = {r.uid: r for r in records}
    per_source: dict[int, SourceCounts] = {}
    for record in records:
        per_source.setdefault(record.source_id, SourceCounts()).records += 1
    for event in merges:
        per_source[by_uid[event["record_uid"]].source_id].merged += 1
    for index in {i for j in result.queue for i in (j.a, j.b)}:
        per_source[records[index].source_id].queued += 1
    return DedupRun(
        records=len(records),
        compared=result.compared,
        groups=len(result.groups),
        merged=len(merges),
        queued=len(result.queue),
        per_source=per_source,
        rules=Counter(str(event["rule"]) for event in merges),
        windowed=result.windowed,
    )
