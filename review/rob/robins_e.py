"""ROBINS-E, risk of bias in non-randomised follow-up studies of exposures.

Higgins JPT, Morgan RL, Rooney AA, et al. A tool to assess risk of bias in
non-randomized follow-up studies of exposure effects (ROBINS-E). Environment
International 2024;186:108602 (tool of June 2023, riskofbias.info).

Seven domains, judged Low / Some concerns / High / Very high; domain 1's
"Low" means low except for the uncontrolled confounding no observational
study can rule out. Confounding and exposure questions take graded noes:
WN (weak no: the shortfall is probably not substantial) and SN (strong no:
probably substantial), as the 2023 tool asks them.

The tool document was not in the corpora searchable when this was written:
the domains, their order and the scale follow the published article's
outline, but the questions are our condensed paraphrase (numbered within
each domain, not the tool's own item numbers) and every rule is `derived`:

- a problem that is established and not dealt with → High; dealt with,
  partly known, or no information → Some concerns; ruled out → Low;
- Very high only where the questions can show two failures at once
  (confounding uncontrolled *and* negative controls pointing to it; an
  exposure measure that misses the exposure *and* errs with the outcome;
  selection and follow-up both broken and uncorrected). Elsewhere the
  reviewer raises a judgement to Very high.
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
    When,
)
from review.rob.rob2 import ANSWERS, worst

LOW, SOME, HIGH = Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH
VERY_HIGH = Judgement.VERY_HIGH
ORDER = (LOW, SOME, HIGH, VERY_HIGH)

FULL = ("Y", "PY", "PN", "N", "NI")
GRADED = ("Y", "PY", "WN", "SN", "NI")
"""Yes, or a no graded by how much it matters (weak / strong)."""
WN, SN = frozenset({"WN"}), frozenset({"SN"})

LABELS = {**ANSWERS, "WN": "Weak no", "SN": "Strong no"}
DIRECTIONS = (
    "Upward (overestimates the effect)",
    "Downward (underestimates the effect)",
    "Towards null",
    "Away from null",
    "Unpredictable",
)

CITATION = Citation(
    authors="Higgins JPT, Morgan RL, Rooney AA, et al.",
    year=2024,
    title="A tool to assess risk of bias in non-randomized follow-up studies of exposure "
    "effects (ROBINS-E)",
    source="Environment International 2024;186:108602; tool (June 2023) at riskofbias.info",
)

SOURCE = (
    "ROBINS-E (Higgins et al. 2024), domain {}: derived from the domain's concern; "
    "the tool's algorithm figure was not at hand. Check before publishing."
)


def _confounding(a: Mapping[str, str]) -> Judgement:
    # Controlled and measured well → low; a weak shortfall → some concerns;
    # a strong one, no information, or control for the exposure's own
    # consequences (1.3) → high. Negative controls or other evidence of
    # serious uncontrolled confounding (1.4) raise low to some concerns and
    # high to very high.
    if a["1.1"] in SN | NI or a["1.2"] in SN | NI or a["1.3"] in YES:
        base = HIGH
    elif a["1.1"] in WN or a["1.2"] in WN:
        base = SOME
    else:
        base = LOW
    if a["1.4"] not in YES:
        return base
    return {LOW: SOME, SOME: SOME, HIGH: VERY_HIGH}[base]


def _exposure(a: Mapping[str, str]) -> Judgement:
    # A measure that misses the exposure of interest (2.1 SN) or errors tied
    # to the outcome (2.2) → high, both → very high; smaller or unknown
    # shortfalls, or uncorrected error (2.3) → some concerns.
    missed, differential = a["2.1"] in SN, a["2.2"] in YES
    if missed and differential:
        return VERY_HIGH
    if missed or differential:
        return HIGH
    if a["2.1"] in WN | NI or a["2.2"] in NI or a["2.3"] in YES | NI:
        return SOME
    return LOW


def _selection(a: Mapping[str, str]) -> Judgement:
    # Selection on post-exposure characteristics tied to exposure and outcome
    # (3.2), or follow-up not starting with exposure (3.3); corrected (3.4)
    # → some concerns; both and uncorrected → very high.
    selected, late_start = a["3.2"] in YES, a["3.3"] in NO
    if selected or late_start:
        if a["3.4"] in YES:
            return SOME
        return VERY_HIGH if selected and late_start else HIGH
    if a["3.1"] in NI or a["3.2"] in NI or a["3.3"] in NI:
        return SOME
    return LOW


def _post_exposure(a: Mapping[str, str]) -> Judgement:
    # Interventions prompted by the exposure that could change the outcome
    # (4.1, 4.2) and were not accounted for (4.3) → high.
    if a["4.1"] in NO or a["4.2"] in NO:
        return LOW
    if a["4.1"] in NI or a["4.2"] in NI or a["4.3"] in YES:
        return SOME
    return HIGH


def _missing(a: Mapping[str, str]) -> Judgement:
    # As RoB 2's domain 3: complete, shown robust, or missingness unrelated
    # to the true values → low; related but probably not → some concerns.
    if a["5.1"] in YES or a["5.2"] in YES or a["5.3"] in NO:
        return LOW
    return SOME if a["5.4"] in NO else HIGH


def _outcome(a: Mapping[str, str]) -> Judgement:
    # As RoB 2's domain 4, with knowledge of exposure history in place of
    # knowledge of the intervention.
    if a["6.1"] in YES or a["6.2"] in YES or a["6.5"] in YES | NI:
        return HIGH
    if a["6.2"] in NI:
        return SOME
    return LOW if a["6.3"] in NO or a["6.4"] in NO else SOME


def _reporting(a: Mapping[str, str]) -> Judgement:
    # As RoB 2's domain 5, with subgroups (7.4) one more way of selecting.
    chosen = ("7.2", "7.3", "7.4")
    if any(a[i] in YES for i in chosen):
        return HIGH
    if all(a[i] in NO for i in chosen) and a["7.1"] in YES:
        return LOW
    return SOME


def overall_rule(judgements: Sequence[Judgement]) -> Judgement:
    """The worst domain decides (low only if every domain is low). High in
    several domains may together justify very high: the reviewer's call."""
    return worst(judgements, ORDER)


def _q(
    item: str, text: str, options: tuple[str, ...] = FULL, when: Condition | None = None
) -> Question:
    return Question(item, text, options, when)


Rule = Callable[[Mapping[str, str]], Judgement]


def _domain(
    number: int, name: str, full: str, questions: tuple[Question, ...], rule: Rule
) -> Domain:
    return Domain(f"D{number}", name, full, questions, rule, "derived", SOURCE.format(number))


CONTROLLED = When(("1.1",), YES | WN)

D1 = _domain(
    1,
    "Confounding",
    "Risk of bias due to confounding",
    (
        _q("1.1", "Were all important confounders controlled for where needed?", GRADED),
        _q(
            "1.2",
            "Were the controlled confounders measured validly and reliably?",
            GRADED,
            CONTROLLED,
        ),
        _q(
            "1.3",
            "Was the analysis adjusted for things the exposure itself could change?",
            when=CONTROLLED,
        ),
        _q(
            "1.4",
            "Do negative controls or other evidence point to serious uncontrolled confounding?",
        ),
    ),
    _confounding,
)

D2 = _domain(
    2,
    "Exposure",
    "Risk of bias arising from measurement of the exposure",
    (
        _q(
            "2.1",
            "Does the measure capture the exposure of interest (metric, time window)?",
            GRADED,
        ),
        _q("2.2", "Could errors in measuring exposure be tied to the outcome or its risk?"),
        _q("2.3", "Was exposure measured with error that the analysis did not correct?"),
    ),
    _exposure,
)

D3 = _domain(
    3,
    "Selection",
    "Risk of bias in selection of participants into the study (or into the analysis)",
    (
        _q(
            "3.1",
            "Did entry to the study or analysis depend on what happened after exposure began?",
        ),
        _q(
            "3.2",
            "Were those traits tied to exposure and influenced by the outcome or its causes?",
            when=When(("3.1",), YES),
        ),
        _q("3.3", "Did follow-up start when exposure started, for most participants?"),
        _q(
            "3.4",
            "Did the analysis correct for the selection or the late start?",
            when=Either((When(("3.2",), YES), When(("3.3",), NO))),
        ),
    ),
    _selection,
)

D4 = _domain(
    4,
    "Post-exposure",
    "Risk of bias due to post-exposure interventions",
    (
        _q(
            "4.1",
            "Were there interventions that the exposure (or its effects) could have prompted?",
        ),
        _q("4.2", "Could those interventions have changed the outcome?", when=When(("4.1",), YES)),
        _q(
            "4.3",
            "Did the analysis account for them appropriately?",
            when=When(("4.2",), YES | NI),
        ),
    ),
    _post_exposure,
)

D5 = _domain(
    5,
    "Missing data",
    "Risk of bias due to missing data",
    (
        _q("5.1", "Were exposure, confounder and outcome data complete for nearly everyone?"),
        _q(
            "5.2",
            "Is there evidence that the result is not biased by the missing data?",
            when=When(("5.1",), NO | NI),
        ),
        _q(
            "5.3",
            "Could missingness depend on the true values of exposure or outcome?",
            when=When(("5.2",), NO | NI),
        ),
        _q("5.4", "Is it likely that it did?", when=When(("5.3",), YES | NI)),
    ),
    _missing,
)

D6 = _domain(
    6,
    "Outcome",
    "Risk of bias arising from measurement of the outcome",
    (
        _q("6.1", "Was the outcome measured with an unsuitable method?"),
        _q("6.2", "Might outcomes have been measured differently by exposure group?"),
        _q(
            "6.3",
            "Did outcome assessors know participants' exposure history?",
            when=When(("6.1", "6.2"), NO | NI, all_of=True),
        ),
        _q(
            "6.4",
            "Could that knowledge have influenced the assessment?",
            when=When(("6.3",), YES | NI),
        ),
        _q("6.5", "Is it likely that it did?", when=When(("6.4",), YES | NI)),
    ),
    _outcome,
)

D7 = _domain(
    7,
    "Reported result",
    "Risk of bias in selection of the reported result",
    (
        _q("7.1", "Was the analysis prespecified in a plan fixed before the data were seen?"),
        _q(
            "7.2",
            "Was the result likely picked, for its value, from several exposure/outcome measures?",
        ),
        _q("7.3", "…from several analyses?"),
        _q("7.4", "…from several subgroups?"),
    ),
    _reporting,
)

ROBINS_E = Tool(
    id="robins_e",
    name="ROBINS-E",
    citation=CITATION,
    level="study",
    answer_labels=LABELS,
    scale=ORDER,
    overall_scale=ORDER,
    domains=(D1, D2, D3, D4, D5, D6, D7),
    overall_rule=overall_rule,
    overall_source="ROBINS-E (Higgins et al. 2024): the worst domain judgement (derived)",
    overall_note=(
        "High risk in several domains may together justify very high; the algorithm "
        "suggests the worst domain and the reviewer may override with a justification."
    ),
    directions=DIRECTIONS,
    notes=(
        "Judged per study (assess each outcome as its own study-level assessment when that "
        "matters). Questions condensed and rules derived: see review/rob/robins_e.py."
    ),
)
