"""Records that report one study, linked to the study's main record, as
append-only events.

Records that report the same study (a registration, an abstract, the paper)
link to one study key, the key of the study's main record. How a link is
made without chains and which event wins are the ledger's rules
(`review.ledger.studies`); this module reads and appends the events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from review.errors import UsageError
from review.ledger.studies import LinkEvent, current_links, linking, reports_of

if TYPE_CHECKING:
    from review.store.store import Store


class StudiesRepository:
    """`store.studies`: link a report to its study, unlink it, read the links."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def link(self, record_key: str, study_key: str, *, reviewer: str) -> str:
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
        with self._store.write():
            self._store.records.require_key(record_key)
            self._store.records.require_key(study_key)
            study, keys = linking(self.links(), record_key, study_key)
            if keys:
                rows = [{"record_key": key, "study_key": study, "action": "link"} for key in keys]
                self._store.append_events("study_links", reviewer, rows)
        return study

    def unlink(self, record_key: str, *, reviewer: str) -> str:
        """Make a linked report stand alone again (a newer event); returns its uid."""
        with self._store.write():
            links = self.links()
            if record_key not in links:
                reports = [key for key, study in links.items() if study == record_key]
                hint = (
                    f"it is the main record of a study; unlink its reports ({', '.join(reports)})"
                    if reports
                    else None
                )
                raise UsageError(f"{record_key} is not linked to a study", hint=hint)
            return self._store.append_event(
                "study_links",
                reviewer,
                record_key=record_key,
                study_key=links[record_key],
                action="unlink",
            )

    def links(self) -> dict[str, str]:
        """Current record key → study key for every linked report."""
        return current_links(self.events())

    def events(self) -> list[LinkEvent]:
        rows = self._store.db.execute(
            "SELECT uid, created_at, reviewer, record_key, study_key, action FROM study_links"
        ).fetchall()
        return [LinkEvent(*row) for row in rows]

    def reports(self, study_key: str) -> list[str]:
        """The study's records: its main record first, then linked reports sorted."""
        return reports_of(self.links(), study_key)
