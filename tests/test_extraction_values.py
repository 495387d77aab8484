"""Values replay by the ledger's order, whatever order the events arrive in."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from review.extraction.studies import report_record_ids
from review.extraction.values import ValueEvent, Values
from review.ledger.resolver import resolve

KEYS = [("s", "study.country", ""), ("s", "arms.arm.rt_dose_gy", "a1")]


def events() -> st.SearchStrategy[list[ValueEvent]]:
    event = st.builds(
        lambda n, stamp, who, key, value, kind: ValueEvent(
            f"u{n}",
            f"2026-01-01T00:00:{stamp:02d}",
            who,
            *KEYS[key],
            None if value is None else str(value),
            None,
            kind,
        ),
        st.integers(0, 10_000),
        st.integers(0, 5),
        st.sampled_from(["ann", "bob"]),
        st.integers(0, 1),
        st.none() | st.integers(0, 3),
        st.sampled_from(["value", "value", "agreed"]),
    )
    return st.lists(event, max_size=12, unique_by=lambda e: e.uid)


def state(values: Values) -> tuple[object, ...]:
    return (values.of("ann"), values.of("bob"), values.agreed(), values.newest(),
            [values.history(key) for key in KEYS])  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(events(), st.randoms())
def test_any_order_and_repeats_give_the_same_values(
    found: list[ValueEvent], rng: random.Random
) -> None:
    shuffled = list(found)
    rng.shuffle(shuffled)
    assert state(Values(shuffled + found[:3])) == state(Values(found))
    folded = Values()
    for event in shuffled:
        folded.apply(event)
    assert state(folded) == state(Values(found))


def test_newest_entry_wins_and_a_clear_clears() -> None:
    a = ValueEvent("b", "2026-01-01T00:00:01", "ann", *KEYS[0], '"China"')
    b = ValueEvent("a", "2026-01-01T00:00:01", "bob", *KEYS[0], '"Japan"')  # same stamp: uid
    c = ValueEvent("c", "2026-01-01T00:00:02", "ann", *KEYS[0], None)
    values = Values([c, b, a])
    assert values.newest() == {}
    assert Values([a, b]).newest() == {KEYS[0]: "China"}
    assert [(ch.old, ch.new) for ch in values.history(KEYS[0])] == [
        (None, "Japan"), (None, "China"), ("China", None)
    ]  # fmt: skip


def test_a_studys_reports_are_its_units_records() -> None:
    resolution = resolve([("k1", 1), ("k2", 2), ("k3", 3)], links={"k2": "k1"})
    assert report_record_ids(resolution, "k1") == [1, 2]
    assert report_record_ids(resolution, "k3") == [3]
