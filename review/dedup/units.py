"""The review's units and studies, read from the store and resolved once.

Everything that counts or screens units (screening, `review status`, the
groups report, the duplicates screen) calls `load_resolution`, so they
cannot disagree about what is one paper.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from review.dedup.model import DedupRecord
from review.dedup.normalise import Prepared
from review.dedup.shared_keys import split_shared_keys
from review.ledger.groups import GroupState
from review.ledger.resolver import Resolution, resolve
from review.ledger.studies import current_links
from review.store import Store


def load_resolution(
    store: Store,
    groups: GroupState | None = None,
    *,
    prepared: Mapping[str, Prepared] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Resolution:
    """Record → unit → study for every record of the review; `prepared` (by
    uid) spares normalising again records a dedupe run has just normalised,
    `progress` hears the shared keys checked."""
    groups = groups or store.dedup.group_state()
    key_rows = store.records.key_rows()
    repeated: set[str] = set()
    previous = None
    for key, _ in key_rows:  # ordered by key, then id
        if key == previous:
            repeated.add(key)
        previous = key
    splits: dict[int, str] = {}
    if repeated:
        records = [to_dedup_record(row) for row in store.records.dedup_rows_for_keys(repeated)]
        splits = split_shared_keys(
            records,
            distinct=groups.distinct,
            taken_out=groups.taken_out,
            normalised=prepared,
            progress=progress,
        )
    ids = store.records.record_ids_for_uids(groups.members)
    grouped = {ids[uid]: event for uid, event in groups.members.items() if uid in ids}
    links = current_links(store.studies.events())
    return resolve(key_rows, splits=splits, grouped=grouped, links=links)


def to_dedup_record(row: dict[str, Any]) -> DedupRecord:
    """A `store.records.dedup_rows` row as the pipeline's input; a record
    without a title is compared by its title in the original language."""
    fields = dict(row)
    vernacular = fields.pop("vernacular_title")
    if fields["title"] is None:
        fields["title"] = vernacular
    return DedupRecord(**fields)
