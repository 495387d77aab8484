"""QUADAS-2: domain rules (all yes → low, any no → high, else unclear), applicability, overall.

Whiting PF et al. Ann Intern Med 2011;155(8):529–536: its text on judging risk of bias ("all
signalling questions yes → low; any no flags potential for bias"; unclear
only for insufficient data) and on the overall judgement.
"""

from __future__ import annotations

import pytest

from review.rob import Assessment, Judgement, overall, suggest
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY
from review.rob.quadas2 import QUADAS2
from tests.rob_helpers import judge

L, H, U = Judgement.LOW, Judgement.HIGH, Judgement.UNCLEAR


@pytest.mark.parametrize(
    ("domain", "row", "expected"),
    [
        ("D1", "1.1=Y 1.2=Y 1.3=Y", L),
        ("D1", "1.1=Y 1.2=N 1.3=Y", H),
        ("D1", "1.1=U 1.2=Y 1.3=Y", U),
        ("D1", "1.1=U 1.2=N 1.3=U", H),  # a no outweighs unclear
        ("D1", "1.1=U 1.2=U 1.3=U", U),
        ("D2", "2.1=Y 2.2=Y", L),
        ("D2", "2.1=Y 2.2=U", U),
        ("D3", "3.1=N 3.2=Y", H),
        ("D4", "4.1=Y 4.2=Y 4.3=Y 4.4=Y", L),
        ("D4", "4.1=Y 4.2=Y 4.3=N 4.4=Y", H),
        ("D4", "4.1=Y 4.2=U 4.3=Y 4.4=Y", U),
        ("D4", "4.1=Y 4.2=Y 4.3=Y", None),  # incomplete
    ],
)
def test_domain_rule(domain: str, row: str, expected: Judgement | None) -> None:
    assert judge(QUADAS2, domain, row) == expected


def test_applicability_is_judged_by_the_reviewer() -> None:
    assert suggest(QUADAS2, "A1", {}) is None
    assert [d.id for d in QUADAS2.bias_domains()] == ["D1", "D2", "D3", "D4"]


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [((L, L, L, L), L), ((L, U, L, L), U), ((L, U, H, L), H), ((H, H, H, H), H)],
)
def test_overall(judgements: tuple[Judgement, ...], expected: Judgement) -> None:
    by_domain = {f"D{i}": j for i, j in enumerate(judgements, 1)}
    assert overall(QUADAS2, by_domain) == expected
    applicability = {f"A{i}": j for i, j in enumerate(judgements[:3], 1)}
    assert overall(QUADAS2, applicability, kind="applicability") == overall(
        QUADAS2, {f"D{i}": j for i, j in enumerate((*judgements[:3], L), 1)}
    )


def test_assessment_needs_both_overall_judgements() -> None:
    a = Assessment(QUADAS2)
    for item in ("1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "4.4"):
        a = a.answer(item, "Y")
    for d in ("D1", "D2", "D3", "D4"):
        a = a.decide(d, L)
    for d in ("A1", "A2", "A3"):
        a = a.decide(d, H)  # no suggestion: no justification needed
    assert a.suggested(OVERALL) == L
    assert a.suggested(OVERALL_APPLICABILITY) == H
    a = a.decide(OVERALL, L)
    assert a.problems() == [f"{OVERALL_APPLICABILITY}: no judgement yet"]
    a = a.decide(OVERALL_APPLICABILITY, H)
    assert a.is_complete
