"""RoB 2: every path of every domain's flowchart, NI and NA handling, and the overall rule.

Source of every table: Higgins JPT, Savović J, Page MJ, Sterne JAC (eds), Revised
Cochrane risk-of-bias tool for randomized trials (RoB 2), full guidance of
22 August 2019 (riskofbias.info) — for each domain the "algorithm for
suggested judgement" figure beside the criteria table — and Sterne et al.,
BMJ 2019;366:l4898 (domain criteria; the overall-judgement table).
(Cited by domain and figure rather than page: the guidance is re-paginated between versions.)
Rows give answers to the questions the flowchart asks; questions left out
do not apply (NA).
"""

from __future__ import annotations

import pytest

from review.rob import InvalidAnswer, Judgement, applicable_questions, suggest
from review.rob.engine import effective_answers
from review.rob.rob2 import ROB2, ROB2_CLUSTER, overall_rule
from tests.rob_helpers import judge, paths

L, S, H = Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH
YES, NO, NI = {"Y", "PY"}, {"N", "PN"}, {"NI"}

# Domain 1 flowchart (guidance, domain 1 algorithm figure): concealment
# 1.2 first; Y/PY → randomness 1.1 and baseline 1.3; NI → 1.3 alone; N/PN → high.
D1_ROWS = [
    ("1.1=Y 1.2=Y 1.3=N", L),
    ("1.1=PY 1.2=PY 1.3=PN", L),
    ("1.1=NI 1.2=Y 1.3=NI", L),  # NI to randomness and to baseline: still low
    ("1.1=Y 1.2=Y 1.3=Y", S),
    ("1.1=NI 1.2=PY 1.3=PY", S),
    ("1.1=N 1.2=Y 1.3=N", S),  # not random but concealed
    ("1.1=PN 1.2=Y 1.3=Y", S),  # not random, imbalanced, concealed: still some concerns
    ("1.1=N 1.2=Y 1.3=NI", S),
    ("1.1=Y 1.2=NI 1.3=N", S),
    ("1.1=NI 1.2=NI 1.3=NI", S),
    ("1.1=Y 1.2=NI 1.3=Y", H),
    ("1.1=N 1.2=NI 1.3=PY", H),
    ("1.1=Y 1.2=N 1.3=N", H),
    ("1.1=Y 1.2=PN 1.3=NI", H),
    ("1.1=N 1.2=N 1.3=Y", H),
]

# Domain 2, effect of assignment (guidance, domain 2 assignment figure): part 1 from 2.1–2.5,
# part 2 from 2.6–2.7, the worse of the two.
D2_ASSIGNMENT_ROWS = [
    ("2.1=N 2.2=N 2.6=Y", L),  # blinded: 2.3–2.5 NA
    ("2.1=PN 2.2=N 2.6=PY", L),
    ("2.1=Y 2.2=N 2.3=N 2.6=Y", L),
    ("2.1=NI 2.2=NI 2.3=PN 2.6=Y", L),
    ("2.1=Y 2.2=Y 2.3=NI 2.6=Y", S),
    ("2.1=Y 2.2=Y 2.3=Y 2.4=N 2.6=Y", S),
    ("2.1=Y 2.2=Y 2.3=PY 2.4=PN 2.6=Y", S),
    ("2.1=Y 2.2=Y 2.3=Y 2.4=Y 2.5=Y 2.6=Y", S),
    ("2.1=Y 2.2=Y 2.3=Y 2.4=NI 2.5=PY 2.6=Y", S),
    ("2.1=Y 2.2=Y 2.3=Y 2.4=Y 2.5=N 2.6=Y", H),
    ("2.1=Y 2.2=Y 2.3=Y 2.4=PY 2.5=NI 2.6=Y", H),
    ("2.1=Y 2.2=Y 2.3=Y 2.4=NI 2.5=PN 2.6=Y", H),
    ("2.1=N 2.2=N 2.6=N 2.7=N", S),  # part 2: inappropriate analysis, small impact
    ("2.1=N 2.2=N 2.6=NI 2.7=PN", S),
    ("2.1=N 2.2=N 2.6=N 2.7=Y", H),
    ("2.1=N 2.2=N 2.6=PN 2.7=NI", H),
    ("2.1=Y 2.2=Y 2.3=NI 2.6=N 2.7=N", S),  # some + some
    ("2.1=Y 2.2=Y 2.3=Y 2.4=Y 2.5=N 2.6=N 2.7=N", H),  # high + some
    ("2.1=Y 2.2=N 2.3=N 2.6=N 2.7=Y", H),  # low + high
]

# Domain 2, effect of adhering (guidance, domain 2 adhering figure): a problem with
# non-protocol interventions (2.3 N/PN/NI, asked only if unblinded),
# implementation (2.4) or adherence (2.5, Y/PY/NI) → analysis 2.6 decides.
D2_ADHERING_ROWS = [
    ("2.1=N 2.2=N 2.4=N 2.5=N", L),
    ("2.1=N 2.2=N 2.4=NA 2.5=NA", L),  # 'if applicable' items answered NA
    ("2.1=Y 2.2=N 2.3=Y 2.4=PN 2.5=N", L),
    ("2.1=Y 2.2=Y 2.3=NA 2.4=N 2.5=NA", L),
    ("2.1=Y 2.2=Y 2.3=N 2.4=N 2.5=N 2.6=Y", S),
    ("2.1=NI 2.2=N 2.3=NI 2.4=N 2.5=N 2.6=PY", S),
    ("2.1=N 2.2=N 2.4=Y 2.5=N 2.6=Y", S),
    ("2.1=N 2.2=N 2.4=N 2.5=NI 2.6=PY", S),
    ("2.1=Y 2.2=Y 2.3=PN 2.4=N 2.5=N 2.6=N", H),
    ("2.1=N 2.2=N 2.4=PY 2.5=N 2.6=NI", H),
    ("2.1=N 2.2=N 2.4=N 2.5=Y 2.6=PN", H),
    ("2.1=Y 2.2=Y 2.3=NI 2.4=Y 2.5=Y 2.6=N", H),
]

# Domain 3 (guidance, domain 3 algorithm figure).
D3_ROWS = [
    ("3.1=Y", L),
    ("3.1=PY", L),
    ("3.1=N 3.2=Y", L),
    ("3.1=NI 3.2=PY", L),
    ("3.1=N 3.2=N 3.3=N", L),
    ("3.1=PN 3.2=PN 3.3=PN", L),
    ("3.1=N 3.2=N 3.3=Y 3.4=N", S),
    ("3.1=NI 3.2=N 3.3=NI 3.4=PN", S),
    ("3.1=N 3.2=N 3.3=Y 3.4=Y", H),
    ("3.1=N 3.2=PN 3.3=PY 3.4=NI", H),
    ("3.1=NI 3.2=N 3.3=NI 3.4=PY", H),
]

# Domain 4 (guidance, domain 4 algorithm figure): 4.2 N/PN and 4.2 NI run the same branch
# (4.3–4.5) but NI caps the best outcome at some concerns.
D4_ROWS = [
    ("4.1=Y 4.2=N", H),
    ("4.1=PY 4.2=NI", H),
    ("4.1=N 4.2=Y", H),
    ("4.1=NI 4.2=PY", H),
    ("4.1=N 4.2=N 4.3=N", L),
    ("4.1=NI 4.2=PN 4.3=PN", L),
    ("4.1=N 4.2=N 4.3=Y 4.4=N", L),
    ("4.1=N 4.2=N 4.3=NI 4.4=PN", L),
    ("4.1=N 4.2=N 4.3=Y 4.4=Y 4.5=N", S),
    ("4.1=N 4.2=N 4.3=Y 4.4=NI 4.5=PN", S),
    ("4.1=N 4.2=N 4.3=Y 4.4=Y 4.5=Y", H),
    ("4.1=N 4.2=N 4.3=PY 4.4=PY 4.5=NI", H),
    ("4.1=N 4.2=NI 4.3=N", S),
    ("4.1=N 4.2=NI 4.3=Y 4.4=N", S),
    ("4.1=N 4.2=NI 4.3=Y 4.4=Y 4.5=PN", S),
    ("4.1=N 4.2=NI 4.3=Y 4.4=Y 4.5=Y", H),
    ("4.1=NI 4.2=NI 4.3=NI 4.4=NI 4.5=NI", H),
]

# Domain 5 (guidance, domain 5 algorithm figure).
D5_ROWS = [
    ("5.1=Y 5.2=N 5.3=N", L),
    ("5.1=PY 5.2=PN 5.3=PN", L),
    ("5.1=N 5.2=N 5.3=N", S),
    ("5.1=NI 5.2=PN 5.3=N", S),
    ("5.1=Y 5.2=NI 5.3=N", S),
    ("5.1=Y 5.2=N 5.3=NI", S),
    ("5.1=NI 5.2=NI 5.3=NI", S),
    ("5.1=Y 5.2=Y 5.3=N", H),
    ("5.1=Y 5.2=N 5.3=PY", H),
    ("5.1=N 5.2=NI 5.3=Y", H),
]

# RoB 2 CRT domain 1b (Eldridge et al., 2021), read as domain 1.
D1B_ROWS = [
    ("1b.1=Y 1b.3=N", L),
    ("1b.1=PY 1b.3=NI", L),
    ("1b.1=N 1b.2=N 1b.3=N", L),
    ("1b.1=NI 1b.2=PN 1b.3=PN", L),
    ("1b.1=Y 1b.3=Y", S),
    ("1b.1=N 1b.2=N 1b.3=PY", S),
    ("1b.1=N 1b.2=NI 1b.3=N", S),
    ("1b.1=PN 1b.2=NI 1b.3=NI", S),
    ("1b.1=N 1b.2=NI 1b.3=Y", H),
    ("1b.1=N 1b.2=Y 1b.3=N", H),
    ("1b.1=NI 1b.2=PY 1b.3=NI", H),
]

CASES = [
    *[("D1", None, r, j) for r, j in D1_ROWS],
    *[("D2", "assignment", r, j) for r, j in D2_ASSIGNMENT_ROWS],
    *[("D2", "adhering", r, j) for r, j in D2_ADHERING_ROWS],
    *[("D3", None, r, j) for r, j in D3_ROWS],
    *[("D4", None, r, j) for r, j in D4_ROWS],
    *[("D5", None, r, j) for r, j in D5_ROWS],
]


@pytest.mark.parametrize(("domain", "variant", "row", "expected"), CASES)
def test_domain_flowchart(domain: str, variant: str | None, row: str, expected: Judgement) -> None:
    assert judge(ROB2, domain, row, variant) == expected


@pytest.mark.parametrize(("row", "expected"), D1B_ROWS)
def test_cluster_domain_1b(row: str, expected: Judgement) -> None:
    assert judge(ROB2_CLUSTER, "D1b", row) == expected


def _is(a: dict[str, str], item: str, group: set[str]) -> bool:
    return a.get(item) in group


# The criteria tables (Sterne 2019; guidance, one per domain), written
# as the table words them — independently of the flowchart code under test.
def _criteria(domain: str, variant: str | None, a: dict[str, str]) -> Judgement:
    i = lambda item, group: _is(a, item, group)  # noqa: E731
    if domain == "D1":
        if i("1.2", NO) or (i("1.2", NI) and i("1.3", YES)):
            return H
        low = i("1.2", YES) and i("1.1", YES | NI) and i("1.3", NO | NI)
        return L if low else S
    if domain == "D2" and variant == "assignment":
        if i("2.5", NO | NI) or i("2.7", YES | NI):
            return H
        unaware = i("2.1", NO) and i("2.2", NO)
        return L if (unaware or i("2.3", NO)) and i("2.6", YES) else S
    if domain == "D2":
        ok = not i("2.3", NO | NI) and not i("2.4", YES | NI) and not i("2.5", YES | NI)
        if ok:
            return L
        return S if i("2.6", YES) else H
    if domain == "D3":
        if i("3.4", YES | NI):
            return H
        return S if i("3.4", NO) else L
    if domain == "D4":
        if i("4.1", YES) or i("4.2", YES) or i("4.5", YES | NI):
            return H
        low = i("4.2", NO) and (i("4.3", NO) or i("4.4", NO))
        return L if low else S
    if i("5.2", YES) or i("5.3", YES):
        return H
    return L if i("5.1", YES) and i("5.2", NO) and i("5.3", NO) else S


@pytest.mark.parametrize(
    ("domain", "variant", "count"),
    [
        ("D1", None, 5**3),
        # 2.1×2.2 blinded (4) or not (21 × 2.3 branch 37) × analysis branch 17.
        ("D2", "assignment", (4 + 21 * 37) * 17),
        # blinded: 2.4×2.5 = 36 of which 27 raise a problem and ask 2.6 (×5).
        ("D2", "adhering", 4 * 144 + 21 * (3 * 36 * 5 + 3 * 144)),
        ("D3", None, 2 + 3 * (2 + 2 * (2 + 15))),
        ("D4", None, 16 + 9 * (2 + 3 * (2 + 15))),
        ("D5", None, 125),
    ],
)
def test_every_path_matches_the_criteria(domain: str, variant: str | None, count: int) -> None:
    """Walk every reachable answer set and compare the flowchart with the criteria."""
    d = ROB2.domain(domain, variant)
    seen = 0
    for a in paths(ROB2, d):
        effective = effective_answers(d, a)
        got = suggest(ROB2, d, a)
        assert got == _criteria(domain, variant, effective), a
        seen += 1
    assert seen > 0
    if count:
        assert seen == count


def test_every_judgement_is_reachable_in_every_domain() -> None:
    for d in ROB2.domains:
        found = {suggest(ROB2, d, a) for a in paths(ROB2, d)}
        assert found == {L, S, H}, d.full_name


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        ((L, L, L, L, L), L),
        ((L, S, L, L, L), S),
        ((S, S, S, S, S), S),  # several "some concerns": suggested some; the reviewer may raise
        ((L, L, L, L, H), H),
        ((H, S, L, L, L), H),
        ((H, H, H, H, H), H),
    ],
)
def test_overall_rule(judgements: tuple[Judgement, ...], expected: Judgement) -> None:
    # Sterne 2019, overall-judgement table.
    assert overall_rule(judgements) == expected


def test_overall_mentions_that_several_concerns_may_be_high() -> None:
    assert "several" in ROB2.overall_note and "override" in ROB2.overall_note


def test_conditional_questions_appear_and_disappear() -> None:
    asked = lambda a: [q.item for q in applicable_questions(ROB2, "D2", a)]  # noqa: E731
    assert asked({}) == ["2.1", "2.2", "2.6"]
    assert asked({"2.1": "N", "2.2": "N"}) == ["2.1", "2.2", "2.6"]
    assert asked({"2.1": "Y"}) == ["2.1", "2.2", "2.3", "2.6"]
    assert asked({"2.1": "Y", "2.3": "Y"}) == ["2.1", "2.2", "2.3", "2.4", "2.6"]
    all_six = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
    assert asked({"2.1": "Y", "2.3": "Y", "2.4": "NI"}) == all_six
    # 2.1 changes back to N: 2.3–2.5 vanish although their answers are kept …
    stale = {"2.1": "N", "2.2": "N", "2.3": "Y", "2.4": "Y", "2.5": "N", "2.6": "Y"}
    assert asked(stale) == ["2.1", "2.2", "2.6"]
    # … and read as NA: the high from 2.5 no longer counts.
    assert suggest(ROB2, "D2", stale) == L
    assert asked({"2.6": "N"})[-1] == "2.7"
    assert [q.item for q in applicable_questions(ROB2, "D4", {"4.1": "Y", "4.2": "N"})] == [
        "4.1",
        "4.2",
    ]
    assert "4.3" in [q.item for q in applicable_questions(ROB2, "D4", {"4.1": "N", "4.2": "NI"})]


def test_incomplete_answers_suggest_nothing() -> None:
    assert suggest(ROB2, "D1", {"1.1": "Y", "1.2": "Y"}) is None
    assert suggest(ROB2, "D2", {"2.1": "Y", "2.2": "N", "2.6": "Y"}) is None  # 2.3 missing


def test_question_3_2_offers_no_ni() -> None:
    with pytest.raises(InvalidAnswer, match=r"item 3\.2"):
        suggest(ROB2, "D3", {"3.1": "N", "3.2": "NI"})


def test_adhering_variant_asks_its_own_questions() -> None:
    d = ROB2.domain("D2", "adhering")
    assert [q.item for q in d.questions] == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
    assert "NA" in d.question("2.4").options  # type: ignore[union-attr]
    assert "NA" not in ROB2.domain("D2").question("2.4").options  # type: ignore[union-attr]


def test_cluster_tool_has_domain_1b_in_robvis_order() -> None:
    assert [d.id for d in ROB2_CLUSTER.bias_domains()] == ["D1", "D1b", "D2", "D3", "D4", "D5"]
    assert [d.id for d in ROB2.bias_domains("adhering")] == ["D1", "D2", "D3", "D4", "D5"]


def test_a_question_answered_na_by_choice_stays_asked() -> None:
    a = {"2.1": "Y", "2.2": "N", "2.3": "NA", "2.4": "NA", "2.5": "NA"}
    asked = [q.item for q in applicable_questions(ROB2, "D2", a, variant="adhering")]
    assert asked == ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert suggest(ROB2, "D2", a, variant="adhering") == L


# Checked (December 2026) clause by clause against the domain 1 criteria of
# Sterne et al. BMJ 2019 (the table of criteria for domain judgements), as
# reproduced in Systematic Reviews 2021;10:171, Table 2 ("RoB 2 guidelines on
# risk of bias assessment"). One row per clause of that table.
D1_PUBLISHED_CLAUSES = [
    ("concealed; baseline compatible with chance; random", "1.1=Y 1.2=Y 1.3=N", L),
    ("concealed; no information on baseline or randomness", "1.1=NI 1.2=Y 1.3=NI", L),
    ("concealed but not random", "1.1=N 1.2=Y 1.3=N", S),
    ("concealed but baseline suggests a problem", "1.1=Y 1.2=Y 1.3=Y", S),
    ("no information on concealment; baseline compatible", "1.1=Y 1.2=NI 1.3=PN", S),
    ("no information to answer any question", "1.1=NI 1.2=NI 1.3=NI", S),
    ("not concealed", "1.1=Y 1.2=PN 1.3=N", H),
    ("no information on concealment; baseline suggests a problem", "1.1=Y 1.2=NI 1.3=PY", H),
]


@pytest.mark.parametrize(("clause", "row", "expected"), D1_PUBLISHED_CLAUSES)
def test_domain_1_follows_each_published_criterion(
    clause: str, row: str, expected: Judgement
) -> None:
    assert judge(ROB2, "D1", row) == expected, clause
