"""ROBINS-I, risk of bias in non-randomised studies of interventions (2016 version).

The 2016 guidance (Sterne et al., BMJ 2016;355:i4919, criteria table; detailed
guidance of 12 October 2016, riskofbias.info) gives criteria for each domain
judgement but no flowchart, except the shortcut that no potential for
confounding (1.1 N/PN) means low risk in domain 1. The mappings here are
therefore `derived`: our reading of the criteria, written to suggest the
worse level when the signalling questions cannot tell two levels apart. They
follow one rule for NI:

- NI about whether a problem exists → "No information" (the guidance's
  category for a lack of information in a key domain);
- NI about whether an established problem was dealt with (adjusted for,
  balanced, robust) → read as not dealt with.

"Critical" is never suggested: it needs facts the questions do not ask
(confounding inherently uncontrollable, a very strong selection effect,
blatant selective reporting); the reviewer raises a judgement to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

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
from review.rob.rob2 import ANSWERS, DIRECTIONS, worst

LOW, MODERATE, SERIOUS = Judgement.LOW, Judgement.MODERATE, Judgement.SERIOUS
CRITICAL, NO_INFO = Judgement.CRITICAL, Judgement.NO_INFORMATION

FULL = ("Y", "PY", "PN", "N", "NI")
NO_NI = ("Y", "PY", "PN", "N")
YES_NI = YES | NI
NO_NI_SET = NO | NI

ORDER = (LOW, MODERATE, SERIOUS, CRITICAL)

CITATION = Citation(
    authors="Sterne JAC, Hernán MA, Reeves BC, et al.",
    year=2016,
    title="ROBINS-I: a tool for assessing risk of bias in non-randomised studies of interventions",
    source="BMJ 2016;355:i4919; detailed guidance (12 Oct 2016) at riskofbias.info",
)

SOURCE = "Sterne et al. BMJ 2016, criteria table; detailed guidance 2016, domain {}"


def _confounding(a: Mapping[str, str]) -> Judgement:
    # Guidance: 1.1 N/PN → low, no further questions. With confounding
    # expected the best level is moderate (all important domains controlled
    # and validly measured); any failure is serious.
    if a["1.1"] in NO:
        return LOW
    if a["1.7"] != "NA":
        checks = [a["1.7"], a["1.8"]]
        serious = a["1.7"] in NO or a["1.8"] in NO
    else:
        checks = [a["1.4"], a["1.5"], a["1.6"]]
        serious = a["1.4"] in NO or a["1.5"] in NO or a["1.6"] in YES
    if serious:
        return SERIOUS
    return NO_INFO if any(v in NI for v in checks) else MODERATE


def _selection(a: Mapping[str, str]) -> Judgement:
    # Problems: selection on post-intervention characteristics related to
    # both intervention and outcome (2.1–2.3), or follow-up that does not
    # start with the intervention (2.4). Adjusted (2.5 Y/PY) → moderate.
    established = (a["2.2"] in YES and a["2.3"] in YES) or a["2.4"] in NO
    if established:
        return MODERATE if a["2.5"] in YES else SERIOUS
    unknown = a["2.1"] in NI or a["2.2"] in NI or a["2.3"] in NI or a["2.4"] in NI
    return NO_INFO if unknown else LOW


def _classification(a: Mapping[str, str]) -> Judgement:
    # Groups not well defined, or classification open to knowledge of the
    # outcome → serious; defined retrospectively → moderate.
    if a["3.1"] in NO or a["3.3"] in YES:
        return SERIOUS
    if any(a[i] in NI for i in ("3.1", "3.2", "3.3")):
        return NO_INFO
    return MODERATE if a["3.2"] in NO else LOW


def _deviations_assignment(a: Mapping[str, str]) -> Judgement:
    # Deviations beyond usual practice (4.1) that are unbalanced and matter
    # (4.2) → serious. Deviations that do not matter are read as moderate
    # (the criteria allow low or moderate; we take the worse).
    if a["4.1"] in NO:
        return LOW
    if a["4.1"] in NI:
        return NO_INFO
    return MODERATE if a["4.2"] in NO else SERIOUS


def _deviations_adhering(a: Mapping[str, str]) -> Judgement:
    # Unbalanced co-interventions (4.3), failed implementation (4.4) or
    # non-adherence (4.5); an appropriate analysis (4.6) limits it to moderate.
    items = ("4.3", "4.4", "4.5")
    if any(a[i] in NO for i in items):
        return MODERATE if a["4.6"] in YES else SERIOUS
    return NO_INFO if any(a[i] in NI for i in items) else LOW


def _missing_data(a: Mapping[str, str]) -> Judgement:
    # Missing data (5.1 N/PN, exclusions 5.2/5.3 Y/PY) is harmless when
    # similar across groups (5.4) or shown not to matter (5.5). Otherwise
    # serious: the questions cannot tell "differ minimally" (moderate) from
    # "differ substantially" (serious), so the worse is suggested.
    established = a["5.1"] in NO or a["5.2"] in YES or a["5.3"] in YES
    if established:
        return LOW if a["5.4"] in YES or a["5.5"] in YES else SERIOUS
    unknown = a["5.1"] in NI or a["5.2"] in NI or a["5.3"] in NI
    return NO_INFO if unknown else LOW


def _measurement(a: Mapping[str, str]) -> Judgement:
    # Methods not comparable (6.3), errors related to intervention (6.4), or
    # an outcome open to influence judged by assessors who knew (6.1 and 6.2).
    if a["6.3"] in NO or a["6.4"] in YES or (a["6.1"] in YES and a["6.2"] in YES):
        return SERIOUS
    influence_known = a["6.1"] in NO or a["6.2"] in NO
    if not influence_known or a["6.3"] in NI or a["6.4"] in NI:
        return NO_INFO
    return LOW


def _reporting(a: Mapping[str, str]) -> Judgement:
    # Any likely selection of the reported estimate → serious. Low needs
    # clear evidence (a prespecified plan): read as a firm N to all three;
    # PN ("no indication") → moderate.
    items = ("7.1", "7.2", "7.3")
    if any(a[i] in YES for i in items):
        return SERIOUS
    if any(a[i] in NI for i in items):
        return NO_INFO
    return LOW if all(a[i] == "N" for i in items) else MODERATE


def overall_rule(judgements: Sequence[Judgement]) -> Judgement:
    """Sterne 2016, table of overall judgements: the worst domain decides, and "no information" sits
    below serious: it is the overall judgement only when nothing is serious or
    critical and a domain lacks information."""
    known = [j for j in judgements if j != NO_INFO]
    worst_known = worst(known, ORDER) if known else LOW
    if worst_known in (SERIOUS, CRITICAL):
        return worst_known
    return NO_INFO if len(known) < len(judgements) else worst_known


def _q(
    item: str, text: str, options: tuple[str, ...] = FULL, when: Condition | None = None
) -> Question:
    return Question(item, text, options, when)


def _domain(
    number: int,
    name: str,
    full_name: str,
    questions: tuple[Question, ...],
    rule: Callable[[Mapping[str, str]], Judgement],
    variant: str | None = None,
) -> Domain:
    return Domain(
        id=f"D{number}",
        name=name,
        full_name=full_name,
        questions=questions,
        rule=rule,
        rule_kind="derived",
        rule_source=SOURCE.format(number),
        variant=variant,
    )


D1 = _domain(
    1,
    "Confounding",
    "Bias due to confounding",
    (
        _q("1.1", "Could confounding affect the effect of intervention here?", NO_NI),
        _q(
            "1.2",
            "Was follow-up split by the intervention each participant was receiving?",
            when=When(("1.1",), YES),
        ),
        _q(
            "1.3",
            "Were stops or switches of intervention likely related to prognostic factors?",
            when=When(("1.2",), YES),
        ),
        _q(
            "1.4",
            "Were all important confounders appropriately adjusted for?",
            when=Either((When(("1.2",), NO_NI_SET), When(("1.3",), NO))),
        ),
        _q(
            "1.5",
            "Were the controlled confounders measured validly and reliably?",
            when=When(("1.4",), YES),
        ),
        _q(
            "1.6",
            "Did the analysis control for variables the intervention itself could affect?",
            when=Either((When(("1.2",), NO_NI_SET), When(("1.3",), NO))),
        ),
        _q(
            "1.7",
            "Did the analysis adjust for all important confounding, time-varying included?",
            when=When(("1.3",), YES_NI),
        ),
        _q(
            "1.8",
            "Were the adjusted confounders measured validly and reliably?",
            when=When(("1.7",), YES),
        ),
    ),
    _confounding,
)

D2 = _domain(
    2,
    "Selection",
    "Bias in selection of participants into the study",
    (
        _q(
            "2.1", "Did selection into the study depend on characteristics seen after intervention?"
        ),
        _q(
            "2.2",
            "Were those post-intervention characteristics likely associated with intervention?",
            when=When(("2.1",), YES),
        ),
        _q(
            "2.3",
            "Were they likely influenced by the outcome or a cause of it?",
            when=When(("2.2",), YES),
        ),
        _q("2.4", "Does follow-up begin when the intervention begins, for most participants?"),
        _q(
            "2.5",
            "Were adjustment methods used that likely correct the selection bias?",
            when=Either((When(("2.2", "2.3"), YES, all_of=True), When(("2.4",), NO))),
        ),
    ),
    _selection,
)

D3 = _domain(
    3,
    "Classification",
    "Bias in classification of interventions",
    (
        _q("3.1", "Is it clear what each intervention group received?"),
        _q("3.2", "Was group membership documented when the intervention began?"),
        _q("3.3", "Could knowing the outcome (or its risk) have affected classification?"),
    ),
    _classification,
)

D4_ASSIGNMENT = _domain(
    4,
    "Deviations",
    "Bias due to deviations from intended interventions (effect of assignment)",
    (
        _q("4.1", "Were there deviations beyond what usual practice would bring?"),
        _q(
            "4.2",
            "Were those departures uneven across groups and likely to sway the outcome?",
            when=When(("4.1",), YES),
        ),
    ),
    _deviations_assignment,
    variant="assignment",
)

D4_ADHERING = _domain(
    4,
    "Deviations",
    "Bias due to deviations from intended interventions (effect of starting and adhering)",
    (
        _q("4.3", "Were key co-interventions similar across groups?"),
        _q("4.4", "Was the intervention delivered as planned for most participants?"),
        _q("4.5", "Did most participants stick to their assigned regimen?"),
        _q(
            "4.6",
            "Was the analysis appropriate for the effect of starting and adhering?",
            when=When(("4.3", "4.4", "4.5"), NO),
        ),
    ),
    _deviations_adhering,
    variant="adhering",
)

D5 = _domain(
    5,
    "Missing data",
    "Bias due to missing data",
    (
        _q("5.1", "Is the outcome known for all or almost all participants?"),
        _q("5.2", "Were people dropped for lacking data on which intervention they had?"),
        _q("5.3", "Were people dropped for lacking other data the analysis needed?"),
        _q(
            "5.4",
            "Are the amount of and reasons for missing data similar across groups?",
            when=Either((When(("5.1",), NO), When(("5.2", "5.3"), YES))),
        ),
        _q(
            "5.5",
            "Do analyses show the result holds despite the missing data?",
            when=Either((When(("5.1",), NO), When(("5.2", "5.3"), YES))),
        ),
    ),
    _missing_data,
)

D6 = _domain(
    6,
    "Measurement",
    "Bias in measurement of outcomes",
    (
        _q("6.1", "Could knowing the intervention received have influenced the outcome measure?"),
        _q("6.2", "Did outcome assessors know the intervention participants received?"),
        _q("6.3", "Was the outcome assessed the same way in each group?"),
        _q("6.4", "Could measurement errors be tied to which intervention was received?"),
    ),
    _measurement,
)

D7 = _domain(
    7,
    "Reported result",
    "Bias in selection of the reported result",
    (
        _q("7.1", "Was the estimate likely picked, for its value, from several outcome measures?"),
        _q("7.2", "…from several analyses of the intervention–outcome relationship?"),
        _q("7.3", "…from several subgroups or subcohorts?"),
    ),
    _reporting,
)

ROBINS_I = Tool(
    id="robins_i",
    name="ROBINS-I",
    citation=CITATION,
    level="study",
    answer_labels=ANSWERS,
    scale=(LOW, MODERATE, SERIOUS, CRITICAL, NO_INFO),
    overall_scale=(LOW, MODERATE, SERIOUS, CRITICAL, NO_INFO),
    domains=(D1, D2, D3, D4_ASSIGNMENT, D4_ADHERING, D5, D6, D7),
    overall_rule=overall_rule,
    overall_source="Sterne et al. BMJ 2016;355:i4919, table of overall judgements",
    overall_note=(
        "Serious risk in several domains may together justify critical; the algorithm "
        "suggests the worst domain and the reviewer may override with a justification."
    ),
    variants=(
        Variant("assignment", "Effect of assignment to intervention"),
        Variant("adhering", "Effect of starting and adhering to intervention"),
    ),
    directions=DIRECTIONS,
    notes=(
        "Judged per study (per outcome in the guidance: assess each outcome as its own "
        "study-level assessment when that matters). Domain rules are derived from the criteria."
    ),
)
