"""RoB 2 for crossover trials: domain S (period and carryover), domain 5 with
5.4, every path of both, and the tool chosen by the protocol's design map.

Sources: Higgins, Li, Sterne, RoB 2 additional considerations for crossover
trials (riskofbias.info, 2021) for the domain's place and scope; its
algorithm figure was not at hand, so the rule is `derived` (see
review/rob/rob2_crossover.py) from the concerns the Cochrane Handbook names:
v6 chapter 23 section 23.2 (carry-over, period effects) and v5.1 section
16.4.3 (ii) carry-over biases the within-participant estimate, (iii) first-period
data chosen on a test of carry-over are biased. The tables below are that
derivation, written out row by row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from review.extraction.session import ExtractionSession
from review.review_file import review_protocol
from review.rob import Judgement, applicable_questions, suggest
from review.rob.engine import effective_answers
from review.rob.rob2 import ROB2
from review.rob.rob2_crossover import ROB2_CROSSOVER
from review.sample import INCLUDED, build_sample
from tests.conftest import fixed_clock
from tests.rob_helpers import judge, paths
from tests.rob_session_helpers import TRIAL, session

L, S, H = Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH
YES, NO, NI = {"Y", "PY"}, {"N", "PN"}, {"NI"}

# Domain S: carryover (S.3) first; then period effects, balanced by equal
# sequences (S.1) or allowed for in the analysis (S.2, asked only when S.1
# is not yes).
DS_ROWS = [
    ("S.1=Y S.3=Y", L),
    ("S.1=PY S.3=PY", L),
    ("S.1=N S.2=Y S.3=Y", L),  # unequal sequences, period in the model
    ("S.1=NI S.2=PY S.3=PY", L),
    ("S.1=N S.2=N S.3=Y", S),  # period effects left in
    ("S.1=PN S.2=NI S.3=PY", S),
    ("S.1=NI S.2=NI S.3=Y", S),
    ("S.1=Y S.3=NI", S),  # nothing said of washout or carryover
    ("S.1=N S.2=Y S.3=NI", S),
    ("S.1=Y S.3=N", H),  # carryover not ruled out
    ("S.1=Y S.3=PN", H),
    ("S.1=N S.2=N S.3=N", H),
    ("S.1=NI S.2=Y S.3=PN", H),
]

# Domain 5 with 5.4 (first period only, because of a carryover test).
D5_ROWS = [
    ("5.1=Y 5.2=N 5.3=N 5.4=N", L),
    ("5.1=PY 5.2=PN 5.3=PN 5.4=PN", L),
    ("5.1=Y 5.2=N 5.3=N 5.4=NI", S),
    ("5.1=N 5.2=N 5.3=N 5.4=N", S),
    ("5.1=Y 5.2=NI 5.3=N 5.4=N", S),
    ("5.1=Y 5.2=N 5.3=N 5.4=Y", H),
    ("5.1=Y 5.2=N 5.3=N 5.4=PY", H),
    ("5.1=NI 5.2=NI 5.3=NI 5.4=PY", H),
    ("5.1=Y 5.2=Y 5.3=N 5.4=N", H),
]


@pytest.mark.parametrize(("row", "expected"), DS_ROWS)
def test_domain_s(row: str, expected: Judgement) -> None:
    assert judge(ROB2_CROSSOVER, "DS", row) == expected


@pytest.mark.parametrize(("row", "expected"), D5_ROWS)
def test_domain_5_with_first_period_question(row: str, expected: Judgement) -> None:
    assert judge(ROB2_CROSSOVER, "D5", row) == expected


def _criteria_s(a: dict[str, str]) -> Judgement:
    """The derivation in words: carryover not ruled out → high; no word on it,
    or period effects neither balanced nor modelled → some concerns; else low."""
    if a["S.3"] in NO:
        return H
    period_handled = a["S.1"] in YES or a.get("S.2") in YES
    return L if a["S.3"] in YES and period_handled else S


def _criteria_5(a: dict[str, str]) -> Judgement:
    selected = [a[i] for i in ("5.2", "5.3", "5.4")]
    if any(v in YES for v in selected):
        return H
    return L if a["5.1"] in YES and all(v in NO for v in selected) else S


@pytest.mark.parametrize(
    ("domain", "criteria", "count"),
    [
        ("DS", _criteria_s, (2 + 3 * 5) * 5),  # S.2 asked after S.1 N/PN/NI
        ("D5", _criteria_5, 5**4),
    ],
)
def test_every_path_matches_the_derivation(domain: str, criteria, count: int) -> None:  # type: ignore[no-untyped-def]
    d = ROB2_CROSSOVER.domain(domain)
    seen = 0
    for a in paths(ROB2_CROSSOVER, d):
        assert suggest(ROB2_CROSSOVER, d, a) == criteria(effective_answers(d, a)), a
        seen += 1
    assert seen == count
    assert {suggest(ROB2_CROSSOVER, d, a) for a in paths(ROB2_CROSSOVER, d)} == {L, S, H}


def test_s2_appears_only_when_sequences_are_not_balanced() -> None:
    asked = lambda a: [q.item for q in applicable_questions(ROB2_CROSSOVER, "DS", a)]  # noqa: E731
    assert asked({}) == ["S.1", "S.3"]
    assert asked({"S.1": "PY"}) == ["S.1", "S.3"]
    assert asked({"S.1": "NI"}) == ["S.1", "S.2", "S.3"]
    # S.1 back to yes: a stale "N" to S.2 is read as NA and cannot lower the judgement.
    assert suggest(ROB2_CROSSOVER, "DS", {"S.1": "Y", "S.2": "N", "S.3": "Y"}) == L


def test_domains_in_the_crossover_template_order_and_shared_rules() -> None:
    assert [d.id for d in ROB2_CROSSOVER.bias_domains()] == ["D1", "DS", "D2", "D3", "D4", "D5"]
    assert [d.id for d in ROB2_CROSSOVER.bias_domains("adhering")][1] == "DS"
    assert ROB2_CROSSOVER.domain("DS").rule_kind == "derived"
    # Domains 1–4 judge as RoB 2 does (domain 1 reworded for sequences).
    for row in ("1.1=Y 1.2=Y 1.3=N", "1.1=Y 1.2=NI 1.3=Y", "1.1=N 1.2=Y 1.3=N"):
        assert judge(ROB2_CROSSOVER, "D1", row) == judge(ROB2, "D1", row)
    assert "sequence" in ROB2_CROSSOVER.domain("D1").questions[0].text
    assert ROB2_CROSSOVER.domain("D3") is ROB2.domain("D3")


def test_the_protocol_design_map_picks_the_crossover_tool(tmp_path: Path) -> None:
    with build_sample(tmp_path / "s.db", now=fixed_clock) as store:
        protocol = review_protocol(store)
        tools = {**protocol.risk_of_bias.tools, "rct": "rob2_crossover"}
        rob = protocol.risk_of_bias.model_copy(update={"tools": tools})
        protocol = protocol.model_copy(update={"risk_of_bias": rob})
        form = ExtractionSession(store, protocol, "kim", TRIAL, included=INCLUDED)
        form.set_value("study.study_design", "", "rct")
        result = form.add_row("results.result", "Pain · 4 weeks · A vs B")
        s = session(store, protocol, result=result)
        assert s.tool.id == "rob2_crossover"
        assert [d.id for d in s.assessment.domains][:2] == ["D1", "DS"]
        s.answer("S.1", "Y", "Table 1")
        s.answer("S.3", "N", "no washout, p. 4")
        assert s.suggested("DS") == H
