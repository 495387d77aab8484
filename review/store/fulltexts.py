"""Full-text reports in the review file, as append-only events.

A record's full text is attached (a path or URL), marked not retrieved
(PRISMA counts it), or detached again. Which event wins is the ledger's
rule (`review.ledger.fulltexts`): this module reads and appends events, and
never decides "newest" in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import UsageError
from review.ledger.fulltexts import FulltextEvent, FulltextState, current_fulltexts

if TYPE_CHECKING:
    from review.store.store import Store

__all__ = ["FulltextCandidate", "FulltextState", "FulltextsRepository"]


@dataclass(frozen=True)
class FulltextCandidate:
    """What a full-text file can be matched on, one per record key."""

    record_key: str
    doi: str | None
    pmid: str | None
    title: str | None


class FulltextsRepository:
    """`store.fulltexts`: attach, mark not retrieved, detach, and read back."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- writing ----------------------------------------------------------------

    def attach(
        self, record_key: str, location: str, *, reviewer: str, note: str | None = None
    ) -> str:
        """Attach a report (a path or URL) to a record; returns the event uid."""
        location = location.strip()
        if not location:
            raise UsageError("a full-text location (a path or URL) is needed", field="location")
        self._store.records.require_key(record_key)
        return self._store.append_event(
            "fulltexts",
            reviewer,
            record_key=record_key,
            status="attached",
            location=location,
            note=note,
        )

    def mark_not_retrieved(self, record_key: str, *, reviewer: str, note: str | None = None) -> str:
        """Record that the report was sought but could not be retrieved."""
        self._store.records.require_key(record_key)
        return self._store.append_event(
            "fulltexts", reviewer, record_key=record_key, status="not_retrieved", note=note
        )

    def detach(self, record_key: str, *, reviewer: str) -> str:
        """Forget the record's attached or not-retrieved state (a newer event)."""
        if self.get(record_key) is None:
            raise UsageError(
                f"record {record_key} has no full text to detach", path=self._store.path
            )
        return self._store.append_event(
            "fulltexts", reviewer, record_key=record_key, status="detached"
        )

    # -- reading ----------------------------------------------------------------

    def get(self, record_key: str) -> FulltextState | None:
        """The record's current full text, or None (none yet, or detached)."""
        return current_fulltexts(self.events(record_key)).get(record_key)

    def all(self) -> dict[str, FulltextState]:
        """Current full text of every record that has one, by record key."""
        return current_fulltexts(self.events())

    def events(self, record_key: str | None = None) -> list[FulltextEvent]:
        where, params = ("WHERE record_key = ?", [record_key]) if record_key else ("", [])
        rows = self._store.db.execute(
            "SELECT uid, created_at, reviewer, record_key, status, location, note "
            f"FROM fulltexts {where}",
            params,
        ).fetchall()
        return [FulltextEvent(*row) for row in self._store.reviewers.read_as(rows, 2)]

    def candidates(self) -> list[FulltextCandidate]:
        """Each record key with a DOI, PMID and title to match files against."""
        rows = self._store.db.execute(
            """
            SELECT key, max(doi), max(pmid), coalesce(max(title), max(vernacular_title))
            FROM records GROUP BY key ORDER BY min(id)
            """
        ).fetchall()
        return [FulltextCandidate(*row) for row in rows]
