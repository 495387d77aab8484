"""QUIPS, quality in prognosis studies: risk of bias in prognostic factor studies.

Hayden JA, van der Windt DA, Cartwright JL, Côté P, Bombardier C. Assessing
bias in studies of prognostic factors. Ann Intern Med 2013;158(4):280–286.

Six domains, each rated low, moderate or high risk of bias by the reviewer
"considering" its prompting items; the paper gives no rule from items to
rating and no overall judgement. As QUADAS-2 is read here, the suggestion is
`derived`: every item met (Y) → low; an item not met (N) → high; otherwise
(partly met, or unsure) → moderate. Reviews that weigh items differently
override with a justification. Items are our short paraphrase of each
domain's prompting items, numbered within the domain (the paper letters them).
The overall suggestion is the worst domain (derived: robvis and many reviews
report one; QUIPS itself does not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from review.rob.model import Citation, Domain, Judgement, Question, Tool
from review.rob.rob2 import worst

LOW, MODERATE, HIGH = Judgement.LOW, Judgement.MODERATE, Judgement.HIGH
ORDER = (LOW, MODERATE, HIGH)
OPTIONS = ("Y", "P", "N", "U")
LABELS = {"Y": "Yes", "P": "Partly", "N": "No", "U": "Unsure"}

CITATION = Citation(
    authors="Hayden JA, van der Windt DA, Cartwright JL, Côté P, Bombardier C",
    year=2013,
    title="Assessing bias in studies of prognostic factors",
    source="Ann Intern Med 2013;158(4):280–286",
)
SOURCE = (
    "Hayden et al. 2013 give no item-to-rating rule: derived as QUADAS-2's "
    "(all met → low; one not met → high; otherwise moderate)"
)


def domain_rule(answers: Mapping[str, str]) -> Judgement:
    """All Y → low; any N → high; otherwise moderate."""
    values = list(answers.values())
    if "N" in values:
        return HIGH
    return LOW if all(v == "Y" for v in values) else MODERATE


def overall_rule(judgements: Sequence[Judgement]) -> Judgement:
    """The worst domain."""
    return worst(judgements, ORDER)


def _domain(number: int, name: str, full: str, items: Sequence[str]) -> Domain:
    return Domain(
        id=f"D{number}",
        name=name,
        full_name=full,
        questions=tuple(Question(f"{number}.{i}", t, OPTIONS) for i, t in enumerate(items, 1)),
        rule=domain_rule,
        rule_kind="derived",
        rule_source=SOURCE,
    )


DOMAINS = (
    _domain(
        1,
        "Participation",
        "Study participation",
        (
            "Is the source population described well enough?",
            "Are recruitment (place, period, method) and eligibility described?",
            "Did enough of the eligible people take part?",
            "Is the sample's baseline described for the key characteristics?",
        ),
    ),
    _domain(
        2,
        "Attrition",
        "Study attrition",
        (
            "Did enough participants give outcome data?",
            "Are attempts to collect data on those lost described?",
            "Are reasons for loss given, and those lost described?",
            "Do completers and those lost differ little on key characteristics?",
        ),
    ),
    _domain(
        3,
        "Prognostic factor",
        "Prognostic factor measurement",
        (
            "Is the prognostic factor clearly defined?",
            "Was it measured validly and reliably?",
            "Was it measured the same way for every participant?",
            "Are cut-offs or categories stated in advance (or continuous values used)?",
            "Is the share with missing factor data small, and imputation appropriate?",
        ),
    ),
    _domain(
        4,
        "Outcome",
        "Outcome measurement",
        (
            "Is the outcome clearly defined?",
            "Was it measured validly and reliably?",
            "Was it measured the same way for every participant?",
        ),
    ),
    _domain(
        5,
        "Confounding",
        "Study confounding",
        (
            "Are the important confounders measured?",
            "Are they clearly defined and measured validly and reliably?",
            "Were they measured the same way for every participant?",
            "Is missing confounder data handled appropriately?",
            "Does the design or analysis account for the important confounders?",
        ),
    ),
    _domain(
        6,
        "Analysis",
        "Statistical analysis and reporting",
        (
            "Are the data enough to judge the analysis?",
            "Is the model-building strategy suitable and based on a framework?",
            "Is the model adequate for the design?",
            "Is there no selective reporting of results?",
        ),
    ),
)

QUIPS = Tool(
    id="quips",
    name="QUIPS",
    citation=CITATION,
    level="study",
    answer_labels=LABELS,
    scale=ORDER,
    overall_scale=ORDER,
    domains=DOMAINS,
    overall_rule=overall_rule,
    overall_source="Not part of QUIPS: the worst domain, as robvis's QUIPS template reports one",
    overall_note="QUIPS rates domains only; the overall judgement is the review's convention.",
    notes="Judged per study and prognostic factor (assess each factor separately when needed).",
)
