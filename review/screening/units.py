"""The units a review is screened in, and every decision replayed over them.

A unit is what one decision covers: a record key (imports of one paper share
it), a duplicate group (under its group key), or — when records share a key
but are not certainly one paper, like a supplement's DOI on many abstracts —
one record under its key and uid. Built once when a screen opens, from the key
index alone, so a 100k-record review loads in a few tenths of a second.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter

from review.dedup.run import to_dedup_record
from review.dedup.shared_keys import SEPARATOR, split_shared_keys
from review.protocol.models import Protocol
from review.screening.state import ScreeningState, Unit
from review.store import Store


def load_state(store: Store, protocol: Protocol) -> ScreeningState:
    """Every unit and decision of the review, replayed."""
    unit_of = store.dedup_unit_keys()
    key_rows = store.key_rows()
    first: dict[str, int] = {}
    repeated: set[str] = set()
    for key, record_id in key_rows:
        if key in first:
            repeated.add(key)
        else:
            first[key] = record_id  # rows come ordered by key, then id
    rows = list(first.items())
    split_off: Counter[str] = Counter()
    split_size: Counter[str] = Counter()
    if repeated:
        records = [to_dedup_record(row) for row in store.dedup_rows_for_keys(repeated)]
        for record_id, unit_key in sorted(split_shared_keys(records).items()):
            if unit_key not in first:  # the unit's first record stands for it
                first[unit_key] = record_id
                rows.append((unit_key, record_id))
            split_off[unit_key.rsplit(SEPARATOR, 1)[0]] += 1
            split_size[unit_key] += 1
    rows.sort(key=itemgetter(1))
    if unit_of:
        grouped: dict[str, int] = {}
        for key, record_id in rows:
            grouped.setdefault(unit_of.get(key, key), record_id)
        rows = list(grouped.items())
    units = [Unit(key, record_id, n) for n, (key, record_id) in enumerate(rows)]
    return ScreeningState(
        units,
        store.decision_events(),
        reviewers_per_record=protocol.screening.reviewers_per_record,
        blind=protocol.screening.is_blind,
        unit_of=unit_of,
        split_off=split_off,
        split_size=split_size,
    )
