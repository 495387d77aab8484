"""The pipeline on labelled pairs and special cases (bib-dedupe's, in tests/fixtures/dedup)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from review.dedup import Decision, find_duplicates
from tests.dedup_helpers import to_dedup_record

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dedup"
CASES = json.loads((FIXTURES / "test_cases.json").read_text(encoding="utf-8"))["cases"]


def _outcome(case: dict[str, object]) -> str:
    records = [to_dedup_record(case[side], n) for n, side in enumerate(("record_a", "record_b"), 1)]  # type: ignore[arg-type]
    result = find_duplicates(records)
    if result.groups:
        return "merged"
    return "queued" if result.queue else "distinct"


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c["expected_duplicate"]], ids=lambda c: c["id"]
)
def test_a_trap_is_never_merged_automatically(case: dict[str, object]) -> None:
    assert _outcome(case) != "merged", case["note"]


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["expected_duplicate"]], ids=lambda c: c["id"]
)
def test_a_true_duplicate_is_merged_or_queued(case: dict[str, object]) -> None:
    assert _outcome(case) in ("merged", "queued"), case["note"]


def test_most_traps_are_not_even_queued() -> None:
    """A queue full of traps wastes reviewers' time; most must be judged distinct."""
    outcomes = [_outcome(c) for c in CASES if not c["expected_duplicate"]]
    assert outcomes.count("distinct") >= 9, outcomes


def test_identifier_duplicates_are_merged_automatically() -> None:
    """Same DOI with agreeing titles is certain, whatever the author formatting."""
    same_doi = [c for c in CASES if c["expected_duplicate"] and "Same DOI" in str(c["note"])]
    assert same_doi
    assert all(_outcome(c) == "merged" for c in same_doi)


def test_special_cases_never_merge_two_true_groups() -> None:
    with (FIXTURES / "special_cases_records.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (FIXTURES / "special_cases_groups.csv").open(encoding="utf-8", newline="") as handle:
        truth = [set(r["merged_ids"].split(";")) for r in csv.DictReader(handle)]
    records = [to_dedup_record(row, n) for n, row in enumerate(rows, 1)]
    ids = {f"uid{n}": row["ID"] for n, row in enumerate(rows, 1)}
    result = find_duplicates(records)
    true_group = {i: n for n, group in enumerate(truth) for i in group}
    for group in result.groups:
        members = {ids[records[m.index].uid] for m in group.members}
        assert len({true_group.get(i, i) for i in members}) == 1, members
    found = {frozenset(ids[records[m.index].uid] for m in g.members) for g in result.groups}
    queued = {frozenset((ids[records[j.a].uid], ids[records[j.b].uid])) for j in result.queue}
    for group in truth:
        assert any(group <= f for f in found) or frozenset(group) in queued, group


def test_decisions_name_their_rule() -> None:
    case = next(c for c in CASES if c["expected_duplicate"] and "Exact same DOI" in str(c["note"]))
    records = [to_dedup_record(case[s], n) for n, s in enumerate(("record_a", "record_b"), 1)]
    [group] = find_duplicates(records).groups
    assert {m.rule for m in group.members} == {"same-doi"}
    assert Decision.CERTAIN == "certain"
