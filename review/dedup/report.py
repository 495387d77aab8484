"""The groups report: every record the review screens together with others, as CSV.

One row per record of every unit of two or more records, whether a rule, a
reviewer or a shared identifier (DOI, PMID, registry id, title + year +
first author) made them one, from the same resolver screening uses. Each
record after a unit's first carries the evidence of its comparison with that
first record: every field's level and weight, and their total. Written
to a temporary file beside the target and renamed, so a failed write never
leaves half a report; cells that a spreadsheet would run as a formula are
escaped.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from review.dedup.normalise import prepare
from review.dedup.scoring import compare
from review.dedup.units import load_resolution, to_dedup_record
from review.dedup.weights import explain, shipped_weights
from review.errors import ExportError
from review.file_modes import give_usual_mode
from review.ledger.resolver import Resolution
from review.store import Store

COLUMNS = ("group_id", "record_id", "source_file", "source_record", "decided_by", "reviewer",
           "decided_at", "weight", "evidence")  # fmt: skip
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
    weight: float | None = None
    """Total weight of the comparison with the unit's first record; None for that record."""
    evidence: str = ""
    """Each field's level and weight in that comparison (`title exact +5.0; …`)."""


def group_rows(
    store: Store, resolution: Resolution | None = None, *, evidence: bool = False
) -> list[GroupRow]:
    """Every record screened together with others, by unit then record id;
    with `evidence`, each compared with its unit's first record (the report)."""
    resolution = resolution or load_resolution(store)
    members = [m for unit in sorted(resolution.groups) for m in resolution.groups[unit]]
    refs = store.records.record_refs(m.record_id for m in members)
    groups = [[m.record_id for m in g] for g in resolution.groups.values()]
    compared = _against_first(store, groups) if evidence else {}
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
            *compared.get(m.record_id, (None, "")),
        )
        for m in members
    ]


def _against_first(store: Store, groups: list[list[int]]) -> dict[int, tuple[float, str]]:
    """Each grouped record's comparison with its unit's first (lowest id) record."""
    wanted = {i for ids in groups for i in ids}
    prepared = {
        row["id"]: prepare(to_dedup_record(row), n)
        for n, row in enumerate(store.records.dedup_rows_for_ids(wanted))
    }
    weights = shipped_weights()
    out: dict[int, tuple[float, str]] = {}
    for ids in groups:
        first, *others = sorted(i for i in ids if i in prepared)
        for other in others:
            explained = explain(compare(prepared[first], prepared[other]), weights)
            out[other] = (explained.total, explained.as_text())
    return out


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
            "" if g.weight is None else g.weight,
            g.evidence,
        )
        for g in group_rows(store, evidence=True)
    ]
    write_csv(target, COLUMNS, rows)
    return len(rows)


def write_csv(target: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a report whole or not at all: a temporary file beside `target`,
    renamed over it once complete; cells a spreadsheet would run are escaped."""
    temp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        # A byte-order mark, as every CSV review writes: Excel reads the
        # titles' accents right; csv readers, R and pandas skip it.
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows([safe_cell(value) for value in row] for row in rows)
        give_usual_mode(Path(temp), target)
        os.replace(temp, target)
    except OSError as exc:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        raise ExportError(f"cannot write the report: {exc}", path=target) from None


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe;
    control characters but the line feed go."""
    if isinstance(value, str):
        value = without_control(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def without_control(text: str) -> str:
    """Control characters but the line feed removed (a regex: exports pass
    100k abstracts)."""
    return _CONTROL.sub("", text)
