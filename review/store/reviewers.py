"""`store.reviewers`: the reviewer names in the review file, one spelling per person.

Every event is appended under `spelling(name)` (see `review.ledger.reviewers`),
and rows stored under another spelling of a name (two files merged, each
typed its own way before this rule) are read as the chosen one. The names are
read from the event tables once and kept; another connection's commit
(`PRAGMA data_version`), a merge or a rolled-back write reads them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from review.ledger.reviewers import Spellings, same_reviewer_note
from review.store.schema import EVENT_TABLES

if TYPE_CHECKING:
    from review.store.store import Store


class ReviewersRepository:
    """`store.reviewers`."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._held: Spellings | None = None
        self._version: int | None = None
        self._seen: dict[str, int] = {}
        """Each event table's highest id read into `_held`."""

    def spellings(self) -> Spellings:
        """Every name in the review (a copy: an importer may add to it)."""
        return self._current().copy()

    def spelling(self, typed: str) -> str:
        """The name to record `typed` under: an existing reviewer's spelling
        when it differs from theirs only by case or spacing, else trimmed."""
        return self._current().spelling(typed)

    def aliases(self) -> dict[str, str]:
        """Other stored spellings of a name → the one it is read as."""
        return self._current().aliases()

    def stored_as(self, name: str) -> list[str]:
        """The spellings this reviewer's rows are stored under."""
        return self._current().stored_as(name)

    def recorded(self, spelling: str, stamp: str) -> None:
        """Events were appended under `spelling` (already resolved)."""
        if self._held is not None:
            self._held.add(spelling, stamp)

    def forget(self) -> None:
        """Read the names again next time (a merge, or a write rolled back)."""
        self._held = None

    def _current(self) -> Spellings:
        """The names, read again only where another connection added rows:
        every read asks, and a living review's events run to 10⁵–10⁶ while
        an import or a colleague commits every few hundred milliseconds."""
        db = self._store.db
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if self._held is not None and version == self._version:
            return self._held
        tops = db.execute(
            " UNION ALL ".join(f"SELECT coalesce(max(id), 0) FROM {t}" for t in EVENT_TABLES)
        ).fetchall()
        if self._held is None or any(
            top < self._seen.get(t, 0) for t, (top,) in zip(EVENT_TABLES, tops, strict=True)
        ):
            self._held, self._seen = Spellings(), {}  # first read, or rows went: all again
        newer = [
            (table, top)
            for table, (top,) in zip(EVENT_TABLES, tops, strict=True)
            if top > self._seen.get(table, 0)
        ]
        if newer:
            union = " UNION ALL ".join(
                f"SELECT reviewer, min(created_at) FROM {table} WHERE id > ? GROUP BY reviewer"
                for table, _ in newer
            )
            rows = db.execute(union, [self._seen.get(table, 0) for table, _ in newer])
            for spelling, stamp in rows:
                self._held.seen(spelling, stamp)
            self._seen.update(newer)
        self._version = version
        return self._held

    def read_as(self, rows: list[Any], at: int) -> list[Any]:
        """`rows` with the reviewer in column `at` read as the person's
        spelling: the rows themselves when the review has one spelling each."""
        aliases = self.aliases()
        if not aliases:
            return rows
        return [(*r[:at], aliases.get(r[at], r[at]), *r[at + 1 :]) for r in rows]

    def resolve(self, typed: str, doing: str = "recording") -> tuple[str, str | None]:
        """The name to work under for what was typed, and what to tell the
        user when it is taken as an existing reviewer's spelling (else None)."""
        name = self.spelling(typed)
        return name, same_reviewer_note(typed, name, doing)
