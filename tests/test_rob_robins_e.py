"""ROBINS-E: the seven domains' derived rules path by path, the graded noes,
Very high, the overall rule, robvis's ROBINS-E words, and the tool chosen for
exposure studies by the protocol's design map.

Source: Higgins JPT, Morgan RL, Rooney AA, et al. ROBINS-E. Environment
International 2024;186:108602 (domains, order, scale Low / Some concerns /
High / Very high). The tool's algorithm figures were not at hand: every rule
is `derived` (review/rob/robins_e.py says how), and these tables write that
derivation out so a change to it is a visible decision.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from review.review_file import review_protocol
from review.rob import InvalidAnswer, Judgement, applicable_questions, parse_answer, suggest
from review.rob.engine import effective_answers
from review.rob.robins_e import ROBINS_E, overall_rule
from review.sample import build_sample
from tests.conftest import FIXTURES, fixed_clock
from tests.rob_helpers import judge, paths
from tests.rob_session_helpers import COHORT, session

L, S, H, VH = (
    Judgement.LOW,
    Judgement.SOME_CONCERNS,
    Judgement.HIGH,
    Judgement.VERY_HIGH,
)
YES, NO, NI = {"Y", "PY"}, {"N", "PN"}, {"NI"}

ROWS = {
    "D1": [
        ("1.1=Y 1.2=Y 1.3=N 1.4=N", L),
        ("1.1=PY 1.2=PY 1.3=NI 1.4=PN", L),  # NI on over-adjustment: not shown
        ("1.1=WN 1.2=Y 1.3=N 1.4=N", S),  # most confounders controlled
        ("1.1=Y 1.2=WN 1.3=PN 1.4=NI", S),
        ("1.1=Y 1.2=Y 1.3=N 1.4=Y", S),  # negative controls raise low
        ("1.1=WN 1.2=WN 1.3=N 1.4=PY", S),
        ("1.1=SN 1.4=N", H),  # an important confounder left out
        ("1.1=NI 1.4=NI", H),
        ("1.1=Y 1.2=SN 1.3=N 1.4=N", H),
        ("1.1=Y 1.2=Y 1.3=Y 1.4=N", H),  # adjusted for a consequence of exposure
        ("1.1=SN 1.4=Y", VH),
        ("1.1=WN 1.2=NI 1.3=N 1.4=PY", VH),
        ("1.1=Y 1.2=Y 1.3=PY 1.4=Y", VH),
    ],
    "D2": [
        ("2.1=Y 2.2=N 2.3=N", L),
        ("2.1=WN 2.2=N 2.3=N", S),
        ("2.1=NI 2.2=PN 2.3=PN", S),
        ("2.1=Y 2.2=NI 2.3=N", S),
        ("2.1=Y 2.2=N 2.3=Y", S),  # non-differential error left uncorrected
        ("2.1=SN 2.2=N 2.3=N", H),
        ("2.1=Y 2.2=PY 2.3=N", H),
        ("2.1=SN 2.2=Y 2.3=Y", VH),
    ],
    "D3": [
        ("3.1=N 3.3=Y", L),
        ("3.1=Y 3.2=N 3.3=PY", L),
        ("3.1=NI 3.3=Y", S),
        ("3.1=Y 3.2=NI 3.3=Y", S),
        ("3.1=N 3.3=NI", S),
        ("3.1=Y 3.2=Y 3.3=Y 3.4=Y", S),  # corrected
        ("3.1=N 3.3=N 3.4=PY", S),
        ("3.1=Y 3.2=Y 3.3=Y 3.4=N", H),
        ("3.1=N 3.3=PN 3.4=NI", H),  # immortal time, uncorrected
        ("3.1=Y 3.2=PY 3.3=N 3.4=N", VH),
        ("3.1=Y 3.2=Y 3.3=N 3.4=Y", S),
    ],
    "D4": [
        ("4.1=N", L),
        ("4.1=Y 4.2=N", L),
        ("4.1=NI", S),
        ("4.1=Y 4.2=NI 4.3=Y", S),
        ("4.1=Y 4.2=Y 4.3=PY", S),
        ("4.1=Y 4.2=Y 4.3=N", H),
        ("4.1=PY 4.2=NI 4.3=NI", S),
        ("4.1=Y 4.2=PY 4.3=NI", H),
    ],
    "D5": [
        ("5.1=Y", L),
        ("5.1=N 5.2=Y", L),
        ("5.1=NI 5.2=N 5.3=N", L),
        ("5.1=N 5.2=N 5.3=Y 5.4=N", S),
        ("5.1=N 5.2=NI 5.3=NI 5.4=PN", S),
        ("5.1=N 5.2=N 5.3=Y 5.4=Y", H),
        ("5.1=PN 5.2=PN 5.3=PY 5.4=NI", H),
    ],
    "D6": [
        ("6.1=N 6.2=N 6.3=N", L),
        ("6.1=N 6.2=N 6.3=Y 6.4=N", L),
        ("6.1=N 6.2=NI 6.3=N", S),
        ("6.1=N 6.2=N 6.3=Y 6.4=Y 6.5=N", S),
        ("6.1=Y 6.2=N", H),
        ("6.1=N 6.2=PY", H),
        ("6.1=NI 6.2=N 6.3=NI 6.4=NI 6.5=NI", H),
    ],
    "D7": [
        ("7.1=Y 7.2=N 7.3=N 7.4=N", L),
        ("7.1=N 7.2=N 7.3=N 7.4=N", S),
        ("7.1=Y 7.2=N 7.3=N 7.4=NI", S),
        ("7.1=Y 7.2=N 7.3=N 7.4=PY", H),
        ("7.1=NI 7.2=Y 7.3=N 7.4=N", H),
    ],
}


@pytest.mark.parametrize(
    ("domain", "row", "expected"), [(d, r, j) for d, rows in ROWS.items() for r, j in rows]
)
def test_domain_rule(domain: str, row: str, expected: Judgement) -> None:
    assert judge(ROBINS_E, domain, row) == expected


def _worse(a: Judgement, b: Judgement) -> Judgement:
    order = [L, S, H, VH]
    return max(a, b, key=order.index)


# The derivation in words, one function per domain, independent of the code under test.
def _d1(a: dict[str, str]) -> Judgement:
    grades = (a["1.1"], a["1.2"])
    failed = "SN" in grades or "NI" in grades or a["1.3"] in YES
    base = H if failed else S if "WN" in grades else L
    if a["1.4"] in YES:
        return VH if base == H else S
    return base


def _d2(a: dict[str, str]) -> Judgement:
    failures = (a["2.1"] == "SN") + (a["2.2"] in YES)
    if failures:
        return H if failures == 1 else VH
    doubts = a["2.1"] in {"WN", "NI"} or a["2.2"] in NI or a["2.3"] in YES | NI
    return S if doubts else L


def _d3(a: dict[str, str]) -> Judgement:
    failures = (a["3.2"] in YES) + (a["3.3"] in NO)
    if failures and a["3.4"] in YES:
        return S
    if failures:
        return H if failures == 1 else VH
    return S if NI & {a["3.1"], a["3.2"], a["3.3"]} else L


def _d4(a: dict[str, str]) -> Judgement:
    if a["4.1"] in NO or a["4.2"] in NO:
        return L
    established = a["4.1"] in YES and a["4.2"] in YES
    return H if established and a["4.3"] not in YES else S


def _d5(a: dict[str, str]) -> Judgement:
    if a["5.4"] in YES | NI:
        return H
    return S if a["5.4"] in NO else L


def _d6(a: dict[str, str]) -> Judgement:
    if a["6.1"] in YES or a["6.2"] in YES or a["6.5"] in YES | NI:
        return H
    return L if a["6.2"] in NO and (a["6.3"] in NO or a["6.4"] in NO) else S


def _d7(a: dict[str, str]) -> Judgement:
    chosen = {a["7.2"], a["7.3"], a["7.4"]}
    if chosen & YES:
        return H
    return L if chosen <= NO and a["7.1"] in YES else S


CRITERIA: dict[str, Callable[[dict[str, str]], Judgement]] = {
    "D1": _d1,
    "D2": _d2,
    "D3": _d3,
    "D4": _d4,
    "D5": _d5,
    "D6": _d6,
    "D7": _d7,
}


@pytest.mark.parametrize(
    ("domain", "count", "reachable"),
    [
        ("D1", (3 * 25 + 2) * 5, {L, S, H, VH}),
        ("D2", 5**3, {L, S, H, VH}),
        # 3.1 yes → 3.2; 3.4 after 3.2 Y/PY or 3.3 N/PN.
        ("D3", 2 * (2 * 5 * 5 + 3 * (2 * 5 + 3)) + 3 * (2 * 5 + 3), {L, S, H, VH}),
        ("D4", 3 + 2 * (2 + 3 * 5), {L, S, H}),
        ("D5", 2 + 3 * (2 + 3 * (2 + 3 * 5)), {L, S, H}),
        ("D6", 16 + 9 * (2 + 3 * (2 + 3 * 5)), {L, S, H}),
        ("D7", 5**4, {L, S, H}),
    ],
)
def test_every_path_matches_the_derivation(
    domain: str, count: int, reachable: set[Judgement]
) -> None:
    d = ROBINS_E.domain(domain)
    seen, found = 0, set()
    for a in paths(ROBINS_E, d):
        got = suggest(ROBINS_E, d, a)
        assert got == CRITERIA[domain](effective_answers(d, a)), a
        found.add(got)
        seen += 1
    assert seen == count
    assert found == reachable


def test_graded_noes_are_answers_of_their_own() -> None:
    q = ROBINS_E.domain("D1").question("1.1")
    assert q is not None and q.options == ("Y", "PY", "WN", "SN", "NI")
    assert ROBINS_E.answer_labels["WN"] == "Weak no"
    assert parse_answer(ROBINS_E, "1.2", "strong NO") == "SN"  # as a spreadsheet writes it
    with pytest.raises(InvalidAnswer, match=r"item 1\.3"):
        parse_answer(ROBINS_E, "1.3", "WN")  # over-adjustment takes plain Y/PY/PN/N/NI
    asked = [q.item for q in applicable_questions(ROBINS_E, "D1", {"1.1": "SN"})]
    assert asked == ["1.1", "1.4"]  # nothing controlled: validity and over-adjustment NA


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        ((L,) * 7, L),
        ((L, S, L, L, L, L, L), S),
        ((H, S, S, L, L, L, L), H),
        ((H, H, H, L, L, L, L), H),  # several high: high suggested, the reviewer may raise
        ((L, L, L, L, L, L, VH), VH),
    ],
)
def test_overall_rule(judgements: tuple[Judgement, ...], expected: Judgement) -> None:
    assert overall_rule(judgements) == expected


def test_words_are_robvis_robins_e_words() -> None:
    with (FIXTURES / "robvis" / "data_robins_e.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Study", *[d.id for d in ROBINS_E.bias_domains()], "Overall"]
    words = {c for r in rows[1:] for c in r[1:]}
    assert {j.value for j in ROBINS_E.scale} == words - {"No information"}


def test_the_protocol_design_map_picks_robins_e_for_exposure_studies(tmp_path: Path) -> None:
    with build_sample(tmp_path / "s.db", now=fixed_clock) as store:
        protocol = review_protocol(store)
        tools = {**protocol.risk_of_bias.tools, "cohort": "robins_e"}
        rob = protocol.risk_of_bias.model_copy(update={"tools": tools})
        s = session(store, protocol.model_copy(update={"risk_of_bias": rob}), "ann", COHORT)
        assert s.tool.id == "robins_e" and s.design == "cohort"
        s.answer("1.1", "SN", "Table 2: no adjustment for smoking")
        s.answer("1.4", "PY", "negative-control outcome also associated")
        assert s.suggested("D1") == VH
        s.confirm("D1")
        assert s.assessment.final("D1") == VH
