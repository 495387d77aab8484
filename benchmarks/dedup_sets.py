"""The labelled deduplication sets, and what screening makes of a run on them.

Sets (from ../shared/corpora): bib-dedupe's haematology and stroke (true
groups), its 12 special cases (true groups), its 25 labelled pairs (`cases`,
each pair deduplicated on its own) and ASySD's diabetes set (keep/remove
labels only: no group ids). Rows use bib-dedupe's column names.

A run is scored over *screening units*, what one screening decision covers:
records merged by a rule plus records sharing an identity key (DOI, PMID, or
title + year + first author) that `split_shared_keys` leaves together, as the
resolver builds them for screening. Pairwise: every pair of records in one
unit counts once.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from review.dedup import DedupRecord, DedupResult
from review.dedup.naming import merge_events
from review.dedup.normalise import split_authors
from review.dedup.rules import THRESHOLDS, Thresholds
from review.dedup.shared_keys import split_shared_keys
from review.identity import record_key
from review.ledger.groups import DedupEvent
from review.ledger.resolver import resolve
from review.models import RecordDraft

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
BIB = CORPORA / "bib-dedupe" / "data"
ASYSD = CORPORA / "asysd" / "labelled_test_set.csv"
CASES = CORPORA / "bib-dedupe" / "tests" / "test_cases.json"
SETS = ("haematology", "stroke", "asysd", "special", "cases")

Row = dict[str, str]
Batch = list[Row]
"""Rows deduplicated together in one run (a set is one batch, `cases` 25)."""


def load_batches(name: str) -> list[Batch]:
    """The set's rows, in the batches they are deduplicated in."""
    csv.field_size_limit(sys.maxsize)
    if name == "cases":
        cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
        return [
            [
                {**{k: str(v) for k, v in case[side].items()}, "ID": f"{case['id']}:{side[-1]}"}
                for side in ("record_a", "record_b")
            ]
            for case in cases
        ]
    if name == "asysd":
        with ASYSD.open(encoding="latin-1", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = ("title", "author", "year", "journal", "volume", "number", "pages", "doi")
        return [
            [
                {
                    "ID": r["record_id"],
                    "ENTRYTYPE": "article",
                    **{f: r[f] for f in fields},
                    "abstract": r["abstract"],
                    "label": r["source"],
                }
                for r in rows
            ]
        ]
    folder = "special_cases" if name == "special" else name
    with (BIB / folder / "records_pre_merged.csv").open(encoding="utf-8", newline="") as handle:
        return [list(csv.DictReader(handle))]


@cache
def load_rows(name: str) -> list[Row]:
    return [row for batch in load_batches(name) for row in batch]


def true_groups(name: str) -> list[set[str]] | None:
    """True duplicate groups; None for ASySD, which has keep/remove labels only."""
    if name == "asysd":
        return None
    if name == "cases":
        cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
        return [{f"{c['id']}:a", f"{c['id']}:b"} for c in cases if c["expected_duplicate"]]
    folder = "special_cases" if name == "special" else name
    with (BIB / folder / "merged_record_ids.csv").open(encoding="utf-8", newline="") as handle:
        return [set(r["merged_ids"].split(";")) for r in csv.DictReader(handle)]


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in ("", "NA", "nan", "UNKNOWN", "None") else value


def to_records(rows: list[Row]) -> list[DedupRecord]:
    """Rows as the pipeline's input, keyed by `record_key` as an import keys them."""
    records = []
    for n, row in enumerate(rows, start=1):
        year = _clean(row.get("year"))
        authors = _clean(row.get("author"))
        draft = RecordDraft(
            n,
            title=_clean(row.get("title")),
            authors=split_authors([authors]) if authors else [],
            year=int(float(year)) if year and year[:4].isdigit() else None,
            journal=_clean(row.get("journal")) or _clean(row.get("booktitle")),
            volume=_clean(row.get("volume")),
            issue=_clean(row.get("number")) or _clean(row.get("issue")),
            pages=_clean(row.get("pages")),
            doi=_clean(row.get("doi")),
            record_type=_clean(row.get("ENTRYTYPE")),
        )
        fields = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi",
                  "record_type")  # fmt: skip
        records.append(
            DedupRecord(
                id=n,
                uid=row["ID"],
                key=record_key(draft, file_hash="bench"),
                source_id=int(row.get("source_id") or 1),
                **{f: getattr(draft, f) for f in fields},
            )
        )
    return records


def screening_units(
    records: list[DedupRecord], result: DedupResult, thresholds: Thresholds = THRESHOLDS
) -> list[set[str]]:
    """Record uids of each unit of two or more, as screening would see them
    after `review dedupe` stored `result` (the resolver, not a shortcut)."""
    key_rows = sorted((r.key, r.id) for r in records)
    splits = split_shared_keys(records, thresholds=thresholds)
    before = resolve(key_rows, splits=splits)
    unit_of = {r.uid: before.unit_of_record(r.id, r.key) for r in records}
    by_uid = {r.uid: r for r in records}
    grouped = {
        by_uid[e["record_uid"]].id: DedupEvent(
            "", "", "bench", e["group_key"], e["record_uid"], "merge", e["rule"], e["score"]
        )
        for e in merge_events(records, result, unit_of, set())
    }
    after = resolve(key_rows, splits=splits, grouped=grouped)
    uid_of = {r.id: r.uid for r in records}
    return [{uid_of[m.record_id] for m in members} for members in after.groups.values()]


def pairs_of(groups: Iterable[set[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in combinations(sorted(g), 2)}


def quality(name: str, rows: list[Row], found: list[set[str]]) -> dict[str, Any]:
    """Pairwise precision and recall of `found` on the set (keep/remove for ASySD)."""
    truth = true_groups(name)
    if truth is None:
        return keep_remove(found, rows)
    got, want = pairs_of(found), pairs_of(truth)
    tp = len(got & want)
    return {**prf(tp, len(got) - tp, len(want) - tp), "true_pairs": len(want)}


def keep_remove(found: list[set[str]], rows: list[Row]) -> dict[str, Any]:
    """ASySD: removing all but one of a group is right unless it holds two
    `unique` records; an upper bound on precision (no group ids to check)."""
    label = {r["ID"]: r["label"] for r in rows}
    removed = sum(len(g) - 1 for g in found)
    wrong = sum(max(0, sum(label[i] == "unique" for i in g) - 1) for g in found)
    should = sum(1 for r in rows if r["label"] == "duplicate")
    return {**prf(removed - wrong, wrong, should - (removed - wrong)), "true_pairs": should}


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
