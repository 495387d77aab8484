"""What the ledger says about prioritised screening, per stage and reviewer:
when the ranking was turned on and off, with which model, settings and
seed, and where the reviewer chose to stop with the stopping rule's figures.

One replay (in the ledger's order) read by `review status`, the export's
Methods sheet and the command that records a stop, so the three cannot tell
a methods section different stories.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from review.errors import UsageError
from review.ledger.order import in_order
from review.models import DecisionEvent, Stage
from review.screening.state import progresses, standing_events

if TYPE_CHECKING:
    from review.prioritise.stopping import StoppingFigures
    from review.store.prioritisation import PrioritisationEvent
    from review.store.store import Store


SESSION_ENDED = "session_ended"
"""Set in an `off` event's figures when the screen closed rather than `p` was pressed."""


@dataclass(frozen=True, slots=True)
class Stop:
    """A reviewer's decision to stop screening, as recorded."""

    at: str
    figures: dict[str, Any]
    """The stopping rule's figures at that point (`StoppingFigures.as_dict`)."""
    settings: dict[str, Any]
    """The model and its settings then; empty when the queue was not prioritised."""
    app_version: str


@dataclass(frozen=True, slots=True)
class AfterStop:
    """What a reviewer screened after their newest stop: a methods section
    that cites the stop must also say that screening went on."""

    screened: int
    relevant: int
    """Of those, decided include or maybe."""
    last: str
    """The newest such decision's stamp."""


@dataclass(slots=True)
class ReviewerPrioritisation:
    """One reviewer's prioritised screening at one stage."""

    stage: Stage
    reviewer: str
    on: bool = False
    settings: dict[str, Any] | None = None
    """The newest `start`'s model, settings and seed; None: never prioritised."""
    periods: list[tuple[str, str | None]] = field(default_factory=list)
    """(on, off) times; off is None while it is still on."""
    stop: Stop | None = None
    """The newest stop."""
    app_version: str | None = None
    """The version of review that recorded the newest `start`."""
    after_stop: AfterStop | None = None
    """None when nothing was screened after the newest stop (or there is none)."""
    resume: bool = False
    """Off only because the screen closed (or its session died) while on: the
    reviewer never pressed `p` to end it, so their next session resumes it."""


def replay(events: Iterable[PrioritisationEvent]) -> list[ReviewerPrioritisation]:
    """Every reviewer with a prioritisation event, by stage then name."""
    found: dict[tuple[Stage, str], ReviewerPrioritisation] = {}
    for event in in_order(events):
        mine = found.setdefault(
            (event.stage, event.reviewer), ReviewerPrioritisation(event.stage, event.reviewer)
        )
        if event.action == "start":
            if not mine.on:
                mine.periods.append((event.created_at, None))
            mine.on, mine.settings, mine.app_version = True, event.settings, event.app_version
            mine.resume = False
        elif event.action == "off":
            if mine.on and mine.periods:
                mine.periods[-1] = (mine.periods[-1][0], event.created_at)
            mine.resume = bool(event.figures.get(SESSION_ENDED)) and (mine.on or mine.resume)
            mine.on = False
        else:
            mine.stop = Stop(event.created_at, event.figures, event.settings, event.app_version)
    stages = list(Stage)
    return sorted(found.values(), key=lambda r: (stages.index(r.stage), r.reviewer))


def history(store: Store) -> list[ReviewerPrioritisation]:
    found = replay(store.prioritisation.events())
    for mine in found:
        if mine.stop is not None:
            events = store.screening.decisions(reviewer=mine.reviewer, stage=mine.stage)
            mine.after_stop = after_stop(events, mine.stop.at)
    return found


def after_stop(events: Iterable[DecisionEvent], at: str) -> AfterStop | None:
    """The records first screened after `at` that still stand screened
    (undos replayed); None when there are none. A record screened before the
    stop and changed after it is not more screening."""
    by_record: dict[str, list[DecisionEvent]] = defaultdict(list)
    for event in in_order(events):
        by_record[event.record_key].append(event)
    later = []
    for log in by_record.values():
        first = next((e for e in log if e.kind == "screen"), None)
        screens = [e for e in standing_events(log) if e.kind == "screen"]
        if first is not None and first.created_at > at and screens:
            later.append(screens[-1])
    if not later:
        return None
    relevant = sum(progresses(e.decision) for e in later)
    return AfterStop(len(later), relevant, max(e.created_at for e in later))


def reviewer_history(store: Store, stage: Stage, reviewer: str) -> ReviewerPrioritisation | None:
    """One reviewer's, without `after_stop`: the screening screen asks on
    opening, and a living review's decisions need not be read for it."""
    return next(
        (
            r
            for r in replay(store.prioritisation.events())
            if r.stage is stage and r.reviewer == reviewer.strip()
        ),
        None,
    )


def record_stop(
    store: Store,
    reviewer: str,
    figures: StoppingFigures,
    settings: dict[str, Any] | None = None,
    *,
    stage: Stage = Stage.TITLE_ABSTRACT,
) -> dict[str, Any]:
    """Record that `reviewer` stops screening here, with the rule's figures
    and the model they screened with (`settings`, else the one the ledger
    says is on for them, or was on when their screen closed and resumes
    next session; empty when their queue is not prioritised).
    Returns the settings recorded.

    Refused for a reviewer who has screened nothing at this stage: such a
    stop is most often a mistyped name, and would put a stop after 0
    records into the methods section."""
    if figures.screened == 0:
        raise UsageError(
            f"{reviewer} has screened no {stage.value.replace('_', '/')} records: no stop recorded",
            hint="check the reviewer's name (`review status` lists who has screened)",
        )
    if settings is None:
        mine = reviewer_history(store, stage, reviewer)
        settings = {}
        if mine is not None and (mine.on or mine.resume) and mine.settings:
            settings = mine.settings
    store.prioritisation.record(
        stage, "stop", reviewer=reviewer, settings=settings, figures=figures.as_dict()
    )
    return settings
