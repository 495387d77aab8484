"""What every sheet reads, loaded once: the protocol, the resolver and the
replayed screening state, the included studies and the checked PRISMA counts.

The same functions `review status`, `review prisma` and the extraction
screens call (`load_resolution`, `load_state`, `load_prisma`), so the
export cannot disagree with what the reviewer saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.extraction.labels import study_labels
from review.extraction.studies import IncludedStudy, included_studies
from review.ledger.order import order_key
from review.models import DecisionEvent, Stage
from review.prisma import PrismaCounts, load_prisma
from review.protocol.models import Protocol
from review.review_file import review_protocol, review_title
from review.screening.state import Outcome, ScreeningState
from review.screening.units import load_state
from review.store import Store


@dataclass(frozen=True)
class ExportData:
    """The review as the export reads it."""

    store: Store
    protocol: Protocol
    title: str
    state: ScreeningState
    included: list[IncludedStudy]
    study_labels: dict[str, str]
    """Study key → "Smith 2021", as the risk-of-bias tables name it (metafor's `slab`)."""
    prisma: PrismaCounts
    labels: dict[str, set[str]]
    """Labels per unit (or per record key, for a record outside its key's unit)."""
    draft: bool
    """Screening or full-text decisions are still open."""
    facts: UnitFacts
    """Each unit's outcome, reasons and decisions per stage, worked out once."""


def load_export(store: Store) -> ExportData:
    """Everything the sheets need; PRISMA's arithmetic is checked here
    (`PrismaError` when the ledger does not add up), before anything is written."""
    protocol = review_protocol(store)
    state = load_state(store, protocol)
    prisma = load_prisma(store, state=state)
    included = included_studies(state.resolved, state)
    return ExportData(
        store=store,
        protocol=protocol,
        title=review_title(store),
        state=state,
        included=included,
        study_labels=study_labels(store, included),
        prisma=prisma,
        labels=store.screening.labels(state.resolved.alias),
        draft=prisma.in_progress,
        facts=UnitFacts(state),
    )


@dataclass(frozen=True, slots=True)
class StageFacts:
    """Where one unit stands at one stage, as the Records sheet and the RIS show it."""

    outcome: Outcome | None
    """None when the unit never reached the stage."""
    reasons: tuple[str, ...]
    """Reasons of a final exclusion."""
    resolved_by: str | None
    screens: dict[str, DecisionEvent]
    """Each reviewer's current screening decision."""


class UnitFacts:
    """Per unit, both stages' facts, worked out once: the Records sheet and
    both RIS files ask for every unit, and an outcome takes a replay of the
    unit's events."""

    def __init__(self, state: ScreeningState) -> None:
        self.state = state
        self._held: dict[str, tuple[StageFacts, StageFacts]] = {}

    def __call__(self, unit: str) -> tuple[StageFacts, StageFacts]:
        held = self._held.get(unit)
        if held is None:
            first = self._stage(unit, Stage.TITLE_ABSTRACT)
            # Full text is reached by what title/abstract let through (`eligible`).
            reached = first.outcome is Outcome.INCLUDE
            second = self._stage(unit, Stage.FULL_TEXT) if reached else _NOT_REACHED
            held = self._held[unit] = (first, second)
        return held

    def _stage(self, unit: str, stage: Stage) -> StageFacts:
        outcome, resolved, screens = self.state.standing(unit, stage)
        reasons: tuple[str, ...] = ()
        if outcome is Outcome.EXCLUDE:
            # `ScreeningState.final` without working the outcome out again.
            final = resolved or min(screens.values(), key=order_key)
            reasons = final.reasons
        return StageFacts(outcome, reasons, resolved.reviewer if resolved else None, screens)


_NOT_REACHED = StageFacts(None, (), None, {})
