"""Duplicate groups in the review file: read from and written as dedup events.

A record is in a group when its newest merge/unmerge event is a merge; the
group is named by `group_key`, the record key of its earliest member when
it was first formed, and keeps that name as members join. Merges never
touch `records`: every member stays linked to its import, so per-source
counts stay exact. Probable pairs wait in `dedup_pairs` until a merge of
both records or a `distinct` event resolves them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from review.errors import StoreError
from review.models import Record

REVIEWER_RULE = "reviewer"
"""The `rule` of a merge, unmerge or distinct decided by a person."""
DISTINCT_PREFIX = "record:"
"""A `distinct` event names the other record of the pair as `record:<uid>` in group_key."""
_CHECKED = "dedup_checked_through"
_ROW_COLUMNS = (
    "id, uid, key, source_id, coalesce(title, vernacular_title), authors, year, journal, "
    "volume, issue, pages, doi, pmid, registry_id, record_type"
)


@dataclass(frozen=True)
class GroupMember:
    """One member of a current group and the event that put it there."""

    group_key: str
    record_id: int
    uid: str
    key: str
    source_id: int
    source_file: str
    source_ref: str
    rule: str | None
    score: float | None
    reviewer: str
    created_at: str


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

    def distinct_pairs(self) -> set[frozenset[str]]:
        """Pairs of record uids a reviewer said are different records."""
        rows = self.db.execute(
            "SELECT record_uid, group_key FROM dedup_events WHERE action = 'distinct'"
        ).fetchall()
        return {frozenset((a, b.removeprefix(DISTINCT_PREFIX))) for a, b in rows}

    def unmerged_records(self) -> set[tuple[str, str]]:
        """(record uid, group key) pairs a reviewer took apart."""
        rows = self.db.execute(
            "SELECT record_uid, group_key FROM dedup_events WHERE action = 'unmerge' AND rule = ?",
            [REVIEWER_RULE],
        ).fetchall()
        return {(a, b) for a, b in rows}

    def group_memberships(self) -> dict[str, str]:
        """record uid → group key for every record currently in a group of two or more."""
        return {m.uid: m.group_key for m in self.group_member_rows()}

    def group_member_rows(self) -> list[GroupMember]:
        """Members of current groups (two or more members), by group then record id."""
        rows = self.db.execute(
            """
            WITH latest AS (
                SELECT record_uid, group_key, action, rule, score, reviewer, created_at,
                       row_number() OVER (
                           PARTITION BY record_uid ORDER BY created_at DESC, id DESC
                       ) AS n
                FROM dedup_events WHERE action IN ('merge', 'unmerge')
            ),
            current AS (SELECT * FROM latest WHERE n = 1 AND action = 'merge'),
            sizes AS (SELECT group_key, count(*) AS size FROM current GROUP BY group_key)
            SELECT c.group_key, r.id, r.uid, r.key, r.source_id, s.file_name, r.source_ref,
                   c.rule, c.score, c.reviewer, c.created_at
            FROM current c
            JOIN sizes z ON z.group_key = c.group_key AND z.size > 1
            JOIN records r ON r.uid = c.record_uid
            JOIN sources s ON s.id = r.source_id
            ORDER BY c.group_key, r.id
            """
        ).fetchall()
        return [GroupMember(*row) for row in rows]

    # -- the contract screening relies on --------------------------------------

    def dedup_unit_keys(self) -> dict[str, str]:
        """Record key → group key for every record in a merged group."""
        return {m.key: m.group_key for m in self.group_member_rows()}

    def group_members(self, group_key: str) -> list[Record]:
        """The records of one current group, earliest first."""
        ids = [m.record_id for m in self.group_member_rows() if m.group_key == group_key]
        return [self.record(record_id) for record_id in ids]

    def canonical_record(self, group_key: str) -> Record:
        """One record standing for the group, with the best metadata of its members.

        The most complete member is the base; missing fields come from the
        others, the abstract is the longest one, and the key is the group's.
        """
        members = self.group_members(group_key) or self._records_with_key(group_key)
        if not members:
            raise StoreError(f"no duplicate group or record {group_key!r}", path=self.path)
        base = max(members, key=lambda r: (_completeness(r), -r.id))
        update: dict[str, Any] = {"key": group_key}
        for name in (
            "title",
            "vernacular_title",
            "year",
            "journal",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
            "registry_id",
            "record_type",
            "language",
            "url",
        ):
            if getattr(base, name) in (None, ""):
                found = next((getattr(m, name) for m in members if getattr(m, name)), None)
                if found is not None:
                    update[name] = found
        abstracts = [m.abstract for m in members if m.abstract]
        if abstracts:
            update["abstract"] = max(abstracts, key=len)
        if not base.authors:
            update["authors"] = max((m.authors for m in members), key=len)
        return base.model_copy(update=update)

    def _records_with_key(self, key: str) -> list[Record]:
        rows = self.db.execute("SELECT id FROM records WHERE key = ? ORDER BY id", [key])
        return [self.record(row[0]) for row in rows.fetchall()]

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

    def merge_pair(self, uid_a: str, uid_b: str, reviewer: str) -> str:
        """A reviewer confirms two records are one: join their groups; returns the group key.

        The group formed earliest keeps its key; a pair of ungrouped records
        takes the key of the record imported first.
        """
        groups = self.group_memberships()
        key_a, key_b = groups.get(uid_a), groups.get(uid_b)
        if key_a is not None and key_a == key_b:
            return key_a
        sides = [(key_a, uid_a), (key_b, uid_b)]
        firsts = {key: self._first_member_id(key, uid) for key, uid in sides}
        target_key, target_uid = min(sides, key=lambda s: firsts[s[0]])
        target = target_key or self._record_key(target_uid)
        movers: list[str] = []
        for key, uid in sides:
            if key is None:
                movers.append(uid)
            elif key != target_key:
                movers += [u for u, g in groups.items() if g == key]
        rows = [
            {"group_key": target, "record_uid": uid, "action": "merge", "rule": REVIEWER_RULE}
            for uid in sorted(set(movers))
        ]
        self.append_events("dedup_events", reviewer, rows)
        return target

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

    def unmerge_record(self, uid: str, reviewer: str) -> str:
        """Take a record out of its group (undo a merge); returns the group key.

        A group left with one member is dissolved in the same transaction.
        """
        groups = self.group_memberships()
        key = groups.get(uid)
        if key is None:
            raise StoreError("this record is not in a duplicate group", path=self.path)
        rest = [u for u, g in groups.items() if g == key and u != uid]
        leaving = [uid, *rest] if len(rest) == 1 else [uid]
        rows = [
            {"group_key": key, "record_uid": u, "action": "unmerge", "rule": REVIEWER_RULE}
            for u in leaving
        ]
        self.append_events("dedup_events", reviewer, rows)
        return key

    def _first_member_id(self, group_key: str | None, uid: str) -> int:
        if group_key is None:
            row = self.db.execute("SELECT id FROM records WHERE uid = ?", [uid]).fetchone()
        else:
            row = self.db.execute(
                "SELECT min(r.id) FROM records r JOIN dedup_events e ON e.record_uid = r.uid "
                "WHERE e.group_key = ? AND e.action = 'merge'",
                [group_key],
            ).fetchone()
        if row is None or row[0] is None:
            raise StoreError(f"no record with uid {uid}", path=self.path)
        return int(row[0])

    def _record_key(self, uid: str) -> str:
        row = self.db.execute("SELECT key FROM records WHERE uid = ?", [uid]).fetchone()
        if row is None:
            raise StoreError(f"no record with uid {uid}", path=self.path)
        return str(row[0])


def _completeness(record: Record) -> int:
    fields = (
        record.title,
        record.abstract,
        record.year,
        record.journal,
        record.volume,
        record.pages,
        record.doi,
        record.pmid,
    )
    return sum(1 for value in fields if value) + (1 if record.authors else 0)
