"""One reviewer's risk-of-bias assessment: the tool from the study's design,
answers and judgements as events stored once, overrides that need a
justification, conditional questions, status, dual assessment with consensus,
and the list of studies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from review.errors import UsageError
from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.rob import OVERALL, InvalidAnswer, InvalidJudgement
from review.rob.events import AGREED, SHARED
from review.rob.session import NoToolError, RobSession, Status
from review.rob.studies import overview
from review.sample import INCLUDED, build_sample
from review.store import Store
from tests.conftest import fixed_clock
from tests.rob_session_helpers import COHORT, SINGLE_ARM, TRIAL, fill, make_trial, session


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


def test_the_sample_has_a_partly_done_assessment(sample: Store, protocol: Protocol) -> None:
    s = session(sample, protocol, "kim", COHORT)
    assert s.tool.id == "robins_i" and s.design == "cohort"
    assert s.status is Status.IN_PROGRESS
    assert s.assessment.final("D1") == s.suggested("D1") == "Serious"
    assert s.assessment.answers["2.1"].support


def test_the_tool_comes_from_the_extracted_design(sample: Store, protocol: Protocol) -> None:
    with pytest.raises(NoToolError, match="no study design extracted yet") as raised:
        session(sample, protocol)
    assert "study.study_design" in (raised.value.hint or "")
    make_trial(sample, protocol, "case_series")  # the protocol appraises none
    with pytest.raises(NoToolError, match="not appraised"):
        session(sample, protocol)
    make_trial(sample, protocol, "case_report")
    assert session(sample, protocol).tool.id == "jbi_case_report"
    with pytest.raises(UsageError, match="not a result"):
        session(sample, protocol, result="x")
    with pytest.raises(UsageError, match="not an included study"):
        RobSession(sample, protocol, "ann", "doi:nowhere", included=INCLUDED)


def test_rob2_assesses_a_result(sample: Store, protocol: Protocol) -> None:
    result = make_trial(sample, protocol)
    with pytest.raises(UsageError, match="judges each result"):
        session(sample, protocol)
    s = session(sample, protocol, result=result)
    assert s.tool.id == "rob2" and s.result is not None and s.target == (TRIAL, result, "rob2")


def test_an_answer_is_checked_then_stored_once(sample: Store, protocol: Protocol) -> None:
    s = session(sample, protocol, result=make_trial(sample, protocol))
    before = len(sample.rob.events())
    with pytest.raises(InvalidAnswer, match=r"item 1\.1"):
        s.answer("1.1", "Maybe")
    with pytest.raises(InvalidAnswer, match="no item"):
        s.answer("9.1", "Y")
    assert len(sample.rob.events()) == before
    assert s.answer("1.1", "Probably yes", "Methods, p. 3: sealed envelopes")
    assert not s.answer("1.1", "PY")  # the same answer, support kept
    assert s.answer("1.1", "PY", "")  # support cleared
    assert s.answer("1.1", None)  # cleared
    assert not s.answer("1.1", None)
    assert len(sample.rob.events()) == before + 3
    assert s.status is Status.NOT_STARTED  # a cleared answer is no start
    s.answer("1.1", "Y", "p. 3")
    reopened = session(Store.open(sample.path), protocol, result=s.result_id)
    assert reopened.assessment.answers["1.1"].value == "Y"
    assert reopened.assessment.answers["1.1"].support == "p. 3"


def test_an_override_needs_a_justification(sample: Store, protocol: Protocol) -> None:
    s = session(sample, protocol, result=make_trial(sample, protocol))
    with pytest.raises(UsageError, match="no suggestion"):
        s.confirm("D1")
    for item, value in (("1.1", "Y"), ("1.2", "Y"), ("1.3", "N")):
        s.answer(item, value)
    assert s.suggested("D1") == "Low"
    before = len(sample.rob.events())
    with pytest.raises(InvalidJudgement, match="departs from the suggested Low"):
        s.decide("D1", "High")
    with pytest.raises(InvalidJudgement, match="not on the scale"):
        s.decide("D1", "Serious", "wrong scale")
    assert len(sample.rob.events()) == before
    assert s.decide("D1", "high", "allocation sequence was predictable", direction="Unpredictable")
    decision = s.assessment.decisions["D1"]
    assert (decision.final, decision.justification) == (
        "High",
        "allocation sequence was predictable",
    )
    assert not s.decide(
        "D1", "High", "allocation sequence was predictable", direction="Unpredictable"
    )
    assert s.confirm("D1") and s.assessment.final("D1") == "Low"
    s.answer("1.2", "N")  # the suggestion moves: the confirmed Low now departs from it
    assert s.suggested("D1") == "High"
    assert "D1: Low departs from the suggested High unjustified" in s.problems()


def test_conditional_questions_appear_and_disappear(sample: Store, protocol: Protocol) -> None:
    s = session(sample, protocol, "ann", SINGLE_ARM)
    assert [q.item for q in s.questions("D1")] == ["1.1"]
    s.answer("1.1", "Y")
    assert [q.item for q in s.questions("D1")] == ["1.1", "1.2"]
    s.answer("1.2", "N")
    assert [q.item for q in s.questions("D1")] == ["1.1", "1.2", "1.4", "1.6"]
    s.answer("1.4", "PY")
    s.answer("1.1", "N")  # confounding cannot matter: the follow-ups go, their answers stay
    assert [q.item for q in s.questions("D1")] == ["1.1"]
    assert s.assessment.answers["1.4"].value == "PY"
    s.answer("1.1", "Y")
    assert "1.5" in [q.item for q in s.questions("D1")]


def test_the_variant_swaps_domain_2_and_keeps_the_other_answers(
    sample: Store, protocol: Protocol
) -> None:
    s = session(sample, protocol, result=make_trial(sample, protocol))
    assert s.assessment.variant == "assignment"
    s.answer("2.3", "Y")  # 'assignment' 2.3: deviations from usual practice
    assert s.set_variant("adhering")
    assert not s.set_variant("adhering")
    assert "2.3" not in s.assessment.answers  # another question under adhering
    s.answer("2.3", "N")
    s.set_variant("assignment")
    assert s.assessment.answers["2.3"].value == "Y"
    with pytest.raises(InvalidAnswer, match="no variant"):
        s.set_variant("per protocol")


def test_status_runs_from_not_started_to_complete(sample: Store, protocol: Protocol) -> None:
    make_trial(sample, protocol, "case_report")
    s = session(sample, protocol)
    assert s.status is Status.NOT_STARTED
    s.answer("1", "Y")
    assert s.status is Status.IN_PROGRESS
    assert f"{OVERALL}: no judgement yet" in s.problems()
    fill(s)
    assert s.problems() == [] and s.status is Status.COMPLETE
    with pytest.raises(InvalidJudgement, match="no domain judgements"):
        s.decide("D1", "Include")


def test_dual_assessment_blind_differences_and_consensus(sample: Store, protocol: Protocol) -> None:
    two = dual(protocol)
    result = make_trial(sample, protocol)
    ann = session(sample, two, "ann", result=result)
    bob = session(sample, two, "bob", result=result)
    for s, answers in ((ann, ("Y", "Y", "N")), (bob, ("Y", "N", "N"))):
        for item, value in zip(("1.1", "1.2", "1.3"), answers, strict=True):
            s.answer(item, value)
        s.confirm("D1")
    ann = session(sample, two, "ann", result=result)  # reopened: sees both
    assert ann.blind and ann.others() == {}
    assert ann.assessment.final("D1") == "Low"
    found = [(d.domain, d.item, d.first, d.second) for d in ann.differences()]
    assert found == [("D1", "1.2", "Y", "N"), ("D1", None, "Low", "High")]
    open_pair = session(sample, dual(protocol, blind=False), "ann", result=result)
    assert set(open_pair.others()) == {"bob"}
    assert open_pair.final.final("D1") is None  # they differ and nothing is agreed
    ann.decide("D1", "Some concerns", "1.2 unclear in the report; agreed at consensus", agreed=True)
    assert ann.consensus.final("D1") == "Some concerns"
    assert ann.final.final("D1") == "Some concerns"
    assert ann.assessment.final("D1") == "Low"  # her own entry is kept
    assert session(sample, two, "carol", result=result).differences() == ann.differences()


def test_the_list_shows_every_included_study_with_tool_and_status(
    sample: Store, protocol: Protocol
) -> None:
    items = overview(sample, protocol)
    by_study = {i.study.key: i for i in items}
    assert set(by_study) == set(INCLUDED)
    assert by_study[COHORT].status is Status.IN_PROGRESS
    assert by_study[COHORT].statuses == {SHARED: Status.IN_PROGRESS}
    assert by_study[SINGLE_ARM].status is Status.NOT_STARTED
    assert by_study[TRIAL].tool is None and "no study design" in (by_study[TRIAL].problem or "")
    result = make_trial(sample, protocol)
    rows = [i for i in overview(sample, protocol) if i.study.key == TRIAL]
    assert [(i.tool and i.tool.id, i.result and i.result.id) for i in rows] == [("rob2", result)]
    s = session(sample, dual(protocol), "ann", result=result)
    fill(s)
    [row] = [i for i in overview(sample, dual(protocol)) if i.study.key == TRIAL]
    assert row.statuses == {"ann": Status.COMPLETE}
    assert row.status is Status.IN_PROGRESS  # the second assessor has not started
    assert AGREED not in row.statuses
