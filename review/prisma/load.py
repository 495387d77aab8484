"""Reading a review's PRISMA counts: the same resolver and replay as
`review status` and the screening screens, so the numbers agree with them."""

from __future__ import annotations

from review.prisma.checks import check_prisma
from review.prisma.counts import PrismaCounts, count_prisma
from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.screening.state import ScreeningState
from review.screening.units import load_state
from review.store import Store


def load_prisma(
    store: Store,
    *,
    previous_studies: int = 0,
    previous_reports: int = 0,
    state: ScreeningState | None = None,
    check: bool = True,
) -> PrismaCounts:
    """Every box of the diagram, checked (`PrismaError` when it does not add up).

    The previous-review arm (updates) is not in the ledger: the caller gives
    it (`review prisma --previous-studies N --previous-reports N`). A caller
    holding the replayed screening state passes it (`state`), which saves
    replaying every decision again. `check=False` returns counts that do not
    add up, their `contradictions` listed, for a screen that shows them.
    """
    protocol = review_protocol(store)
    counts = count_review(
        store,
        protocol,
        state or load_state(store, protocol),
        previous_studies=previous_studies,
        previous_reports=previous_reports,
    )
    if check:
        check_prisma(counts)
    return counts


def count_review(
    store: Store,
    protocol: Protocol,
    state: ScreeningState,
    *,
    previous_studies: int = 0,
    previous_reports: int = 0,
) -> PrismaCounts:
    """The counts, not yet checked: a screen that shows a violation needs them."""
    return count_prisma(
        sources=store.imports.sources(),
        source_of_record=store.records.source_ids(),
        resolution=state.resolved,
        state=state,
        fulltexts=store.fulltexts.all(),
        protocol=protocol,
        previous_studies=previous_studies,
        previous_reports=previous_reports,
    )
