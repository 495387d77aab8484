"""Every decision of the review replayed over its units.

A unit is what one decision covers (see `review.ledger.resolver`): records
sharing a key, a duplicate group, or one record split off a shared key.
Built once when a screen opens, from the key index alone, so a 100k-record
review loads in a few tenths of a second.
"""

from __future__ import annotations

from review.dedup.units import load_resolution
from review.ledger.bulk import bulk_load
from review.ledger.resolver import Resolution
from review.protocol.models import Protocol
from review.screening.state import ScreeningState
from review.store import Store


def load_state(
    store: Store, protocol: Protocol, resolution: Resolution | None = None
) -> ScreeningState:
    """Every unit and decision of the review, replayed: the one replay that
    screening, status, PRISMA and the exports share. A caller that has the
    resolution already passes it."""
    with bulk_load():
        return ScreeningState(
            resolution or load_resolution(store),
            store.screening.decisions(),
            reviewers_per_record=protocol.screening.reviewers_per_record,
            blind=protocol.screening.is_blind,
        )
