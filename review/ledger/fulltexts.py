"""Full-text reports: attached, not retrieved, or detached again; newest wins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from review.ledger.order import newest


class FulltextEvent(NamedTuple):
    """One row of the full-text events."""

    uid: str
    created_at: str
    reviewer: str
    record_key: str
    status: str
    """'attached', 'not_retrieved' or 'detached'."""
    location: str | None
    note: str | None


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


def current_fulltexts(events: Iterable[FulltextEvent]) -> dict[str, FulltextState]:
    """Each record's full text by its newest event; detached records have none."""
    return {
        key: FulltextState(key, e.status, e.location, e.note, e.reviewer, e.created_at)
        for key, e in newest(events, lambda e: e.record_key).items()
        if e.status != "detached"
    }
