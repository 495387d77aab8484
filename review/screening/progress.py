"""A reviewer's progress at one stage, counted over every unit.

The screening screen's progress bar, the home screen and `review status`
all count with `reviewer_progress`, so "done / to do / conflicts" is one
number everywhere. Units whose report was marked not retrieved leave the
full-text counts: nobody can screen them until a full text is attached.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

from review.ledger.fulltexts import FulltextState
from review.models import Stage
from review.screening.state import Outcome, ScreeningState


def not_retrieved_units(state: ScreeningState, fulltexts: Mapping[str, FulltextState]) -> set[str]:
    """Unit keys whose report is currently marked not retrieved and attached
    under none of their records' keys, as PRISMA counts them: a unit with one
    record marked and another attached is screened, not left out."""
    attached: set[str] = set()
    missing: set[str] = set()
    for key, held in fulltexts.items():
        (attached if held.status == "attached" else missing).add(state.unit_key(key))
    return missing - attached


def stage_outcomes(
    state: ScreeningState, stage: Stage, not_retrieved: Collection[str] = frozenset()
) -> Counter[Outcome]:
    """How many units stand where at `stage`; at full text without the units
    whose report was marked not retrieved (PRISMA's assessed, not sought)."""
    skip = not_retrieved if stage is Stage.FULL_TEXT else frozenset()
    return Counter(
        state.outcome(unit.key, stage)
        for unit in state.units
        if unit.key not in skip and state.eligible(unit.key, stage)
    )


def reviewer_progress(
    state: ScreeningState,
    stage: Stage,
    reviewer: str,
    not_retrieved: Collection[str] = frozenset(),
) -> Counter[str]:
    """`eligible`, `done`, `to_do`, `conflicts` and one count per decision for
    `reviewer` at `stage`; untouched units (most, early on) in bulk."""
    total: Counter[str] = Counter()
    untouched = 0
    for unit in state.units:
        if unit.key in not_retrieved:
            continue
        if state.untouched(unit.key):
            untouched += 1
        else:
            total.update(state.unit_counts(unit.key, stage, reviewer))
    if stage is Stage.TITLE_ABSTRACT:
        total["eligible"] += untouched
        total["to_do"] += untouched
    return total
