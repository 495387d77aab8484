"""Full-text reports and the studies they describe, as append-only events.

A record's full text is attached (a path or URL), marked not retrieved
(PRISMA counts it), or detached again; the newest event wins. Records that
report the same study (a registration, an abstract, the paper) link to one
study key, the key of the study's main record. Links never chain: linking
to a record that is itself linked goes to its study, and a study that joins
another brings its reports along. Files merged from two reviewers can still
hold a chain or a loop, so reads resolve them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from review.errors import UsageError

_NEWEST = "max(created_at || printf('%020d', id))"
"""With GROUP BY record_key, SQLite takes the bare columns from the row holding
this max: the newest event per record, by time first, so events merged from
another file (appended later, with higher ids) still sort where they happened.
One pass, ~1.5x faster than row_number() over 100k events."""


@dataclass(frozen=True)
class FulltextState:
    """A record's current full text: attached at `location`, or not retrieved."""

    record_key: str
    status: str
    """'attached' or 'not_retrieved' (a detached record has no state)."""
    location: str | None
    note: str | None
    reviewer: str
    created_at: str


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
        row = self.db.execute(
            """
            SELECT record_key, status, location, note, reviewer, created_at FROM fulltexts
            WHERE record_key = ? ORDER BY created_at DESC, id DESC LIMIT 1
            """,
            [record_key],
        ).fetchone()
        if row is None or row[1] == "detached":
            return None
        return FulltextState(*row)

    def fulltexts(self) -> dict[str, FulltextState]:
        """Current full text of every record that has one, by record key."""
        rows = self.db.execute(
            f"""
            SELECT record_key, status, location, note, reviewer, created_at FROM (
                SELECT record_key, status, location, note, reviewer, created_at, {_NEWEST}
                FROM fulltexts GROUP BY record_key
            ) WHERE status != 'detached'
            """
        ).fetchall()
        return {row[0]: FulltextState(*row) for row in rows}

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
        rows = self.db.execute(
            f"""
            SELECT record_key, study_key FROM (
                SELECT record_key, study_key, action, {_NEWEST}
                FROM study_links GROUP BY record_key
            ) WHERE action = 'link'
            """
        ).fetchall()
        return _resolve_chains({record: study for record, study in rows})

    def study_reports(self, study_key: str) -> list[str]:
        """The study's records: its main record first, then linked reports sorted.

        A key linked to another study gives that study's reports.
        """
        links = self.study_links()
        study = links.get(study_key, study_key)
        return [study, *sorted(key for key, target in links.items() if target == study)]

    # -- helpers ----------------------------------------------------------------

    def _has_record_key(self, key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM records WHERE key = ? LIMIT 1", [key]).fetchone()
        return row is not None

    def _require_record(self, key: str) -> None:
        if not self._has_record_key(key):
            raise UsageError(
                f"no record {key!r} in this review",
                path=self.path,
                hint="record keys look like doi:10.1000/xyz or pmid:12345678",
            )


def _resolve_chains(links: dict[str, str]) -> dict[str, str]:
    """Point every report at the end of its chain; break loops.

    Chains and loops only arise from merging files where two reviewers
    linked the same records differently. In a loop the smallest key
    becomes the study, so every file resolves it the same way.
    """
    resolved: dict[str, str] = {}
    for start in links:
        path = [start]
        seen = {start}
        current = links[start]
        while current in links and current not in seen:
            path.append(current)
            seen.add(current)
            current = links[current]
        if current in seen:  # a loop: its members, from `current` on
            loop = path[path.index(current) :]
            current = min(loop)
        for key in path:
            if key != current:
                resolved[key] = current
    return resolved
