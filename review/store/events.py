"""Appending events: the one way any decision reaches the review file.

Every event row carries a fresh `uid` (so merging two reviewers' files is
a union), who made it, when (a stamp after every event already in the file:
see `review.ledger.order`), and which version of review wrote it. Each
call is its own `BEGIN IMMEDIATE` transaction unless one is already open,
so a decision shown as saved is on disk.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from review import __version__
from review.errors import UsageError
from review.ledger.order import next_stamps
from review.store.schema import EVENT_TABLES


class EventsMixin:
    """Store methods that append events; mixed into `Store`."""

    db: Database
    now: Callable[[], str]
    write: Callable[..., Any]

    def append_event(self, table: str, reviewer: str, **fields: Any) -> str:
        """Append one event to `table` in its own transaction; returns its uid."""
        return self.append_events(table, reviewer, [fields])[0]

    def append_events(self, table: str, reviewer: str, rows: list[dict[str, Any]]) -> list[str]:
        """Append several events of one user action atomically; returns their uids."""
        if table not in EVENT_TABLES:
            raise ValueError(f"{table} is not an event table")
        if not reviewer or not reviewer.strip():
            raise UsageError(
                "a reviewer name is needed to record decisions",
                hint="pass --reviewer NAME, set REVIEW_REVIEWER, or set reviewer in the config",
            )
        with self.write():
            stamps = next_stamps(self.now(), self.newest_stamp(), len(rows))
            full = [
                {
                    **row,
                    "uid": uuid.uuid4().hex,
                    "reviewer": reviewer.strip(),
                    "created_at": stamp,
                    "app_version": __version__,
                }
                for row, stamp in zip(rows, stamps, strict=True)
            ]
            self.db.table(table).insert_all(full)
        return [row["uid"] for row in full]

    def newest_stamp(self) -> str | None:
        """The latest `created_at` of any event in the file (each table's order index)."""
        found = [
            row[0]
            for table in EVENT_TABLES
            if (row := self.db.execute(f"SELECT max(created_at) FROM {table}").fetchone())[0]
        ]
        return max(found, default=None)
