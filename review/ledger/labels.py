"""Labels on records: each (record, label) is on or off by its newest event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from review.ledger.order import newest


class LabelEvent(NamedTuple):
    """A reviewer put a label on a record (`add`) or took it off (`remove`)."""

    uid: str
    created_at: str
    reviewer: str
    record_key: str
    label: str
    action: str


def current_labels(
    events: Iterable[LabelEvent], alias: dict[str, str] | None = None
) -> dict[str, set[str]]:
    """Labels held per key; `alias` maps a record key to the unit it now belongs to."""
    alias = alias or {}
    held: dict[str, set[str]] = {}
    for (key, label), event in newest(events, lambda e: (e.record_key, e.label)).items():
        if event.action == "add":
            held.setdefault(alias.get(key, key), set()).add(label)
    return held
