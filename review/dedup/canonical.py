"""One record standing for a unit of several: the best metadata of its members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from review.models import RECORD_FIELDS, Record

_FILLED = tuple(f.name for f in RECORD_FIELDS if f.shown and not f.json and f.name != "abstract")
"""Single-valued fields a member fills when the base lacks them; the abstract
is the longest one and the authors the longest list instead."""


def canonical_record(members: Sequence[Record], unit_key: str) -> Record:
    """The most complete member as the base; missing fields come from the others,
    the abstract is the longest one, and the key is the unit's."""
    base = max(members, key=lambda r: (_completeness(r), -r.id))
    update: dict[str, Any] = {"key": unit_key}
    for name in _FILLED:
        if getattr(base, name) in (None, ""):
            found = next((getattr(m, name) for m in members if getattr(m, name)), None)
            if found is not None:
                update[name] = found
    abstracts = [m.abstract for m in members if m.abstract]
    if abstracts:
        update["abstract"] = max(abstracts, key=len)
    if not base.authors:
        update["authors"] = max((m.authors for m in members), key=len)
    return base.model_copy(update=update)


def _completeness(record: Record) -> int:
    fields = (record.title, record.abstract, record.year, record.journal, record.volume,
              record.pages, record.doi, record.pmid)  # fmt: skip
    return sum(1 for value in fields if value) + (1 if record.authors else 0)
