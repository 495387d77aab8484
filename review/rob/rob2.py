"""RoB 2, the Cochrane risk-of-bias tool for randomised trials, and its cluster variant.

Judged per result. The algorithms follow the flowcharts of the full
guidance (Higgins JPT, Savović J, Page MJ, Sterne JAC, on behalf of the RoB2
Development Group. Revised Cochrane risk-of-bias tool for randomized trials
(RoB 2), 22 August 2019, riskofbias.info; one figure per domain, each beside
its table of criteria) and Sterne et al., BMJ 2019;366:l4898 (its domain
and overall-judgement tables, and the web appendix).

NI follows the flowcharts exactly: read as reassuring only where they do
(1.1, 1.3, 1b.3, 4.1), as ruling out "low" where they say so (1.2, 1b.2,
2.3, 4.2, 5.2/5.3), and as unfavourable elsewhere (2.5, 2.7, 3.4, 4.5
→ high; 2.3–2.6 of the adhering version count NI as a problem). NA marks
the questions a flowchart skips.

The cluster-randomised variant adds domain 1b (Eldridge S, Campbell MK,
Campbell MJ, et al. Revised Cochrane risk of bias tool for randomized trials
(RoB 2): additional considerations for cluster-randomized trials (RoB 2
CRT), 10 November 2020 / 18 March 2021, riskofbias.info). Its questions for
domains 2–5 are reused from the individually-randomised tool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from review.rob.model import (
    NI,
    NO,
    YES,
    Citation,
    Condition,
    Domain,
    Either,
    Judgement,
    Question,
    Tool,
    Variant,
    When,
)

LOW, SOME, HIGH = Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH

ANSWERS = {
    "Y": "Yes",
    "PY": "Probably yes",
    "PN": "Probably no",
    "N": "No",
    "NI": "No information",
    "NA": "Not applicable",
}
FULL = ("Y", "PY", "PN", "N", "NI")
NO_NI = ("Y", "PY", "PN", "N")
"""3.2 offers no 'no information': the evidence either is there or is not."""
APPLICABLE = (*FULL, "NA")
"""'If applicable' questions: the reviewer may say the issue is outside the review's interest."""

YES_NI = YES | NI
NO_NI_SET = NO | NI

DIRECTIONS = (
    "Favours experimental",
    "Favours comparator",
    "Towards null",
    "Away from null",
    "Unpredictable",
)

CITATION = Citation(
    authors="Sterne JAC, Savović J, Page MJ, et al.",
    year=2019,
    title="RoB 2: a revised tool for assessing risk of bias in randomised trials",
    source="BMJ 2019;366:l4898; full guidance (Higgins et al., 22 Aug 2019) at riskofbias.info",
)
CLUSTER_CITATION = Citation(
    authors="Eldridge S, Campbell MK, Campbell MJ, et al.",
    year=2021,
    title="RoB 2 for cluster-randomized trials (RoB 2 CRT): additional considerations",
    source="riskofbias.info, version of 18 March 2021 (= 10 Nov 2020 with domain 2 reordered)",
)


def _randomisation(a: Mapping[str, str]) -> Judgement:
    # Guidance §D1 flowchart: concealment (1.2) first, then randomness (1.1)
    # and baseline imbalance (1.3).
    if a["1.2"] in NO:
        return HIGH
    if a["1.2"] in NI:
        return HIGH if a["1.3"] in YES else SOME
    if a["1.1"] in YES_NI and a["1.3"] in NO_NI_SET:
        return LOW
    return SOME


def _recruitment(a: Mapping[str, str]) -> Judgement:
    # RoB 2 CRT domain 1b, read as domain 1 is: recruitment before
    # randomisation (1b.1) or unaffected by knowledge of allocation (1b.2) is
    # the "concealment"; baseline imbalance (1b.3) the check.
    if a["1b.2"] in YES:
        return HIGH
    if a["1b.2"] in NI:
        return HIGH if a["1b.3"] in YES else SOME
    return SOME if a["1b.3"] in YES else LOW


def _assignment(a: Mapping[str, str]) -> Judgement:
    # Guidance §D2 (effect of assignment) flowchart: part 1 (2.1–2.5,
    # deviations from the trial context) and part 2 (2.6–2.7, analysis) are
    # judged apart and the worse one is the domain's judgement.
    if (a["2.1"] in NO and a["2.2"] in NO) or a["2.3"] in NO:
        part1 = LOW
    elif a["2.3"] in NI or a["2.4"] in NO or a["2.5"] in YES:
        part1 = SOME
    else:
        part1 = HIGH
    part2 = LOW if a["2.6"] in YES else SOME if a["2.7"] in NO else HIGH
    return worst((part1, part2), (LOW, SOME, HIGH))


def _adhering(a: Mapping[str, str]) -> Judgement:
    # Guidance §D2 (effect of adhering) flowchart: a problem is unbalanced
    # non-protocol interventions (2.3 N/PN/NI), or failures of implementation
    # or non-adherence that could matter (2.4/2.5 Y/PY/NI); then the analysis
    # (2.6) decides between some concerns and high.
    problem = a["2.3"] in NO_NI_SET or a["2.4"] in YES_NI or a["2.5"] in YES_NI
    if not problem:
        return LOW
    return SOME if a["2.6"] in YES else HIGH


def _missing_data(a: Mapping[str, str]) -> Judgement:
    # Guidance §D3 flowchart.
    if a["3.1"] in YES or a["3.2"] in YES or a["3.3"] in NO:
        return LOW
    return SOME if a["3.4"] in NO else HIGH


def _measurement(a: Mapping[str, str]) -> Judgement:
    # Guidance §D4 flowchart: an inappropriate method (4.1) or measurement
    # that could differ between groups (4.2) is high at once; otherwise the
    # assessors' awareness (4.3–4.5). NI to 4.2 caps the domain at some concerns.
    if a["4.1"] in YES or a["4.2"] in YES:
        return HIGH
    if a["4.5"] in YES_NI:
        return HIGH
    if a["4.2"] in NI:
        return SOME
    if a["4.3"] in NO or a["4.4"] in NO:
        return LOW
    return SOME


def _reporting(a: Mapping[str, str]) -> Judgement:
    # Guidance §D5 flowchart: selection among measurements (5.2) or analyses
    # (5.3) is high; both ruled out and a prespecified plan (5.1) is low.
    if a["5.2"] in YES or a["5.3"] in YES:
        return HIGH
    if a["5.2"] in NO and a["5.3"] in NO and a["5.1"] in YES:
        return LOW
    return SOME


def worst(judgements: Sequence[Judgement], order: Sequence[Judgement]) -> Judgement:
    """The judgement furthest along `order` (best first)."""
    return max(judgements, key=order.index)


def overall_rule(judgements: Sequence[Judgement]) -> Judgement:
    """Low only if every domain is low; high if any is high; else some concerns.

    The guidance (Sterne 2019, overall-judgement table) also allows high when several domains
    have some concerns that together substantially lower confidence in the
    result; that is a judgement the algorithm does not make: it suggests
    some concerns and the reviewer may override with a justification.
    """
    return worst(judgements, (LOW, SOME, HIGH))


def _q(
    item: str, text: str, options: tuple[str, ...] = FULL, when: Condition | None = None
) -> Question:
    return Question(item, text, options, when)


D1 = Domain(
    id="D1",
    name="Randomisation",
    full_name="Bias arising from the randomization process",
    questions=(
        _q("1.1", "Was the order of allocation generated by chance?"),
        _q("1.2", "Was the next allocation hidden from those enrolling participants?"),
        _q("1.3", "Do imbalances at baseline hint that randomisation failed?"),
    ),
    rule=_randomisation,
    rule_kind="published",
    rule_source="RoB 2 guidance (Higgins et al. 2019), domain 1 flowchart and criteria table",
)

D1B = Domain(
    id="D1b",
    name="Recruitment",
    full_name="Bias arising from the timing of identification or recruitment of participants",
    questions=(
        _q(
            "1b.1",
            "Were all participants identified (and recruited) before clusters were randomised?",
        ),
        _q(
            "1b.2",
            "Could knowing the cluster's allocation have influenced who was selected?",
            when=When(("1b.1",), NO_NI_SET),
        ),
        _q("1b.3", "Do baseline imbalances suggest groups recruited participants differently?"),
    ),
    rule=_recruitment,
    rule_kind="derived",
    rule_source=(
        "RoB 2 CRT (Eldridge et al. 2021), domain 1b; mapped as the domain 1 flowchart: "
        "1b.2 plays concealment's part, 1b.3 the baseline check. Check against the CRT figure."
    ),
)

D2_ASSIGNMENT = Domain(
    id="D2",
    name="Deviations",
    full_name="Bias due to deviations from intended interventions (effect of assignment)",
    questions=(
        _q("2.1", "Did participants know which intervention they were assigned?"),
        _q("2.2", "Did carers or intervention providers know each participant's group?"),
        _q(
            "2.3",
            "Did being in a trial lead to departures from the planned intervention?",
            when=When(("2.1", "2.2"), YES_NI),
        ),
        _q(
            "2.4",
            "Are those departures likely to have changed the outcome?",
            when=When(("2.3",), YES),
        ),
        _q(
            "2.5",
            "Did those departures occur evenly across groups?",
            when=When(("2.4",), YES_NI),
        ),
        _q("2.6", "Did the analysis suit the effect of assignment (e.g. ITT, not per protocol)?"),
        _q(
            "2.7",
            "Could analysing participants outside their randomised group have changed the result "
            "substantially?",
            when=When(("2.6",), NO_NI_SET),
        ),
    ),
    rule=_assignment,
    rule_kind="published",
    rule_source="RoB 2 guidance, domain 2 (effect of assignment) flowchart, parts 1 and 2",
    variant="assignment",
)

D2_ADHERING = Domain(
    id="D2",
    name="Deviations",
    full_name="Bias due to deviations from intended interventions (effect of adhering)",
    questions=(
        _q("2.1", "Did participants know which intervention they were assigned?"),
        _q("2.2", "Did carers or intervention providers know each participant's group?"),
        _q(
            "2.3",
            "If relevant: were key co-interventions outside the protocol similar across groups?",
            APPLICABLE,
            When(("2.1", "2.2"), YES_NI),
        ),
        _q(
            "2.4",
            "If relevant: could poor delivery of the intervention have swayed the outcome?",
            APPLICABLE,
        ),
        _q(
            "2.5",
            "If relevant: could participants not following the regimen have swayed outcomes?",
            APPLICABLE,
        ),
        _q(
            "2.6",
            "Did the analysis suit the effect of adhering (e.g. IV or weighting methods)?",
            when=Either(
                (
                    When(("2.3",), NO_NI_SET),
                    When(("2.4", "2.5"), YES_NI),
                )
            ),
        ),
    ),
    rule=_adhering,
    rule_kind="published",
    rule_source="RoB 2 guidance, domain 2 (effect of adhering) flowchart",
    variant="adhering",
)

D3 = Domain(
    id="D3",
    name="Missing data",
    full_name="Bias due to missing outcome data",
    questions=(
        _q("3.1", "Is the outcome known for all or almost all who were randomised?"),
        _q(
            "3.2",
            "Do analyses show the result is robust to the missing outcomes?",
            NO_NI,
            When(("3.1",), NO_NI_SET),
        ),
        _q(
            "3.3",
            "Might whether data are missing hinge on the outcome itself?",
            when=When(("3.2",), NO),
        ),
        _q(
            "3.4",
            "Is it probable that missingness hinged on the outcome itself?",
            when=When(("3.3",), YES_NI),
        ),
    ),
    rule=_missing_data,
    rule_kind="published",
    rule_source="RoB 2 guidance, domain 3 flowchart",
)

D4 = Domain(
    id="D4",
    name="Measurement",
    full_name="Bias in measurement of the outcome",
    questions=(
        _q("4.1", "Was the outcome measured with an unsuitable method?"),
        _q("4.2", "Might the groups' outcomes have been measured or detected differently?"),
        _q(
            "4.3",
            "Did outcome assessors know which intervention participants received?",
            when=When(("4.1", "4.2"), NO_NI_SET, all_of=True),
        ),
        _q(
            "4.4",
            "Could that knowledge have influenced the assessment?",
            when=When(("4.3",), YES_NI),
        ),
        _q(
            "4.5",
            "Is it likely that that knowledge influenced the assessment?",
            when=When(("4.4",), YES_NI),
        ),
    ),
    rule=_measurement,
    rule_kind="published",
    rule_source="RoB 2 guidance, domain 4 flowchart",
)

D5 = Domain(
    id="D5",
    name="Reported result",
    full_name="Bias in selection of the reported result",
    questions=(
        _q("5.1", "Was the analysis prespecified in a plan fixed before unblinded data were seen?"),
        _q(
            "5.2", "Was the result likely picked, for its value, from several outcome measurements?"
        ),
        _q("5.3", "Was the result likely picked, for its value, from several analyses?"),
    ),
    rule=_reporting,
    rule_kind="published",
    rule_source="RoB 2 guidance, domain 5 flowchart",
)

VARIANTS = (
    Variant("assignment", "Effect of assignment to intervention (intention to treat)"),
    Variant("adhering", "Effect of adhering to intervention (per protocol)"),
)

OVERALL_NOTE = (
    "Some concerns in several domains may together lower confidence enough to judge the "
    "result at high risk (Sterne 2019, overall-judgement table): the algorithm suggests "
    "some concerns, the reviewer may override with a justification."
)

ROB2 = Tool(
    id="rob2",
    name="RoB 2",
    citation=CITATION,
    level="result",
    answer_labels=ANSWERS,
    scale=(LOW, SOME, HIGH),
    overall_scale=(LOW, SOME, HIGH),
    domains=(D1, D2_ASSIGNMENT, D2_ADHERING, D3, D4, D5),
    overall_rule=overall_rule,
    overall_source="Sterne et al. BMJ 2019;366:l4898, table of the overall risk-of-bias judgement",
    overall_note=OVERALL_NOTE,
    variants=VARIANTS,
    directions=DIRECTIONS,
)

ROB2_CLUSTER = Tool(
    id="rob2_cluster",
    name="RoB 2 for cluster-randomised trials",
    citation=CLUSTER_CITATION,
    level="result",
    answer_labels=ANSWERS,
    scale=(LOW, SOME, HIGH),
    overall_scale=(LOW, SOME, HIGH),
    domains=(D1, D1B, D2_ASSIGNMENT, D2_ADHERING, D3, D4, D5),
    overall_rule=overall_rule,
    overall_source="As RoB 2 (Sterne 2019, overall-judgement table), domain 1b included",
    overall_note=OVERALL_NOTE,
    variants=VARIANTS,
    directions=DIRECTIONS,
    notes=(
        "Domain 1b is added; domains 2–5 reuse the individually-randomised questions, "
        "without the CRT guidance's cluster-specific rewording."
    ),
)
