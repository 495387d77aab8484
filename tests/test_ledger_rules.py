"""Rules the store asks the ledger about: how a study link is made, which
queued pairs still wait, and which records a rule must not put back."""

from __future__ import annotations

import pytest

from review.errors import UsageError
from review.ledger.groups import (
    REVIEWER_RULE,
    DedupEvent,
    replay_groups,
    reviewer_unmerges,
    undecided,
)
from review.ledger.studies import linking


def test_linking_goes_to_the_study_and_brings_reports_along() -> None:
    links = {"b": "a", "d": "c"}
    assert linking(links, "e", "b") == ("a", ["e"])  # b is a report: its study is a
    assert linking(links, "c", "a") == ("a", ["c", "d"])  # c joins a with its report d
    assert linking(links, "b", "a") == ("a", [])  # already linked there
    with pytest.raises(UsageError, match="already a report"):
        linking(links, "a", "b")


def _event(uid: str, group: str, record: str, action: str, rule: str | None) -> DedupEvent:
    return DedupEvent(uid, f"2026-01-01T00:00:0{uid}", "ann", group, record, action, rule, None)


def test_undecided_pairs_are_neither_distinct_nor_grouped() -> None:
    state = replay_groups(
        [
            _event("1", "g", "a", "merge", "doi"),
            _event("2", "g", "b", "merge", "doi"),
            _event("3", "record:d", "c", "distinct", REVIEWER_RULE),
        ]
    )
    pairs = [("a", "b", 0.9), ("c", "d", 0.8), ("d", "c", 0.7), ("a", "e", 0.6)]
    assert undecided(pairs, state) == [("a", "e", 0.6)]


def test_a_reviewers_unmerge_counts_even_after_a_later_merge() -> None:
    events = [
        _event("1", "g", "a", "unmerge", REVIEWER_RULE),
        _event("2", "g", "a", "merge", REVIEWER_RULE),
        _event("3", "h", "b", "unmerge", "doi"),
    ]
    assert reviewer_unmerges(events) == {("a", "g")}
