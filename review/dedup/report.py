"""The groups report: every record the review screens together with others, as CSV.

One row per record of every unit of two or more records, whether a rule, a
reviewer or a shared identifier (DOI, PMID, registry id, title + year +
first author) made them one, from the same resolver screening uses. Written
to a temporary file beside the target and renamed, so a failed write never
leaves half a report; cells that a spreadsheet would run as a formula are
escaped.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from review.dedup.units import load_resolution
from review.errors import ExportError
from review.ledger.resolver import Resolution
from review.store import Store

COLUMNS = ("group_id", "record_id", "source_file", "source_record", "decided_by", "reviewer",
           "decided_at")  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")


@dataclass(frozen=True)
class GroupRow:
    """One record of a unit of two or more records, and why it is there."""

    group_key: str
    record_id: int
    uid: str
    source_file: str
    source_ref: str
    decided_by: str
    """'identifier', a dedup rule's name, or 'reviewer'."""
    reviewer: str
    decided_at: str


def group_rows(store: Store, resolution: Resolution | None = None) -> list[GroupRow]:
    """Every record screened together with others, by unit then record id."""
    resolution = resolution or load_resolution(store)
    members = [m for unit in sorted(resolution.groups) for m in resolution.groups[unit]]
    refs = store.records.record_refs(m.record_id for m in members)
    return [
        GroupRow(
            m.unit_key,
            m.record_id,
            refs[m.record_id].uid,
            refs[m.record_id].source_file,
            refs[m.record_id].source_ref,
            m.decided_by,
            m.reviewer,
            m.created_at,
        )
        for m in members
    ]


def write_groups_report(store: Store, target: Path) -> int:
    """Write the report; returns how many records it lists."""
    rows = [
        (
            g.group_key,
            g.record_id,
            g.source_file,
            g.source_ref,
            g.decided_by,
            g.reviewer,
            g.decided_at,
        )
        for g in group_rows(store)
    ]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            writer.writerows([safe_cell(value) for value in row] for row in rows)
        os.replace(temp, target)
    except OSError as exc:
        raise ExportError(f"cannot write the report: {exc}", path=target) from None
    return len(rows)


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe;
    control characters but the line feed go."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)  # a regex: exports pass 100k abstracts
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value
