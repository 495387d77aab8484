"""What every sheet reads, loaded once: the protocol, the resolver and the
replayed screening state, the included studies and the checked PRISMA counts.

The same functions `review status`, `review prisma` and the extraction
screens call (`load_resolution`, `load_state`, `load_prisma`), so the
export cannot disagree with what the reviewer saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.extraction.studies import IncludedStudy, included_studies
from review.prisma import PrismaCounts, load_prisma
from review.protocol.models import Protocol
from review.review_file import review_protocol, review_title
from review.screening.state import ScreeningState
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
    prisma: PrismaCounts
    labels: dict[str, set[str]]
    """Labels per unit (or per record key, for a record outside its key's unit)."""
    draft: bool
    """Screening or full-text decisions are still open."""


def load_export(store: Store) -> ExportData:
    """Everything the sheets need; PRISMA's arithmetic is checked here
    (`PrismaError` when the ledger does not add up), before anything is written."""
    protocol = review_protocol(store)
    prisma = load_prisma(store)
    state = load_state(store, protocol)
    return ExportData(
        store=store,
        protocol=protocol,
        title=review_title(store),
        state=state,
        included=included_studies(state.resolved, state),
        prisma=prisma,
        labels=store.screening.labels(state.resolved.alias),
        draft=prisma.in_progress,
    )
