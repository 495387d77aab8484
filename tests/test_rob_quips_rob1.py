"""QUIPS (prognostic factor studies) and RoB 1 (older Cochrane reviews).

QUIPS: Hayden et al. Ann Intern Med 2013;158:280–286 (six domains rated low /
moderate / high from prompting items; no item rule, so the suggestion is
derived as QUADAS-2's). RoB 1: Cochrane Handbook v5.1 chapter 8 (seven domains
judged directly; section 8.7, Table 8.7.a, the summary within a study: low if
all key domains are low, high if one or more is high, otherwise unclear).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from review.review_file import review_protocol
from review.rob import OVERALL, Judgement, overall, suggest
from review.rob.quips import QUIPS
from review.rob.rob1 import ROB1
from review.sample import build_sample
from tests.conftest import fixed_clock
from tests.rob_helpers import judge
from tests.rob_session_helpers import COHORT, session

L, M, H, U = Judgement.LOW, Judgement.MODERATE, Judgement.HIGH, Judgement.UNCLEAR


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("4.1=Y 4.2=Y 4.3=Y", L),
        ("4.1=Y 4.2=P 4.3=Y", M),  # partly met
        ("4.1=U 4.2=Y 4.3=Y", M),  # unsure
        ("4.1=Y 4.2=N 4.3=Y", H),
        ("4.1=N 4.2=P 4.3=U", H),
    ],
)
def test_quips_domain_rule(row: str, expected: Judgement) -> None:
    assert judge(QUIPS, "D4", row) == expected


def test_quips_every_answer_set_of_a_domain() -> None:
    d = QUIPS.domain("D4")
    for values in itertools.product("YPNU", repeat=3):
        a = dict(zip(("4.1", "4.2", "4.3"), values, strict=True))
        expected = H if "N" in values else L if set(values) == {"Y"} else M
        assert suggest(QUIPS, d, a) == expected, a


def test_quips_has_six_domains_and_an_overall_suggestion() -> None:
    assert [d.full_name for d in QUIPS.bias_domains()][::5] == [
        "Study participation",
        "Statistical analysis and reporting",
    ]
    judged = {f"D{n}": L for n in range(1, 7)}
    assert overall(QUIPS, judged) == L
    assert overall(QUIPS, {**judged, "D3": M}) == M
    assert overall(QUIPS, {**judged, "D3": M, "D5": H}) == H
    assert overall(QUIPS, {"D1": L}) is None  # not all domains judged yet


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        ((L,) * 7, L),
        ((L, U, L, L, L, L, L), U),  # unclear for one (key) domain
        ((L, U, H, L, L, L, U), H),  # high for one or more
    ],
)
def test_rob1_summary_within_a_study(
    judgements: tuple[Judgement, ...], expected: Judgement
) -> None:
    # Cochrane Handbook v5.1, section 8.7, Table 8.7.a.
    judged = {f"D{n}": j for n, j in enumerate(judgements, 1)}
    assert overall(ROB1, judged) == expected


def test_rob1_domains_are_judged_directly() -> None:
    assert len(ROB1.bias_domains()) == 7
    assert all(d.questions == () and d.rule_kind == "reviewer" for d in ROB1.domains)
    assert suggest(ROB1, "D1", {}) is None
    assert ROB1.overall_rule is not None and "key" in ROB1.overall_note


def test_rob1_assessed_through_the_design_map_with_support_as_justification(
    tmp_path: Path,
) -> None:
    with build_sample(tmp_path / "s.db", now=fixed_clock) as store:
        protocol = review_protocol(store)
        tools = {**protocol.risk_of_bias.tools, "cohort": "rob1"}
        rob = protocol.risk_of_bias.model_copy(update={"tools": tools})
        s = session(store, protocol.model_copy(update={"risk_of_bias": rob}), "ann", COHORT)
        assert s.tool.id == "rob1"
        for n in range(1, 8):
            s.decide(f"D{n}", "Low", "computer-generated list, p. 3" if n == 1 else "")
        assert s.suggested(OVERALL) == L
        s.decide("D2", "Unclear", "method of concealment not reported")
        assert s.suggested(OVERALL) == U
        assert s.assessment.decisions["D1"].justification == "computer-generated list, p. 3"
