"""RoB 2 for randomised crossover trials: domain S (period and carryover effects).

The crossover variant (Higgins JPT, Li T, Sterne JAC. Revised Cochrane risk
of bias tool for randomized trials (RoB 2): additional considerations for
crossover trials, riskofbias.info, 2021) adds a domain on period and
carryover effects, read between domains 1 and 2 as its template orders
them; the Cochrane Handbook (version 6, chapter 23, section 23.2) names the
same two concerns. The guidance document itself was not at hand when this
was written, so the questions here are our paraphrase of the issues the
Handbook names, and domain S's rule and the first-period question added to
domain 5 are `derived`, as RoB 2 CRT's domain 1b is:

- Carryover not ruled out (S.3 N/PN) is high: the comparison within
  participants mixes the treatments' effects (Handbook 5.1, section 16.4.3 (ii):
  carryover biases the estimate, usually towards the null).
- No information on carryover, or period effects neither balanced by
  (nearly) equal sequences (S.1) nor allowed for in the analysis (S.2), is
  some concerns.
- A result from the first period only, chosen because a test found carryover
  (5.4), is a result selected on its data: high, as 5.2/5.3 are (Handbook 5.1,
  section 16.4.3 (iii)).

Domains 1–4 reuse RoB 2's algorithms; domain 1 words its questions for the
sequence being randomised, domain 5 adds 5.4.
"""

from __future__ import annotations

from collections.abc import Mapping

from review.rob.model import NI, NO, YES, Citation, Domain, Judgement, Question, Tool, When
from review.rob.rob2 import (
    ANSWERS,
    D1,
    D2_ADHERING,
    D2_ASSIGNMENT,
    D3,
    D4,
    D5,
    DIRECTIONS,
    FULL,
    OVERALL_NOTE,
    VARIANTS,
    overall_rule,
)

LOW, SOME, HIGH = Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH
NO_NI_SET = NO | NI

CITATION = Citation(
    authors="Higgins JPT, Li T, Sterne JAC",
    year=2021,
    title="RoB 2 for crossover trials: additional considerations",
    source=(
        "riskofbias.info (2021); Cochrane Handbook v6 ch. 23 §23.2; "
        "RoB 2 itself: Sterne et al. BMJ 2019;366:l4898"
    ),
)


def _period_carryover(a: Mapping[str, str]) -> Judgement:
    # Carryover first (S.3), then period effects: balanced sequences (S.1)
    # or an analysis that allows for period (S.2).
    if a["S.3"] in NO:
        return HIGH
    if a["S.3"] in NI:
        return SOME
    return LOW if a["S.1"] in YES or a["S.2"] in YES else SOME


def _reporting(a: Mapping[str, str]) -> Judgement:
    # RoB 2's domain 5 rule, with 5.4 read as one more way of selecting a result.
    if a["5.2"] in YES or a["5.3"] in YES or a["5.4"] in YES:
        return HIGH
    if a["5.2"] in NO and a["5.3"] in NO and a["5.4"] in NO and a["5.1"] in YES:
        return LOW
    return SOME


def _q(item: str, text: str, when: When | None = None) -> Question:
    return Question(item, text, FULL, when)


D1_CROSSOVER = Domain(
    id="D1",
    name="Randomisation",
    full_name="Bias arising from the randomization process",
    questions=(
        _q("1.1", "Was the order of interventions (the sequence) allocated by chance?"),
        _q("1.2", "Was the next sequence hidden from those enrolling participants?"),
        _q("1.3", "Do imbalances between sequence groups at entry hint that randomisation failed?"),
    ),
    rule=D1.rule,
    rule_kind=D1.rule_kind,
    rule_source=D1.rule_source + "; questions worded for sequences",
)

DS = Domain(
    id="DS",
    name="Period & carryover",
    full_name="Bias arising from period and carryover effects",
    questions=(
        _q("S.1", "Were about as many participants allocated to each sequence?"),
        _q(
            "S.2",
            "Did the analysis allow for period effects?",
            When(("S.1",), NO_NI_SET),
        ),
        _q(
            "S.3",
            "Was there time enough for carryover to wear off before the next period's outcome?",
        ),
    ),
    rule=_period_carryover,
    rule_kind="derived",
    rule_source=(
        "RoB 2 crossover (Higgins, Li, Sterne 2021), domain S, not at hand: derived from the "
        "concerns named in Cochrane Handbook v6 §23.2 and v5.1 §16.4.3 (carryover → high; "
        "unhandled period effects or no information → some concerns). Check against the figure."
    ),
)

D5_CROSSOVER = Domain(
    id="D5",
    name="Reported result",
    full_name="Bias in selection of the reported result",
    questions=(
        *D5.questions,
        _q(
            "5.4",
            "Is only the first period reported because a test suggested carryover?",
        ),
    ),
    rule=_reporting,
    rule_kind="derived",
    rule_source=(
        "RoB 2 domain 5 flowchart with 5.4 added as a selection of the result (Cochrane "
        "Handbook v5.1 §16.4.3 (iii): first-period data chosen on a carryover test are biased)"
    ),
)

ROB2_CROSSOVER = Tool(
    id="rob2_crossover",
    name="RoB 2 for crossover trials",
    citation=CITATION,
    level="result",
    answer_labels=ANSWERS,
    scale=(LOW, SOME, HIGH),
    overall_scale=(LOW, SOME, HIGH),
    domains=(D1_CROSSOVER, DS, D2_ASSIGNMENT, D2_ADHERING, D3, D4, D5_CROSSOVER),
    overall_rule=overall_rule,
    overall_source="As RoB 2 (Sterne 2019, overall-judgement table), domain S included",
    overall_note=OVERALL_NOTE,
    variants=VARIANTS,
    directions=DIRECTIONS,
    notes=(
        "Domain S (period and carryover) is added and domain 5 asks 5.4; domains 2–4 reuse "
        "the parallel-group questions: read 'groups' as the periods compared within participants."
    ),
)
