"""JBI case report and case series checklists: items, and the reviewer's overall appraisal.

JBI (Moola et al. 2020, JBI Manual chapter 7; Munn et al. JBI Evid Synth
2020;18(10):2127–2133) gives no algorithm from items to the overall
appraisal, so none is suggested; the count of "yes" is a hint only.
"""

from __future__ import annotations

import pytest

from review.rob import OVERALL, Assessment, InvalidAnswer, InvalidJudgement, Judgement, overall
from review.rob.jbi import JBI_CASE_REPORT, JBI_CASE_SERIES, yes_count


def test_items() -> None:
    assert [q.item for q in JBI_CASE_REPORT.domains[0].questions] == [str(i) for i in range(1, 9)]
    assert len(JBI_CASE_SERIES.domains[0].questions) == 10


def test_no_suggested_overall_and_yes_count_is_a_hint() -> None:
    a = Assessment(JBI_CASE_REPORT)
    for item, value in zip("12345678", ["Y", "Y", "Y", "N", "U", "Y", "NA", "Y"], strict=True):
        a = a.answer(item, value)
    assert yes_count(JBI_CASE_REPORT, a.values()) == (5, 7)
    assert overall(JBI_CASE_REPORT, {}) is None
    assert a.suggested(OVERALL) is None
    assert a.problems() == [f"{OVERALL}: no judgement yet"]
    a = a.decide(OVERALL, Judgement.SEEK_INFO)  # any appraisal, no justification required
    assert a.is_complete


def test_refusals() -> None:
    a = Assessment(JBI_CASE_REPORT)
    with pytest.raises(InvalidAnswer, match="no item '9'"):
        a.answer("9", "Y")
    with pytest.raises(InvalidAnswer, match="item 2: 'PY'"):
        a.answer("2", "PY")
    with pytest.raises(InvalidJudgement, match="no domain judgement"):
        a.decide("D1", Judgement.LOW)
    with pytest.raises(InvalidJudgement, match="not on the scale"):
        a.decide(OVERALL, Judgement.LOW)
