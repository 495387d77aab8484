"""Risk-of-bias events in the review file: appended whole, read back in replay
order, append-only, and replayed by the ledger's rule — the same assessment
whatever order the events come in, and from two files merged either way."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.rob import OVERALL, get_tool
from review.rob.events import AGREED, SHARED, RobLedger
from review.sample import build_sample
from review.store import Store
from review.store.rob import NewRobEvent
from tests.conftest import fixed_clock
from tests.rob_session_helpers import COHORT, TRIAL, make_trial, session


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Store]:
    with build_sample(tmp_path / "sample.db", now=fixed_clock) as store:
        yield store


@pytest.fixture
def protocol(sample: Store) -> Protocol:
    return review_protocol(sample)


def test_events_are_appended_in_one_transaction_and_read_back(sample: Store) -> None:
    before = len(sample.rob.events())
    uids = sample.rob.append(
        [
            NewRobEvent(TRIAL, "", "robins_i", "answer", "D1", "1.1", "Y", support="p. 4"),
            NewRobEvent(
                TRIAL, "", "robins_i", "judgement", "D1", value="Low", note="why", agreed=True
            ),
        ],
        reviewer="ann",
    )
    events = sample.rob.events(TRIAL)
    assert [e.uid for e in events] == uids
    answer, judgement = events
    assert (answer.kind, answer.item, answer.value, answer.support) == (
        "answer",
        "1.1",
        "Y",
        "p. 4",
    )
    assert (judgement.kind, judgement.note, judgement.agreed) == ("judgement", "why", True)
    assert sample.rob.event(uids[0]) == answer
    with pytest.raises(sqlite3.IntegrityError):  # one bad row: the batch is refused whole
        sample.rob.append(
            [
                NewRobEvent(TRIAL, "", "robins_i", "answer", "D1", "1.2", "N"),
                NewRobEvent(TRIAL, "", "robins_i", "verdict", "D1", "", "Low"),
            ],
            reviewer="ann",
        )
    assert len(sample.rob.events()) == before + 2


def test_events_are_append_only(sample: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sample.db.execute("UPDATE rob_answers SET value = 'N'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sample.db.execute("DELETE FROM rob_answers")


def test_replay_does_not_depend_on_event_order_or_repeats(sample: Store) -> None:
    tool = get_tool("robins_i")
    events = sample.rob.events(COHORT)
    target = (COHORT, "", "robins_i")
    expected = RobLedger(events).assessment(tool, target, SHARED)
    assert expected.final("D1") is not None and expected.answers
    shuffled = events * 2
    random.Random(4).shuffle(shuffled)
    assert RobLedger(shuffled).assessment(tool, target, SHARED) == expected
    assert RobLedger(shuffled).assessment(tool, target, "kim") == expected
    assert not RobLedger(shuffled).assessment(tool, target, AGREED).answers


def test_an_event_this_version_cannot_place_is_set_aside(sample: Store) -> None:
    sample.rob.append(
        [NewRobEvent(COHORT, "", "robins_i", "answer", "D9", "9.9", "Y")], reviewer="kim"
    )
    replayed = RobLedger(sample.rob.events()).replay(
        get_tool("robins_i"), (COHORT, "", "robins_i"), SHARED
    )
    assert [e.item for e in replayed.unplaced] == ["9.9"]
    assert "9.9" not in replayed.assessment.answers


def test_two_files_merged_either_way_give_the_same_assessment(
    sample: Store, protocol: Protocol, tmp_path: Path
) -> None:
    result = make_trial(sample, protocol)
    bob_path = tmp_path / "bob.db"
    sample.backup(bob_path)
    ann = session(sample, protocol, "ann", result=result)
    ann.answer("1.1", "Y", "p. 2")
    ann.answer("1.2", "PY")
    with Store.open(bob_path, now=fixed_clock) as bob_store:
        bob = session(bob_store, protocol, "bob", result=result)
        bob.answer("1.1", "N", "p. 3")
        bob.answer("1.3", "N")
        bob.decide("D1", "High", "allocation was open")
    tool = get_tool("rob2")
    target = (TRIAL, result, "rob2")
    seen = []
    for first, other in ((sample.path, bob_path), (bob_path, sample.path)):
        merged = tmp_path / f"merged-{first.stem}.db"
        with Store.open(first) as store:
            store.backup(merged)
        with Store.open(merged) as store:
            store.merge_from(other)
            store.merge_from(other)  # twice: nothing changes
            ledger = RobLedger(store.rob.events())
            seen.append(
                (
                    ledger.assessment(tool, target, SHARED),
                    session(store, protocol, "carol", result=result).assessment,
                    len(store.rob.events()),
                )
            )
    assert seen[0] == seen[1]
    shared = seen[0][0]
    assert shared.answers["1.1"].value in {"Y", "N"}
    assert shared.answers["1.2"].value == "PY" and shared.answers["1.3"].value == "N"
    assert shared.final("D1") == "High"
    assert shared.final(OVERALL) is None
