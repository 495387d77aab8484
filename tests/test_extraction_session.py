"""One reviewer's form for one study: values as events, rows, checks, completion,
dual extraction, and files merged in either order giving the same values."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from review.errors import UsageError
from review.extraction.compare import agreement, differences, final_values
from review.extraction.session import ExtractionSession, IncompleteFormError
from review.extraction.studies import Status, load_included
from review.extraction.values import Values
from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.sample import INCLUDED, build_sample
from review.store import Store
from tests.conftest import fixed_clock

FRESH = "doi:10.1259/bjr.20220548"
"""An included sample study nobody has started."""
TRIAL = "tya:d309c0c4181834ca188c"
"""The sample study kim has partly extracted."""


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Store]:
    with build_sample(tmp_path / "sample.db", now=fixed_clock) as store:
        yield store


@pytest.fixture
def protocol(sample: Store) -> Protocol:
    return review_protocol(sample)


def dual(protocol: Protocol, *, blind: bool | None = None) -> Protocol:
    extraction = protocol.extraction.model_copy(update={"reviewers_per_study": 2, "blind": blind})
    return protocol.model_copy(update={"extraction": extraction})


def form(
    store: Store, protocol: Protocol, who: str = "ann", study: str = FRESH
) -> ExtractionSession:
    return ExtractionSession(store, protocol, who, study, included=INCLUDED)


def fill_complete(session: ExtractionSession) -> None:
    session.set_value("study.study_design", "", "rct")
    session.set_value("study.setting", "", "locally_advanced")
    session.set_value("study.n_randomised", "", "120")


def test_the_sample_has_included_studies_with_partly_filled_forms(
    sample: Store, protocol: Protocol
) -> None:
    assert [s.key for s in load_included(sample, protocol)] == list(INCLUDED)
    trial = form(sample, protocol, "kim", TRIAL)
    assert trial.status is Status.IN_PROGRESS
    [arm] = trial.rows("arms.arm")
    assert trial.value("arms.arm.rt_dose_gy", arm.id) == 60
    assert trial.cell("arms.arm.name", arm.id).text == "Sintilimab + RT"
    assert form(sample, protocol, "kim", FRESH).status is Status.NOT_STARTED


def test_a_value_is_checked_then_stored_once_as_an_event(sample: Store, protocol: Protocol) -> None:
    session = form(sample, protocol)
    assert session.set_value("study.n_randomised", "", "120", source="p. 3, table 1")
    assert not session.set_value("study.n_randomised", "", " 120 ")  # unchanged: no event
    assert session.set_value("study.n_randomised", "", "120", source="p. 4")  # source changed
    with pytest.raises(UsageError) as refused:
        session.set_value("study.n_randomised", "", "0")
    assert refused.value.field == "study.n_randomised"
    assert "out of range" in refused.value.message and "at least 1" in (refused.value.hint or "")
    with pytest.raises(UsageError, match="not an option"):
        session.set_value("study.study_design", "", "trial")
    with pytest.raises(UsageError, match="no field"):
        session.set_value("study.nope", "", "1")
    with pytest.raises(UsageError, match="once per study"):
        session.set_value("study.n_randomised", "row", "1")
    with Store.open(sample.path) as fresh:  # what a reviewer finds after quitting
        again = form(fresh, protocol)
        assert again.cell("study.n_randomised") == again.cell("study.n_randomised", "")
        assert again.value("study.n_randomised") == 120
        assert again.cell("study.n_randomised").source == "p. 4"
        events = fresh.extraction.value_events(FRESH)
        assert [(e.reviewer, e.value, e.source) for e in events] == [
            ("ann", "120", "p. 3, table 1"),
            ("ann", "120", "p. 4"),
        ]
        history = again.history("study.n_randomised")
        assert [(c.old, c.new, c.source) for c in history] == [
            (None, 120, "p. 3, table 1"),
            (120, 120, "p. 4"),
        ]
    assert session.clear("study.n_randomised")
    assert session.value("study.n_randomised") is None
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sample.db.execute("UPDATE extraction_values SET value = '1'")


def test_only_included_studies_open(sample: Store, protocol: Protocol) -> None:
    with pytest.raises(UsageError, match="not an included study"):
        ExtractionSession(sample, protocol, "ann", "tya:a21cb5c268d8afde870c")
    assert ExtractionSession(sample, protocol, "ann", FRESH).study_key == FRESH


def test_rows_add_copy_rename_remove_keep_their_values(sample: Store, protocol: Protocol) -> None:
    session = form(sample, protocol)
    arm = session.add_row("arms.arm", "Nivolumab + RT")
    session.set_value("arms.arm.rt_dose_gy", arm, "70", source="table 2")
    session.set_value("arms.arm.ici_drug", arm, "nivolumab")
    copy = session.copy_row(arm, "Nivolumab + RT (cohort B)")
    assert session.value("arms.arm.rt_dose_gy", copy) == 70
    assert session.cell("arms.arm.rt_dose_gy", copy).source == "table 2"
    assert session.value("arms.arm.ici_drug", copy) == ["nivolumab"]
    session.set_value("arms.arm.name", arm, "Nivolumab with RT")  # typing the name renames
    assert [r.name for r in session.rows("arms.arm")] == [
        "Nivolumab with RT",
        "Nivolumab + RT (cohort B)",
    ]
    assert session.rename_row(copy, "Cohort B")
    assert session.value("arms.arm.rt_dose_gy", arm) == 70  # a rename rewrites no value
    with pytest.raises(UsageError, match="named"):
        session.add_row("arms.arm", "cohort b")
    assert session.remove_row(copy)
    assert [r.name for r in session.rows("arms.arm")] == ["Nivolumab with RT"]
    with pytest.raises(UsageError, match="needs a row"):
        session.set_value("arms.arm.rt_dose_gy", copy, "60")
    with pytest.raises(UsageError, match=r"does not repeat|no group"):
        session.add_row("study.nothing", "x")
    result = session.add_row("results.result", "OS 2 years")
    assert sample.entities.entity(result).kind == "result"  # type: ignore[union-attr]
    assert sample.entities.entity(result).attrs["group"] == "results.result"  # type: ignore[union-attr]


def test_completion_is_refused_with_every_problem_then_accepted(
    sample: Store, protocol: Protocol
) -> None:
    session = form(sample, protocol)
    session.set_value("study.n_randomised", "", "100")
    session.set_value("study.n_analysed", "", "110")
    result = session.add_row("results.result", "ORR")
    session.set_value("results.result.events_1", result, "30")
    session.set_value("results.result.total_1", result, "20")
    session.set_value("results.result.hr", result, "0.5")
    session.set_value("results.result.hr_ci_lower", result, "0.6")
    session.set_value("results.result.hr_ci_upper", result, "0.9")
    session.set_value("results.result.sd_1", result, "0")
    with pytest.raises(IncompleteFormError) as refused:
        session.complete()
    found = {(p.field, p.row): p.message for p in refused.value.form_problems}
    assert found[("study.study_design", "")] == "required: fill it in"
    assert "110 analysed is more than the 100" in found[("study.n_analysed", "")]
    assert "30 events is more than the total 20" in found[("results.result.events_1", "ORR")]
    assert "outside its CI" in found[("results.result.hr", "ORR")]
    assert "above 0" in found[("results.result.sd_1", "ORR")]
    assert "2×2 counts" in found[("results.result.events_2", "ORR")]
    assert "continuous summaries" in found[("results.result.mean_1", "ORR")]
    assert ("results.result.outcome", "ORR") in found
    assert "study.study_design" in str(refused.value)
    assert session.status is Status.IN_PROGRESS
    assert sample.extraction.status_events(FRESH) == []

    session.remove_row(result)
    fill_complete(session)
    session.set_value("study.n_analysed", "", "100")
    assert session.problems() == []
    session.complete(note="checked against the paper")
    assert session.status is Status.COMPLETE
    session.reopen()
    assert session.status is Status.IN_PROGRESS


def test_dual_extraction_blind_differences_and_agreed_values(
    sample: Store, protocol: Protocol
) -> None:
    two = dual(protocol)
    ann, bob = form(sample, two, "ann"), form(sample, two, "bob")
    assert ann.blind
    ann.set_value("study.study_design", "", "rct")
    ann.set_value("study.n_randomised", "", "120")
    bob.set_value("study.study_design", "", "rct")
    bob.set_value("study.n_randomised", "", "112")
    bob.set_value("study.setting", "", "mixed")
    arm = ann.add_row("arms.arm", "Control")
    ann.set_value("arms.arm.n_assigned", arm, "60")
    bob = form(sample, two, "bob")  # rows are shared, values are not
    bob.set_value("arms.arm.n_assigned", arm, "61")
    assert bob.value("study.study_design") == "rct"
    assert ann.value("study.setting") is None and ann.others("study.setting") == {}  # blind

    values = Values(sample.extraction.value_events())
    entities = sample.entities.entities(FRESH)
    found = differences(two, values, FRESH, "ann", "bob", entities)
    assert [(d.field, d.row, d.first, d.second) for d in found] == [
        ("study.setting", "", None, "mixed"),
        ("study.n_randomised", "", 120, 112),
        ("arms.arm.n_assigned", "Control", 60, 61),
    ]
    assert final_values(values, FRESH, extractors=2) == {("study.study_design", ""): "rct"}

    ann.set_value("study.n_randomised", "", "112", agreed=True)
    ann.set_value("arms.arm.n_assigned", arm, "61", agreed=True)
    values = Values(sample.extraction.value_events())
    final = final_values(values, FRESH, extractors=2)
    assert final[("study.n_randomised", "")] == 112 and final[("arms.arm.n_assigned", arm)] == 61
    assert ann.value("study.n_randomised") == 120  # her own entry stays hers
    found = differences(two, values, FRESH, "ann", "bob", sample.entities.entities(FRESH))
    assert [d.agreed for d in found] == [None, 112, 61]
    assert form(sample, two, "carol").differences() == found  # the comparison view's list
    stats = {a.field: (a.same, a.compared) for a in agreement(two, values, [FRESH], entities)}
    assert stats["study.study_design"] == (1, 1)
    assert stats["study.n_randomised"] == (0, 1)
    assert form(sample, dual(protocol, blind=False), "ann").others("study.setting") == {
        "bob": "mixed"
    }


def test_one_extractor_shares_one_form(sample: Store, protocol: Protocol) -> None:
    form(sample, protocol, "ann").set_value("study.country", "", "China")
    bob = form(sample, protocol, "bob")
    assert bob.value("study.country") == "China"
    assert not bob.set_value("study.country", "", "China")  # already the form's value
    bob.set_value("study.country", "", "China, Taiwan")
    values = Values(sample.extraction.value_events())
    assert final_values(values, FRESH, extractors=1)[("study.country", "")] == "China, Taiwan"


def test_two_files_merged_either_way_give_the_same_values(
    sample: Store, protocol: Protocol, tmp_path: Path
) -> None:
    arm = form(sample, protocol).add_row("arms.arm", "Control")
    bob_path = tmp_path / "bob.db"
    sample.backup(bob_path)
    form(sample, protocol, "ann").set_value("study.country", "", "China")
    form(sample, protocol, "ann").set_value("arms.arm.rt_dose_gy", arm, "66")
    with Store.open(bob_path, now=fixed_clock) as bob:
        form(bob, protocol, "bob").set_value("study.country", "", "Japan")
        form(bob, protocol, "bob").set_value("arms.arm.rt_dose_gy", arm, "70")

    ann_path = sample.path
    seen = []
    for first, other in ((ann_path, bob_path), (bob_path, ann_path)):
        target = tmp_path / f"merged-{first.stem}.db"
        with Store.open(first) as store:
            store.backup(target)
        with Store.open(target) as store:
            store.merge_from(other)
            store.merge_from(other)  # twice: nothing changes
            session = form(store, protocol, "carol")
            seen.append(
                (
                    session.value("study.country"),
                    session.value("arms.arm.rt_dose_gy", arm),
                    Values(store.extraction.value_events()).newest(FRESH),
                    len(store.extraction.value_events()),
                )
            )
    assert seen[0] == seen[1]
    assert seen[0][0] in {"China", "Japan"} and seen[0][1] in {66, 70}
    assert seen[0][3] == 4 + 16  # both reviewers' events, once each, and the sample's
