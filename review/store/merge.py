"""Merging another reviewer's file of the same review: a union of events.

Every event carries a globally unique `uid`, so merging copies the other
file's events this file lacks and nothing else: merging twice adds nothing,
and merging A into B or B into A gives the same events. Row ids are never
copied (each file numbers its own rows); records are matched by their
stable keys, so events about records this file has not imported yet are
kept and counted, and take effect once the same search files are imported.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

from review.errors import ExitCode, ReviewError, StoreError, UsageError
from review.store.schema import EVENT_TABLES, MIGRATIONS

_ALIAS = "merge_source"

_RECORD_REFS = (("record_key", "key"), ("study_key", "key"), ("record_uid", "uid"))
"""An event table's column naming a record, and the records column it matches;
the first one a table has is used to count events about unknown records."""


class MergeConflictError(ReviewError):
    """The other file does not look like the same review; nothing was merged."""

    exit_code = ExitCode.CONFLICT


@dataclass(frozen=True)
class MergeResult:
    """What a merge added, per event table, and what it could not place."""

    added: dict[str, int]
    """Events copied per event table (0 when the table had nothing new)."""
    unmatched_events: int
    """Added events about records this file does not have (yet)."""
    unmatched_records: int
    """Distinct record keys/uids behind `unmatched_events`."""
    matched_by: str
    """'review_id' (copies of one review file), 'protocol' (same protocol), or 'force'."""
    other_path: Path

    @property
    def total(self) -> int:
        return sum(self.added.values())


class MergeMixin:
    """`Store.merge_from`; mixed into `Store`."""

    db: Database
    path: Path
    write: Callable[..., Any]

    def merge_from(self, other_path: Path, *, force: bool = False) -> MergeResult:
        """Add the events of `other_path` this file lacks, in one transaction.

        The other file is attached read-only; it must be a review file no
        newer than this version, and the same review: the same `review_id`
        (a copy of one file) or the same newest protocol (each reviewer ran
        `review init` with the protocol). `force` merges anyway.
        """
        other = Path(other_path)
        self._check_mergeable(other)
        uri = "file:" + quote(str(other.resolve())) + "?mode=ro"
        try:
            self.db.execute(f"ATTACH DATABASE ? AS {_ALIAS}", [uri])
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the other review file ({exc})", path=other) from None
        try:
            matched_by = self._check_same_review(other, force=force)
            try:
                with self.write():
                    return self._copy_events(other, matched_by)
            except sqlite3.IntegrityError as exc:
                raise StoreError(
                    f"the other file holds events this file cannot take ({exc}); nothing merged",
                    path=other,
                    hint="open the other file once with this version of review, then merge",
                ) from None
        finally:
            self.db.execute(f"DETACH DATABASE {_ALIAS}")

    def _check_mergeable(self, other: Path) -> None:
        from review.store.store import Store  # the class this mixes into

        if not other.is_file():
            raise StoreError("no review file here", path=other)
        if _same_file(other, self.path):
            raise UsageError(
                "cannot merge a review file into itself",
                path=other,
                hint="name the other reviewer's copy of the review",
            )
        if not Store.is_review_file(other):
            raise StoreError(
                "this file is not a review file",
                path=other,
                hint="merge a file made by `review init` on another machine",
            )

    def _check_same_review(self, other: Path, *, force: bool) -> str:
        try:
            applied = {
                row[0]
                for row in self.db.execute(
                    f"SELECT name FROM {_ALIAS}._sqlite_migrations WHERE migration_set = ?",
                    [MIGRATIONS.name],
                )
            }
            other_id = self.db.execute(
                f"SELECT value FROM {_ALIAS}.meta WHERE key = 'review_id'"
            ).fetchone()
            other_hash = self.db.execute(
                f"SELECT hash FROM {_ALIAS}.protocols ORDER BY id DESC LIMIT 1"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read the other review file ({exc})", path=other) from None
        known = {m.name for m in MIGRATIONS._migrations}
        if newer := sorted(applied - known):
            raise StoreError(
                f"made by a newer version of review (schema steps {', '.join(newer)})",
                path=other,
                hint="upgrade review (pip install -U review), then merge",
            )
        ours_id = self.db.execute("SELECT value FROM main.meta WHERE key = 'review_id'").fetchone()
        ours_hash = self.db.execute(
            "SELECT hash FROM main.protocols ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if other_id and ours_id and other_id[0] == ours_id[0]:
            return "review_id"
        if other_hash and ours_hash and other_hash[0] == ours_hash[0]:
            return "protocol"
        if force:
            return "force"
        raise MergeConflictError(
            "the other file is a different review: another review id and another protocol",
            path=other,
            hint="merge files of the same review; if the protocol was edited since, "
            "pass --force to merge anyway",
        )

    def _copy_events(self, other: Path, matched_by: str) -> MergeResult:
        added: dict[str, int] = {}
        unmatched_events = 0
        unmatched: set[str] = set()
        for table in EVENT_TABLES:
            columns = self._shared_columns(table)
            if not columns:  # an older file, made before this table existed
                added[table] = 0
                continue
            new_rows = (
                f"FROM {_ALIAS}.{table} o WHERE NOT EXISTS "
                f"(SELECT 1 FROM main.{table} m WHERE m.uid = o.uid)"
            )
            for ref, records_column in _RECORD_REFS:
                if ref in columns:
                    missing = self.db.execute(
                        f"SELECT o.{ref} {new_rows} AND NOT EXISTS "
                        f"(SELECT 1 FROM main.records r WHERE r.{records_column} = o.{ref})"
                    ).fetchall()
                    unmatched_events += len(missing)
                    unmatched.update(f"{records_column}:{row[0]}" for row in missing)
                    break
            names = ", ".join(columns)
            chosen = ", ".join(f"o.{name}" for name in columns)
            # Plain INSERT rather than OR IGNORE: uids are filtered above, and
            # a row breaking any other constraint must fail loudly, not vanish.
            cursor = self.db.execute(
                f"INSERT INTO main.{table} ({names}) SELECT {chosen} {new_rows} ORDER BY o.id"
            )
            added[table] = max(cursor.rowcount, 0)
        return MergeResult(
            added=added,
            unmatched_events=unmatched_events,
            unmatched_records=len(unmatched),
            matched_by=matched_by,
            other_path=other,
        )

    def _shared_columns(self, table: str) -> list[str]:
        """Columns both files have, without `id`: an older file lacks newer ones."""
        ours = [row[1] for row in self.db.execute(f"PRAGMA main.table_info({table})")]
        theirs = {row[1] for row in self.db.execute(f"PRAGMA {_ALIAS}.table_info({table})")}
        return [name for name in ours if name in theirs and name != "id"]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
