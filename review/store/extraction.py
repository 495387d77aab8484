"""Extraction values and completion status in the review file.

The only SQL about `extraction_values` and `extraction_status`. No domain
rules here: which value is current, what is valid and what completes a form
belong to `review.extraction`; this appends events and reads them back in
replay order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from review.ledger.extraction import StatusEvent, ValueEvent

if TYPE_CHECKING:
    from review.store.store import Store

_VALUE_COLUMNS = "uid, created_at, reviewer, study_key, field, instance, value, source, kind"
_STATUS_COLUMNS = "uid, created_at, reviewer, study_key, status, note"


class NewValue(NamedTuple):
    """A value event to append; `value` is JSON text, None clears the field."""

    study_key: str
    field: str
    instance: str
    value: str | None
    source: str | None = None
    kind: str = "value"
    reviewer: str | None = None
    """Whose entry it is when it differs from the appending reviewer (imports)."""


class ExtractionRepository:
    """`store.extraction`: append and read extraction events."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def append_values(self, values: Sequence[NewValue], *, reviewer: str) -> list[str]:
        """Append value events in one transaction; returns their uids. Rows
        naming another reviewer are stamped with that name (an import)."""
        uids: list[str] = []
        with self._store.write():
            batches: dict[str, list[dict[str, Any]]] = {}
            for value in values:
                batches.setdefault(value.reviewer or reviewer, []).append(
                    {
                        "study_key": value.study_key,
                        "field": value.field,
                        "instance": value.instance,
                        "value": value.value,
                        "source": value.source,
                        "kind": value.kind,
                    }
                )
            for who, rows in batches.items():
                uids += self._store.append_events("extraction_values", who, rows)
        return uids

    def append_status(
        self, study_key: str, status: str, *, reviewer: str, note: str | None = None
    ) -> str:
        return self._store.append_event(
            "extraction_status", reviewer, study_key=study_key, status=status, note=note
        )

    def value_events(self, study_key: str | None = None) -> list[ValueEvent]:
        """Value events of one study (or all), in replay order."""
        where, params = _where(study_key)
        rows = self._store.db.execute(
            f"SELECT {_VALUE_COLUMNS} FROM extraction_values {where} ORDER BY created_at, uid",
            params,
        ).fetchall()
        return [ValueEvent(*row) for row in self._store.reviewers.read_as(rows, 2)]

    def value_event(self, uid: str) -> ValueEvent | None:
        """One value event by uid, as stored (with its stamp)."""
        row = self._store.db.execute(
            f"SELECT {_VALUE_COLUMNS} FROM extraction_values WHERE uid = ?", [uid]
        ).fetchone()
        return ValueEvent(*self._store.reviewers.read_as([row], 2)[0]) if row else None

    def status_events(self, study_key: str | None = None) -> list[StatusEvent]:
        """Status events of one study (or all), in replay order."""
        where, params = _where(study_key)
        rows = self._store.db.execute(
            f"SELECT {_STATUS_COLUMNS} FROM extraction_status {where} ORDER BY created_at, uid",
            params,
        ).fetchall()
        return [StatusEvent(*row) for row in self._store.reviewers.read_as(rows, 2)]

    def studies_with_values(self) -> list[str]:
        return [
            row[0]
            for row in self._store.db.execute(
                "SELECT DISTINCT study_key FROM extraction_values ORDER BY study_key"
            )
        ]


def _where(study_key: str | None) -> tuple[str, list[Any]]:
    return ("WHERE study_key = ?", [study_key]) if study_key is not None else ("", [])
