"""Full-text reports and the studies they describe, as append-only events.

A record's full text is attached (a path or URL), marked not retrieved
(PRISMA counts it), or detached again. Records that report the same study
(a registration, an abstract, the paper) link to one study key, the key of
the study's main record. Links never chain: linking to a record that is
itself linked goes to its study, and a study that joins another brings its
reports along. Which event wins is the ledger's rule (`review.ledger`):
this module reads and appends events, and never decides "newest" in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from review.errors import UsageError
from review.ledger.fulltexts import FulltextEvent, FulltextState, current_fulltexts
from review.ledger.studies import LinkEvent, current_links, reports_of

__all__ = ["FulltextCandidate", "FulltextState", "FulltextsMixin"]


@dataclass(frozen=True)
class FulltextCandidate:
    """What a full-text file can be matched on, one per record key."""

    record_key: str
    doi: str | None
    pmid: str | None
    title: str | None


class FulltextsMixin:
    """Store methods for full texts and study links; mixed into `Store`."""

    db: Database
    path: Path
    write: Callable[..., Any]
    append_event: Callable[..., str]
    append_events: Callable[..., list[str]]

    # -- which record ---------------------------------------------------------

    def record_key_for(self, ref: str) -> str:
        """The record key a user means by `ref`: a key, a bare DOI, or a record id.

        A number is a record id (as the records screen shows it) and, failing
        that, a PMID; `doi:…`, `pmid:…`, `reg:…` keys are taken as they are.
        """
        text = ref.strip()
        prefix, _, rest = text.partition(":")
        prefix, rest = prefix.lower(), rest.strip()
        if text.isdigit():
            row = self.db.execute("SELECT key FROM records WHERE id = ?", [int(text)]).fetchone()
            if row:
                return str(row[0])
            prefix, rest = "pmid", text
        elif text.lower().startswith("10.") and "/" in text:
            prefix, rest = "doi", text
        if self._has_record_key(text):
            return text
        # A record with a DOI is keyed by it, so its PMID is found in its row.
        column = {"doi": "doi", "pmid": "pmid"}.get(prefix)
        if column and rest:
            value = rest.lower() if column == "doi" else rest
            row = self.db.execute(
                f"SELECT key FROM records WHERE {column} = ? ORDER BY id LIMIT 1", [value]
            ).fetchone()
            if row:
                return str(row[0])
        raise UsageError(
            f"no record {text!r} in this review",
            path=self.path,
            hint="give a record key such as doi:10.1000/xyz or pmid:12345678, "
            "or the record's id number",
        )

    def fulltext_candidates(self) -> list[FulltextCandidate]:
        """Each record key with a DOI, PMID and title to match files against."""
        rows = self.db.execute(
            """
            SELECT key, max(doi), max(pmid), coalesce(max(title), max(vernacular_title))
            FROM records GROUP BY key ORDER BY min(id)
            """
        ).fetchall()
        return [FulltextCandidate(*row) for row in rows]

    # -- full texts -------------------------------------------------------------

    def attach_fulltext(
        self, record_key: str, location: str, *, reviewer: str, note: str | None = None
    ) -> str:
        """Attach a report (a path or URL) to a record; returns the event uid."""
        location = location.strip()
        if not location:
            raise UsageError("a full-text location (a path or URL) is needed", field="location")
        self._require_record(record_key)
        return self.append_event(
            "fulltexts",
            reviewer,
            record_key=record_key,
            status="attached",
            location=location,
            note=note,
        )

    def mark_not_retrieved(self, record_key: str, *, reviewer: str, note: str | None = None) -> str:
        """Record that the report was sought but could not be retrieved."""
        self._require_record(record_key)
        return self.append_event(
            "fulltexts", reviewer, record_key=record_key, status="not_retrieved", note=note
        )

    def detach_fulltext(self, record_key: str, *, reviewer: str) -> str:
        """Forget the record's attached or not-retrieved state (a newer event)."""
        if self.fulltext(record_key) is None:
            raise UsageError(f"record {record_key} has no full text to detach", path=self.path)
        return self.append_event("fulltexts", reviewer, record_key=record_key, status="detached")

    def fulltext(self, record_key: str) -> FulltextState | None:
        """The record's current full text, or None (none yet, or detached)."""
        return current_fulltexts(self.fulltext_events(record_key)).get(record_key)

    def fulltexts(self) -> dict[str, FulltextState]:
        """Current full text of every record that has one, by record key."""
        return current_fulltexts(self.fulltext_events())

    def fulltext_events(self, record_key: str | None = None) -> list[FulltextEvent]:
        where, params = ("WHERE record_key = ?", [record_key]) if record_key else ("", [])
        rows = self.db.execute(
            "SELECT uid, created_at, reviewer, record_key, status, location, note "
            f"FROM fulltexts {where}",
            params,
        ).fetchall()
        return [FulltextEvent(*row) for row in rows]

    # -- studies ----------------------------------------------------------------

    def link_study(self, record_key: str, study_key: str, *, reviewer: str) -> str:
        """Make `record_key` a report of the study whose main record is `study_key`.

        Read and written in one transaction, so two processes cannot build a
        chain between them. Returns the study key actually linked to.
        """
        if record_key == study_key:
            raise UsageError(
                "a record cannot be linked to itself",
                field="study",
                hint="name the main record of the study this report belongs to",
            )
        with self.write():
            self._require_record(record_key)
            self._require_record(study_key)
            links = self.study_links()
            study = links.get(study_key, study_key)
            if study == record_key:
                raise UsageError(
                    f"{study_key} is already a report of the study {record_key}",
                    hint=f"to make {study_key} the main record, unlink it first",
                )
            if links.get(record_key) == study:
                return study
            # A study joining another brings its reports: no chains.
            moved = [key for key, target in links.items() if target == record_key]
            rows = [
                {"record_key": key, "study_key": study, "action": "link"}
                for key in [record_key, *sorted(moved)]
            ]
            self.append_events("study_links", reviewer, rows)
        return study

    def unlink_study(self, record_key: str, *, reviewer: str) -> str:
        """Make a linked report stand alone again (a newer event); returns its uid."""
        with self.write():
            links = self.study_links()
            if record_key not in links:
                reports = [key for key, study in links.items() if study == record_key]
                hint = (
                    f"it is the main record of a study; unlink its reports ({', '.join(reports)})"
                    if reports
                    else None
                )
                raise UsageError(f"{record_key} is not linked to a study", hint=hint)
            return self.append_event(
                "study_links",
                reviewer,
                record_key=record_key,
                study_key=links[record_key],
                action="unlink",
            )

    def study_links(self) -> dict[str, str]:
        """Current record key → study key for every linked report."""
        return current_links(self.link_events())

    def link_events(self) -> list[LinkEvent]:
        rows = self.db.execute(
            "SELECT uid, created_at, reviewer, record_key, study_key, action FROM study_links"
        ).fetchall()
        return [LinkEvent(*row) for row in rows]

    def study_reports(self, study_key: str) -> list[str]:
        """The study's records: its main record first, then linked reports sorted."""
        return reports_of(self.study_links(), study_key)

    # -- helpers ----------------------------------------------------------------

    def _has_record_key(self, key: str) -> bool:
        """A record's key, or a unit split off it (`key@…`, see the ledger's resolver)."""
        if self._exact_key(key):
            return True
        return "@" in key and self._exact_key(key.rsplit("@", 1)[0])

    def _exact_key(self, key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM records WHERE key = ? LIMIT 1", [key]).fetchone()
        return row is not None

    def _require_record(self, key: str) -> None:
        if not self._has_record_key(key):
            raise UsageError(
                f"no record {key!r} in this review",
                path=self.path,
                hint="record keys look like doi:10.1000/xyz or pmid:12345678",
            )
