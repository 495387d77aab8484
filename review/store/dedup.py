"""Duplicate groups in the review file: dedup events read and appended.

Which record is in which group is the ledger's replay (`review.ledger.groups`),
never a "newest row" query. Merges never touch `records`: every member stays
linked to its import, so per-source counts stay exact. Probable pairs wait in
`dedup_pairs` until a merge of both records or a `distinct` event resolves
them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from review.ledger.groups import (
    DISTINCT_PREFIX,
    REVIEWER_RULE,
    DedupEvent,
    GroupState,
    replay_groups,
    undecided,
)

if TYPE_CHECKING:
    from review.store.store import Store

__all__ = ["DISTINCT_PREFIX", "REVIEWER_RULE", "DedupRepository", "PendingPair"]

_CHECKED = "dedup_checked_through"
_BATCH = 5_000
"""Merge events or queued pairs inserted at a time."""


@dataclass(frozen=True)
class PendingPair:
    """A probable duplicate pair waiting for a reviewer."""

    uid_a: str
    uid_b: str
    score: float
    reason: str
    evidence: dict[str, Any]
    weight: float | None = None
    """The evidence's summed weights when queued; None for pairs queued before
    weights were stored (they wait after the others)."""


class DedupRepository:
    """`store.dedup`: dedup events, the queue of probable pairs, and how far
    `dedupe` has compared."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading ---------------------------------------------------------------

    def events(self) -> list[DedupEvent]:
        rows = self._store.db.execute(
            "SELECT uid, created_at, reviewer, group_key, record_uid, action, rule, score, batch "
            "FROM dedup_events"
        ).fetchall()
        return [DedupEvent(*row) for row in self._store.reviewers.read_as(rows, 2)]

    def group_state(self) -> GroupState:
        """Groups, pairs kept apart and records taken out, replayed by the ledger."""
        return replay_groups(self.events())

    def distinct_pairs(self) -> set[frozenset[str]]:
        """Pairs of record uids a reviewer said are different records."""
        return self.group_state().distinct

    def group_memberships(self) -> dict[str, str]:
        """record uid → group key for every record currently in a group of two or more."""
        return self.group_state().group_of

    def checked_through(self) -> int:
        """Records up to this id were compared by an earlier `dedupe` run."""
        row = self._store.db.execute("SELECT value FROM meta WHERE key = ?", [_CHECKED]).fetchone()
        return int(row[0]) if row else 0

    def pending_pairs(self) -> list[PendingPair]:
        """Queued pairs a reviewer has not judged yet (`undecided`), the strongest
        evidence (highest summed weight) first; pairs of older runs, stored
        without a weight, after them."""
        rows = self._store.db.execute(
            "SELECT uid_a, uid_b, score, reason, evidence, weight FROM dedup_pairs "
            "ORDER BY weight IS NULL, weight DESC, score DESC, id"
        ).fetchall()
        return [
            PendingPair(a, b, score, reason, json.loads(evidence), weight)
            for a, b, score, reason, evidence, weight in undecided(rows, self.group_state())
        ]

    # -- writing: one transaction per user action or per run --------------------

    def save_run(
        self,
        reviewer: str,
        merges: list[dict[str, Any]],
        pairs: Iterable[PendingPair],
        *,
        checked_through: int,
        progress: Callable[[str, int, int], None] | None = None,
        total: int = 0,
    ) -> None:
        """Store one `dedupe` run: its merge events, its queue and how far it looked.

        One transaction; the queue is serialised and inserted a batch at a
        time (a crowded file can queue millions of pairs), `progress` hearing
        each batch out of `total` pairs.
        """
        store = self._store
        found_at = store.now()
        report = progress or (lambda phase, done, total: None)
        with store.write():
            for start in range(0, len(merges), _BATCH):
                report("saving merges", start, len(merges))
                store.append_events("dedup_events", reviewer, merges[start : start + _BATCH])
            report("saving merges", len(merges), len(merges))
            done, pending = 0, iter(pairs)
            while batch := list(islice(pending, _BATCH)):
                report("saving probable pairs", done, total)
                store.db.conn.executemany(
                    "INSERT OR IGNORE INTO dedup_pairs "
                    "(uid_a, uid_b, score, reason, evidence, found_at, weight) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            p.uid_a,
                            p.uid_b,
                            p.score,
                            p.reason,
                            json.dumps(p.evidence),
                            found_at,
                            p.weight,
                        )
                        for p in batch
                    ],
                )
                done += len(batch)
            report("saving probable pairs", done, total)
            store.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [_CHECKED, str(checked_through)],
            )

    def mark_distinct(self, uid_a: str, uid_b: str, reviewer: str) -> None:
        """A reviewer says two records are different studies (or reports)."""
        self._store.append_events(
            "dedup_events",
            reviewer,
            [
                {
                    "group_key": DISTINCT_PREFIX + uid_b,
                    "record_uid": uid_a,
                    "action": "distinct",
                    "rule": REVIEWER_RULE,
                }
            ],
        )
