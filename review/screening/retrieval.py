"""Whether a report may be marked not retrieved.

PRISMA counts a sought report either as not retrieved or as assessed for
eligibility, never both, and `review prisma` and the export refuse a review
in which a report is marked not retrieved yet decided at full text. So the
mark is refused up front — on the command line, the TUI's task and the
full-text screen alike — rather than leaving a review that no longer exports.
"""

from __future__ import annotations

from review import report_actions
from review.errors import UsageError
from review.models import Stage
from review.review_file import review_protocol
from review.screening.state import Outcome, ScreeningState
from review.screening.units import load_state
from review.store import Store


def check_can_mark_not_retrieved(state: ScreeningState, unit: str, shown: str) -> None:
    """Raise `UsageError` naming `shown` (the record as the user typed or sees
    it) when the unit was excluded at title/abstract (never sought) or already
    has a full-text decision (so its report was retrieved). Names no
    reviewer's decision, so blind screening stays blind."""
    if state.outcome(unit, Stage.TITLE_ABSTRACT) is Outcome.EXCLUDE:
        raise UsageError(
            f"{shown} was excluded at title/abstract, so its report was never sought",
            hint="only reports of records included at title/abstract are sought for retrieval",
        )
    if state.decisions(unit, Stage.FULL_TEXT) or state.resolution(unit, Stage.FULL_TEXT):
        raise UsageError(
            f"{shown} already has full-text decisions, so its report was retrieved",
            hint="undo those decisions first (u on the screening screen) if the report "
            "really cannot be found",
        )


def mark_not_retrieved(store: Store, record: str, *, reviewer: str, note: str | None) -> str:
    """`report_actions.not_retrieved` for the record as typed, once the check
    above passes: what the command line and the TUI's task both run."""
    key = store.records.key_for(record)
    state = load_state(store, review_protocol(store))
    check_can_mark_not_retrieved(state, state.unit_key(key), key)
    return report_actions.not_retrieved(store, key, reviewer=reviewer, note=note)
