"""ROBINS-I: the domain mappings and the overall rule.

Sources: Sterne JAC et al. BMJ 2016;355:i4919 (criteria for each domain
judgement; interpretation of the overall judgement); the detailed guidance of 12 October
2016 (riskofbias.info), which gives the one published shortcut (1.1 N/PN →
low, domain 1). Other mappings are derived from the criteria (see
review/rob/robins_i.py); these tables pin down how, including the NI rule:
NI on whether a problem exists → No information; NI on whether an
established problem was dealt with → not dealt with.
"""

from __future__ import annotations

import pytest

from review.rob import Judgement, applicable_questions, overall, suggest
from review.rob.robins_i import ROBINS_I
from tests.rob_helpers import judge, paths

L, M, S = Judgement.LOW, Judgement.MODERATE, Judgement.SERIOUS
C, NI = Judgement.CRITICAL, Judgement.NO_INFORMATION

ROWS = [
    # D1 confounding
    ("D1", None, "1.1=N", L),  # published shortcut
    ("D1", None, "1.1=PN", L),
    ("D1", None, "1.1=Y 1.2=N 1.4=Y 1.5=Y 1.6=N", M),
    ("D1", None, "1.1=Y 1.2=NI 1.4=PY 1.5=PY 1.6=PN", M),
    ("D1", None, "1.1=Y 1.2=N 1.4=N 1.6=N", S),
    ("D1", None, "1.1=Y 1.2=N 1.4=Y 1.5=N 1.6=N", S),
    ("D1", None, "1.1=Y 1.2=N 1.4=Y 1.5=Y 1.6=Y", S),  # post-intervention variables
    ("D1", None, "1.1=Y 1.2=N 1.4=NI 1.6=N", NI),
    ("D1", None, "1.1=Y 1.2=N 1.4=Y 1.5=NI 1.6=N", NI),
    ("D1", None, "1.1=Y 1.2=N 1.4=NI 1.6=Y", S),  # a serious finding outweighs NI
    ("D1", None, "1.1=Y 1.2=Y 1.3=N 1.4=Y 1.5=Y 1.6=N", M),
    ("D1", None, "1.1=Y 1.2=Y 1.3=Y 1.7=Y 1.8=Y", M),  # time-varying confounding handled
    ("D1", None, "1.1=Y 1.2=Y 1.3=NI 1.7=PY 1.8=PY", M),
    ("D1", None, "1.1=Y 1.2=Y 1.3=Y 1.7=N", S),
    ("D1", None, "1.1=Y 1.2=Y 1.3=Y 1.7=Y 1.8=PN", S),
    ("D1", None, "1.1=Y 1.2=Y 1.3=Y 1.7=NI", NI),
    # D2 selection of participants
    ("D2", None, "2.1=N 2.4=Y", L),
    ("D2", None, "2.1=Y 2.2=N 2.4=Y", L),
    ("D2", None, "2.1=Y 2.2=Y 2.3=N 2.4=PY", L),
    ("D2", None, "2.1=Y 2.2=Y 2.3=Y 2.4=Y 2.5=Y", M),
    ("D2", None, "2.1=N 2.4=N 2.5=PY", M),
    ("D2", None, "2.1=Y 2.2=Y 2.3=Y 2.4=Y 2.5=N", S),
    ("D2", None, "2.1=N 2.4=PN 2.5=NI", S),  # established problem, adjustment unknown
    ("D2", None, "2.1=NI 2.4=Y", NI),
    ("D2", None, "2.1=Y 2.2=NI 2.4=Y", NI),
    ("D2", None, "2.1=N 2.4=NI", NI),
    # D3 classification of interventions
    ("D3", None, "3.1=Y 3.2=Y 3.3=N", L),
    ("D3", None, "3.1=Y 3.2=N 3.3=N", M),
    ("D3", None, "3.1=N 3.2=Y 3.3=N", S),
    ("D3", None, "3.1=Y 3.2=Y 3.3=PY", S),
    ("D3", None, "3.1=NI 3.2=Y 3.3=N", NI),
    ("D3", None, "3.1=Y 3.2=NI 3.3=N", NI),
    ("D3", None, "3.1=PY 3.2=NI 3.3=Y", S),
    # D4 deviations, effect of assignment
    ("D4", "assignment", "4.1=N", L),
    ("D4", "assignment", "4.1=Y 4.2=N", M),
    ("D4", "assignment", "4.1=Y 4.2=Y", S),
    ("D4", "assignment", "4.1=PY 4.2=NI", S),
    ("D4", "assignment", "4.1=NI", NI),
    # D4 deviations, effect of starting and adhering
    ("D4", "adhering", "4.3=Y 4.4=Y 4.5=PY", L),
    ("D4", "adhering", "4.3=N 4.4=Y 4.5=Y 4.6=Y", M),
    ("D4", "adhering", "4.3=Y 4.4=PN 4.5=Y 4.6=N", S),
    ("D4", "adhering", "4.3=Y 4.4=Y 4.5=N 4.6=NI", S),
    ("D4", "adhering", "4.3=NI 4.4=Y 4.5=Y", NI),
    ("D4", "adhering", "4.3=NI 4.4=N 4.5=Y 4.6=Y", M),
    # D5 missing data
    ("D5", None, "5.1=Y 5.2=N 5.3=N", L),
    ("D5", None, "5.1=N 5.2=N 5.3=N 5.4=Y 5.5=N", L),
    ("D5", None, "5.1=Y 5.2=Y 5.3=N 5.4=N 5.5=Y", L),
    ("D5", None, "5.1=N 5.2=N 5.3=N 5.4=N 5.5=N", S),  # moderate vs serious: the worse
    ("D5", None, "5.1=Y 5.2=N 5.3=PY 5.4=NI 5.5=NI", S),
    ("D5", None, "5.1=NI 5.2=N 5.3=N", NI),
    ("D5", None, "5.1=Y 5.2=NI 5.3=N", NI),
    # D6 measurement of outcomes
    ("D6", None, "6.1=N 6.2=Y 6.3=Y 6.4=N", L),  # objective outcome
    ("D6", None, "6.1=Y 6.2=N 6.3=Y 6.4=N", L),  # blinded assessors
    ("D6", None, "6.1=Y 6.2=Y 6.3=Y 6.4=N", S),
    ("D6", None, "6.1=N 6.2=N 6.3=N 6.4=N", S),
    ("D6", None, "6.1=N 6.2=N 6.3=Y 6.4=PY", S),
    ("D6", None, "6.1=Y 6.2=NI 6.3=Y 6.4=N", NI),
    ("D6", None, "6.1=N 6.2=N 6.3=NI 6.4=N", NI),
    # D7 selection of the reported result
    ("D7", None, "7.1=N 7.2=N 7.3=N", L),  # firm "no" to all three: clear evidence
    ("D7", None, "7.1=PN 7.2=N 7.3=N", M),  # "no indication" only
    ("D7", None, "7.1=N 7.2=Y 7.3=N", S),
    ("D7", None, "7.1=NI 7.2=PY 7.3=N", S),
    ("D7", None, "7.1=NI 7.2=N 7.3=N", NI),
]


@pytest.mark.parametrize(("domain", "variant", "row", "expected"), ROWS)
def test_domain_mapping(domain: str, variant: str | None, row: str, expected: Judgement) -> None:
    assert judge(ROBINS_I, domain, row, variant) == expected


def test_every_path_gets_a_judgement_and_never_critical() -> None:
    """Critical needs facts the questions do not ask; the reviewer raises to it."""
    for variant in ("assignment", "adhering"):
        for d in ROBINS_I.domains_for(variant):
            found = {suggest(ROBINS_I, d, a) for a in paths(ROBINS_I, d)}
            assert None not in found and C not in found, d.full_name
            assert L in found and S in found, d.full_name


def test_confounding_branches_between_time_fixed_and_time_varying() -> None:
    asked = lambda a: [q.item for q in applicable_questions(ROBINS_I, "D1", a)]  # noqa: E731
    assert asked({"1.1": "N"}) == ["1.1"]
    assert asked({"1.1": "Y", "1.2": "N"}) == ["1.1", "1.2", "1.4", "1.6"]
    assert asked({"1.1": "Y", "1.2": "N", "1.4": "Y"}) == ["1.1", "1.2", "1.4", "1.5", "1.6"]
    assert asked({"1.1": "Y", "1.2": "Y", "1.3": "Y"}) == ["1.1", "1.2", "1.3", "1.7"]


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        ((L,) * 7, L),
        ((L, M, L, L, L, L, L), M),
        ((M,) * 7, M),
        ((L, S, M, L, L, L, L), S),
        ((S, S, S, S, S, S, S), S),  # the reviewer may judge several serious as critical
        ((C, S, L, L, L, L, L), C),
        ((L, NI, L, L, L, L, L), NI),
        ((M, NI, M, L, L, L, L), NI),
        ((S, NI, L, L, L, L, L), S),  # NI gives way to serious and critical
        ((C, NI, L, L, L, L, L), C),
        ((NI,) * 7, NI),
    ],
)
def test_overall_rule(judgements: tuple[Judgement, ...], expected: Judgement) -> None:
    # Sterne 2016, overall judgements.
    by_domain = {f"D{i}": j for i, j in enumerate(judgements, 1)}
    assert overall(ROBINS_I, by_domain) == expected


def test_robvis_columns() -> None:
    assert [d.id for d in ROBINS_I.bias_domains()] == [f"D{i}" for i in range(1, 8)]


# Checked (December 2026) against the criteria for domains 1–3 of Sterne et
# al. BMJ 2016 (table of criteria for risk-of-bias judgements), as reproduced
# in Cochrane Database Syst Rev 2019, CD013253 ("Risk of bias judgements in
# ROBINS-I: pre-intervention and at-intervention domains"). One row per clause.
PUBLISHED_CLAUSES = [
    ("D1 low: no confounding expected", "D1", "1.1=N", L),
    (
        "D1 moderate: confounding expected, important domains controlled and measured validly",
        "D1",
        "1.1=Y 1.2=N 1.4=Y 1.5=Y 1.6=N",
        M,
    ),
    ("D2 low: all eligible included, follow-up starts with intervention", "D2", "2.1=N 2.4=Y", L),
    (
        "D2 moderate: selection related to intervention and outcome, but adjusted for",
        "D2",
        "2.1=Y 2.2=Y 2.3=Y 2.4=Y 2.5=Y",
        M,
    ),
    ("D2 moderate: follow-up and intervention start apart, adjusted", "D2", "2.1=N 2.4=N 2.5=Y", M),
    ("D3 low: well defined, recorded at intervention", "D3", "3.1=Y 3.2=Y 3.3=N", L),
    ("D3 moderate: well defined, some aspects retrospective", "D3", "3.1=Y 3.2=N 3.3=N", M),
]


@pytest.mark.parametrize(("clause", "domain", "row", "expected"), PUBLISHED_CLAUSES)
def test_domains_1_to_3_follow_each_published_criterion(
    clause: str, domain: str, row: str, expected: Judgement
) -> None:
    assert judge(ROBINS_I, domain, row) == expected, clause
