"""Form values replayed from their events by the ledger's one rule.

A value event sets (or clears, value NULL) one field of one study's form
for one row (`instance`). Per reviewer, the event that replays last per
(study, field, instance) is that reviewer's current value; 'agreed' events
(dual extraction's consensus) form their own register, whoever records
them. Replay order is (created_at, uid) (`review.ledger.order`), never the
file's row order, so merged files give the same values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from review.extraction.fields import Typed, from_json
from review.ledger.extraction import StatusEvent, ValueEvent
from review.ledger.order import in_order, order_key

__all__ = ["Change", "StatusEvent", "ValueEvent", "ValueKey", "Values"]

ValueKey = tuple[str, str, str]
"""(study key, field key, instance)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One step of a field's audit trail: who changed it from what to what."""

    reviewer: str
    created_at: str
    kind: str
    old: Typed | None
    new: Typed | None
    source: str | None


class Values:
    """Every reviewer's current values and the agreed values, replayed."""

    def __init__(self, events: Iterable[ValueEvent] = ()) -> None:
        self._events: dict[str, ValueEvent] = {}
        self._by_reviewer: dict[str, dict[ValueKey, ValueEvent]] = {}
        self._agreed: dict[ValueKey, ValueEvent] = {}
        for event in in_order(events):
            self.apply(event)

    def apply(self, event: ValueEvent) -> None:
        """Fold one event in, whatever its place in replay order; a copy is ignored."""
        if event.uid in self._events:
            return
        self._events[event.uid] = event
        register = (
            self._agreed
            if event.kind == "agreed"
            else self._by_reviewer.setdefault(event.reviewer, {})
        )
        key = (event.study_key, event.field, event.instance)
        held = register.get(key)
        if held is None or order_key(event) > order_key(held):
            register[key] = event

    @property
    def reviewers(self) -> list[str]:
        """Reviewers with any value event, by name."""
        return sorted(self._by_reviewer)

    def reviewers_of(self, study_key: str) -> list[str]:
        """Reviewers who set any field of the study, by name."""
        return sorted(
            who
            for who, held in self._by_reviewer.items()
            if any(key[0] == study_key for key in held)
        )

    def event(self, reviewer: str, key: ValueKey) -> ValueEvent | None:
        """The reviewer's newest event for the key, a clearing one included."""
        return self._by_reviewer.get(reviewer, {}).get(key)

    def events_of(self, reviewer: str) -> list[ValueEvent]:
        """The reviewer's current entries (clearing ones included)."""
        return list(self._by_reviewer.get(reviewer, {}).values())

    def agreed_event(self, key: ValueKey) -> ValueEvent | None:
        return self._agreed.get(key)

    def newest_event(self, key: ValueKey) -> ValueEvent | None:
        """The newest entry by any reviewer: a single-extractor form's value."""
        found = [held[key] for held in self._by_reviewer.values() if key in held]
        return max(found, key=order_key) if found else None

    def of(self, reviewer: str, study_key: str | None = None) -> dict[ValueKey, Typed]:
        """The reviewer's current values (cleared fields left out)."""
        return _typed(self._by_reviewer.get(reviewer, {}), study_key)

    def agreed(self, study_key: str | None = None) -> dict[ValueKey, Typed]:
        return _typed(self._agreed, study_key)

    def newest(self, study_key: str | None = None) -> dict[ValueKey, Typed]:
        """Per key the newest entry by anyone (one form per study)."""
        merged: dict[ValueKey, ValueEvent] = {}
        for held in self._by_reviewer.values():
            for key, event in held.items():
                if study_key is not None and key[0] != study_key:
                    continue
                other = merged.get(key)
                if other is None or order_key(event) > order_key(other):
                    merged[key] = event
        return _typed(merged, None)

    def sources(self, reviewer: str | None) -> dict[ValueKey, str]:
        """Source notes of a reviewer's current entries (None: the agreed ones)."""
        register = self._agreed if reviewer is None else self._by_reviewer.get(reviewer, {})
        return {key: e.source for key, e in register.items() if e.source}

    def history(self, key: ValueKey) -> list[Change]:
        """Every change of one field, in replay order, old → new per register
        (each reviewer's entries, and the agreed value)."""
        last: dict[tuple[str, str], Typed | None] = {}
        changes: list[Change] = []
        for event in in_order(e for e in self._events.values() if _key(e) == key):
            register = ("agreed", "") if event.kind == "agreed" else ("value", event.reviewer)
            new = from_json(event.value)
            changes.append(
                Change(
                    event.reviewer,
                    event.created_at,
                    event.kind,
                    last.get(register),
                    new,
                    event.source,
                )
            )
            last[register] = new
        return changes


def _key(event: ValueEvent) -> ValueKey:
    return (event.study_key, event.field, event.instance)


def _typed(register: dict[ValueKey, ValueEvent], study_key: str | None) -> dict[ValueKey, Typed]:
    out: dict[ValueKey, Typed] = {}
    for key, event in register.items():
        if study_key is not None and key[0] != study_key:
            continue
        value = from_json(event.value)
        if value is not None:
            out[key] = value
    return out
