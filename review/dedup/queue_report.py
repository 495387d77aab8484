"""The queue report: the probable pairs waiting for a reviewer, as CSV.

Strongest evidence first, in the order the duplicates screen shows them: the
summed weight of the pair's fields, each field's level and weight, and the
reason it was queued, so a reviewer can work through the queue in a
spreadsheet or check why a pair was asked. Written whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review.dedup.model import Evidence
from review.dedup.report import write_csv
from review.dedup.weights import explain, shipped_weights
from review.store import Store

QUEUE_COLUMNS = ("rank", "weight", "record_a", "record_b", "source_a", "source_b", "reason",
                 "evidence")  # fmt: skip


def write_queue_report(store: Store, target: Path) -> int:
    """Write the waiting pairs to `target`; returns how many it lists."""
    pairs = store.dedup.pending_pairs()
    ids = store.records.record_ids_for_uids(uid for p in pairs for uid in (p.uid_a, p.uid_b))
    refs = store.records.record_refs(ids.values())
    rows: list[tuple[object, ...]] = []
    for pair in pairs:
        if pair.uid_a not in ids or pair.uid_b not in ids:
            continue  # a record of another reviewer's file, not in this one
        a, b = refs[ids[pair.uid_a]], refs[ids[pair.uid_b]]
        rows.append(
            (
                len(rows) + 1,
                "" if pair.weight is None else pair.weight,
                a.record_id,
                b.record_id,
                f"{a.source_file} · {a.source_ref}",
                f"{b.source_file} · {b.source_ref}",
                pair.reason,
                evidence_text(pair.evidence),
            )
        )
    write_csv(target, QUEUE_COLUMNS, rows)
    return len(rows)


def evidence_text(stored: dict[str, Any]) -> str:
    """`title exact +5.0; …; = +9.4` under the shipped weights; '' for evidence
    stored before the model had every field."""
    try:
        evidence = Evidence(**{k: stored[k] for k in Evidence.__dataclass_fields__})
    except (KeyError, TypeError):
        return ""
    return explain(evidence, shipped_weights()).as_text()
