"""Duplicate groups in the review file: dedup events read and appended.

Which record is in which group is the ledger's replay (`review.ledger.groups`),
never a "newest row" query. Merges never touch `records`: every member stays
linked to its import, so per-source counts stay exact. Probable pairs wait in
`dedup_pairs` until a merge of both records or a `distinct` event resolves
them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from review.errors import StoreError
from review.ledger.groups import (
    DISTINCT_PREFIX,
    REVIEWER_RULE,
    DedupEvent,
    GroupState,
    replay_groups,
)
from review.models import Record

__all__ = ["DISTINCT_PREFIX", "REVIEWER_RULE", "DedupMixin", "PendingPair", "RecordRef"]

_CHECKED = "dedup_checked_through"
_ROW_COLUMNS = (
    "id, uid, key, source_id, coalesce(title, vernacular_title), authors, year, journal, "
    "volume, issue, pages, doi, pmid, registry_id, record_type"
)


@dataclass(frozen=True)
class RecordRef:
    """Where a record came from, for reports and the duplicates screen."""

    record_id: int
    uid: str
    key: str
    source_id: int
    source_file: str
    source_ref: str


@dataclass(frozen=True)
class PendingPair:
    """A probable duplicate pair waiting for a reviewer."""

    uid_a: str
    uid_b: str
    score: float
    reason: str
    evidence: dict[str, Any]


class DedupMixin:
    """Store methods for duplicate groups; mixed into `Store`."""

    db: Database
    path: Path
    now: Callable[[], str]
    write: Callable[..., Any]
    append_events: Callable[..., list[str]]
    record: Callable[[int], Record]

    # -- reading what the pipeline needs -------------------------------------

    def dedup_rows(self, *, batch: int = 5_000) -> Iterator[tuple[Any, ...]]:
        """Every record's compared fields in id order, fetched in batches.

        Tuples of (id, uid, key, source_id, title, authors JSON, year,
        journal, volume, issue, pages, doi, pmid, registry_id, record_type).
        """
        last = 0
        while True:
            rows = self.db.execute(
                f"SELECT {_ROW_COLUMNS} FROM records WHERE id > ? ORDER BY id LIMIT ?",
                [last, batch],
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def dedup_rows_for_keys(self, keys: Iterable[str]) -> list[tuple[Any, ...]]:
        """The `dedup_rows` tuples of every record under these keys, in id order."""
        wanted = list(keys)
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT {_ROW_COLUMNS} FROM records WHERE key IN ({marks})"
            rows.extend(self.db.execute(sql, chunk).fetchall())
        return sorted(rows)

    def dedup_checked_through(self) -> int:
        """Records up to this id were compared by an earlier `dedupe` run."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [_CHECKED]).fetchone()
        return int(row[0]) if row else 0

    def dedup_events(self) -> list[DedupEvent]:
        rows = self.db.execute(
            "SELECT uid, created_at, reviewer, group_key, record_uid, action, rule, score "
            "FROM dedup_events"
        ).fetchall()
        return [DedupEvent(*row) for row in rows]

    def group_state(self) -> GroupState:
        """Groups, pairs kept apart and records taken out, replayed by the ledger."""
        return replay_groups(self.dedup_events())

    def distinct_pairs(self) -> set[frozenset[str]]:
        """Pairs of record uids a reviewer said are different records."""
        return self.group_state().distinct

    def unmerged_records(self) -> set[tuple[str, str]]:
        """(record uid, group key) pairs a reviewer ever took apart: never re-merged by a rule."""
        rows = self.db.execute(
            "SELECT record_uid, group_key FROM dedup_events WHERE action = 'unmerge' AND rule = ?",
            [REVIEWER_RULE],
        ).fetchall()
        return {(a, b) for a, b in rows}

    def group_memberships(self) -> dict[str, str]:
        """record uid → group key for every record currently in a group of two or more."""
        return self.group_state().group_of

    def record_ids_for_uids(self, uids: Iterable[str]) -> dict[str, int]:
        """Record id of each uid this file has (merged events may name others)."""
        wanted = list(uids)
        out: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT uid, id FROM records WHERE uid IN ({marks})"
            out.update(self.db.execute(sql, chunk).fetchall())
        return out

    def record_refs(self, record_ids: Iterable[int]) -> dict[int, RecordRef]:
        """Uid, key and source of each record id."""
        wanted = list(record_ids)
        out: dict[int, RecordRef] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = (
                "SELECT r.id, r.uid, r.key, r.source_id, s.file_name, r.source_ref "
                f"FROM records r JOIN sources s ON s.id = r.source_id WHERE r.id IN ({marks})"
            )
            out.update((row[0], RecordRef(*row)) for row in self.db.execute(sql, chunk))
        return out

    def record_by_uid(self, uid: str) -> Record:
        row = self.db.execute("SELECT id FROM records WHERE uid = ?", [uid]).fetchone()
        if row is None:
            raise StoreError(f"no record with uid {uid}", path=self.path)
        return self.record(row[0])

    # -- writing: one transaction per user action or per run --------------------

    def save_dedup_run(
        self,
        reviewer: str,
        merges: list[dict[str, Any]],
        pairs: list[PendingPair],
        *,
        checked_through: int,
    ) -> None:
        """Store one `dedupe` run: its merge events, its queue and how far it looked."""
        found_at = self.now()
        with self.write():
            if merges:
                self.append_events("dedup_events", reviewer, merges)
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO dedup_pairs "
                "(uid_a, uid_b, score, reason, evidence, found_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (p.uid_a, p.uid_b, p.score, p.reason, json.dumps(p.evidence), found_at)
                    for p in pairs
                ],
            )
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [_CHECKED, str(checked_through)],
            )

    def pending_pairs(self) -> list[PendingPair]:
        """Queued pairs not yet merged or marked distinct, likeliest first."""
        groups = self.group_memberships()
        distinct = self.distinct_pairs()
        rows = self.db.execute(
            "SELECT uid_a, uid_b, score, reason, evidence FROM dedup_pairs ORDER BY score DESC, id"
        ).fetchall()
        pending = []
        for a, b, score, reason, evidence in rows:
            if frozenset((a, b)) in distinct:
                continue
            if a in groups and groups.get(a) == groups.get(b):
                continue
            pending.append(PendingPair(a, b, score, reason, json.loads(evidence)))
        return pending

    def mark_distinct(self, uid_a: str, uid_b: str, reviewer: str) -> None:
        """A reviewer says two records are different studies (or reports)."""
        self.append_events(
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
