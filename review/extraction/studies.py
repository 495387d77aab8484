"""The studies to extract and where each extractor stands on them.

A study is included when any of its units is included at full text (the
screening state, through the resolver: a study is its main report's unit
plus the reports linked to it). Per reviewer a study is not started (no
value and no status event of theirs), in progress, or complete (their
newest status event says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from review.errors import UsageError
from review.ledger.extraction import StatusEvent, ValueEvent
from review.ledger.order import newest
from review.ledger.resolver import Resolution
from review.models import Stage
from review.protocol.models import Protocol
from review.screening.state import Outcome, ScreeningState
from review.screening.units import load_state
from review.store import Store


class Status(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    COMPLETE = "complete"


@dataclass(frozen=True)
class IncludedStudy:
    """An included study, shown through its main record."""

    key: str
    """The study key values and rows point at (its main unit's key)."""
    record_id: int
    position: int
    """Screening order of its main unit: a stable list order."""
    units: tuple[str, ...]
    """Its included units (the main one and linked reports)."""


def load_included(store: Store, protocol: Protocol) -> list[IncludedStudy]:
    """The review's included studies, from its screening state."""
    state = load_state(store, protocol)
    return included_studies(state.resolved, state)


def require_included(
    store: Store,
    protocol: Protocol,
    study_key: str,
    included: Iterable[str] | None,
    *,
    hint: str,
) -> None:
    """Refuse a study that is not included at full text: extraction and risk
    of bias open only those. `included` saves replaying the screening state
    when the caller has the keys already."""
    keys = (
        set(included) if included is not None else {s.key for s in load_included(store, protocol)}
    )
    if study_key not in keys:
        raise UsageError(
            f"{study_key} is not an included study", path=store.path, field="study", hint=hint
        )


def included_studies(resolution: Resolution, state: ScreeningState) -> list[IncludedStudy]:
    """Studies with a unit included at full text, in screening order."""
    found: dict[str, list[str]] = {}
    for unit in state.units:
        if state.outcome(unit.key, Stage.FULL_TEXT) is Outcome.INCLUDE:
            found.setdefault(resolution.study_of(unit.key), []).append(unit.key)
    out = []
    for study, units in found.items():
        main = resolution.by_key.get(study)
        if main is None:  # a link to a unit this file does not hold
            main = resolution.by_key[units[0]]
        out.append(IncludedStudy(study, main.record_id, main.position, tuple(units)))
    return sorted(out, key=lambda study: study.position)


def report_record_ids(resolution: Resolution, study_key: str) -> list[int]:
    """Record ids of every report of a study (its main unit's records first,
    then linked reports'), for a form's header: articles, registrations,
    conference abstracts with their identifiers and full texts."""
    units = [study_key, *sorted(u for u, s in resolution.links.items() if s == study_key)]
    out: list[int] = []
    for unit in units:
        members = resolution.groups.get(unit)
        if members:
            out += [m.record_id for m in members]
        elif (found := resolution.by_key.get(unit)) is not None:
            out.append(found.record_id)
    return out


def statuses(
    study_keys: Iterable[str],
    value_events: Iterable[ValueEvent],
    status_events: Iterable[StatusEvent],
) -> dict[str, dict[str, Status]]:
    """Study → reviewer → status, for every reviewer who touched the study."""
    wanted = set(study_keys)
    out: dict[str, dict[str, Status]] = {key: {} for key in wanted}
    for event in value_events:
        if event.study_key in wanted and event.kind == "value":
            out[event.study_key][event.reviewer] = Status.IN_PROGRESS
    latest = newest(
        (e for e in status_events if e.study_key in wanted), lambda e: (e.study_key, e.reviewer)
    )
    for (study, reviewer), last in latest.items():
        out[study][reviewer] = Status.COMPLETE if last.status == "complete" else Status.IN_PROGRESS
    return out


def overall(by_reviewer: dict[str, Status], extractors: int) -> Status:
    """A study's status across extractors: complete when as many as the
    protocol asks for completed it, not started when nobody began."""
    done = sum(status is Status.COMPLETE for status in by_reviewer.values())
    if done >= extractors:
        return Status.COMPLETE
    return Status.IN_PROGRESS if by_reviewer else Status.NOT_STARTED
