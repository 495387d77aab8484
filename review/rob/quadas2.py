"""QUADAS-2, risk of bias and applicability concerns in diagnostic accuracy studies.

Whiting PF, Rutjes AWS, Westwood ME, et al. Ann Intern Med 2011;155(8):529–536.
The paper (its text on judging risk of bias, and Table 1 of domains and
signalling questions) says a domain whose signalling
questions are all "yes" can be judged low; a "no" flags potential for bias,
which review-specific rules then judge; "unclear" is for insufficient
reported data. The usual reading, suggested here: all yes → low, any no →
high, otherwise unclear; the reviewer overrides (with a justification) where
the protocol's rules say a "no" does not matter. Applicability concerns have
no signalling questions: the reviewer judges them. Overall (its text on the overall judgement): low
only when every domain is low; high when any is high; otherwise unclear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from review.rob.model import Citation, Domain, Judgement, Question, Tool
from review.rob.rob2 import worst

LOW, HIGH, UNCLEAR = Judgement.LOW, Judgement.HIGH, Judgement.UNCLEAR
OPTIONS = ("Y", "N", "U")

CITATION = Citation(
    authors="Whiting PF, Rutjes AWS, Westwood ME, et al.",
    year=2011,
    title="QUADAS-2: a revised tool for the quality assessment of diagnostic accuracy studies",
    source="Ann Intern Med 2011;155(8):529–536",
)
SOURCE = "Whiting et al. 2011, judging risk of bias: all yes → low; a no flags bias (high)"


def domain_rule(answers: Mapping[str, str]) -> Judgement:
    """All yes → low; any no → high; otherwise (some unclear) → unclear."""
    values = list(answers.values())
    if "N" in values:
        return HIGH
    return LOW if all(v == "Y" for v in values) else UNCLEAR


def overall_rule(judgements: Sequence[Judgement]) -> Judgement:
    """Any high → high; all low → low; otherwise unclear."""
    return worst(judgements, (LOW, UNCLEAR, HIGH))


def _bias(number: int, name: str, questions: Sequence[str]) -> Domain:
    return Domain(
        id=f"D{number}",
        name=name,
        full_name=f"Risk of bias: {name.lower()}",
        questions=tuple(Question(f"{number}.{i}", t, OPTIONS) for i, t in enumerate(questions, 1)),
        rule=domain_rule,
        rule_kind="derived",
        rule_source=SOURCE,
    )


def _applicability(number: int, name: str, text: str) -> Domain:
    return Domain(
        id=f"A{number}",
        name=name,
        full_name=f"Applicability concerns: {text}",
        questions=(),
        rule=None,
        rule_kind="reviewer",
        rule_source="Whiting et al. 2011, Table 1: judged by the reviewer against the question",
        kind="applicability",
    )


QUADAS2 = Tool(
    id="quadas2",
    name="QUADAS-2",
    citation=CITATION,
    level="study",
    answer_labels={"Y": "Yes", "N": "No", "U": "Unclear"},
    scale=(LOW, HIGH, UNCLEAR),
    overall_scale=(LOW, HIGH, UNCLEAR),
    domains=(
        _bias(
            1,
            "Patient selection",
            (
                "Were patients enrolled consecutively or at random?",
                "Were patients sampled without a case–control design?",
                "Were no patients excluded inappropriately?",
            ),
        ),
        _bias(
            2,
            "Index test",
            (
                "Was the index test read without knowing the reference result?",
                "Was any positivity threshold fixed beforehand?",
            ),
        ),
        _bias(
            3,
            "Reference standard",
            (
                "Does the reference standard identify the target condition reliably?",
                "Was the reference standard read without knowing the index test result?",
            ),
        ),
        _bias(
            4,
            "Flow and timing",
            (
                "Was the gap between index test and reference standard suitable?",
                "Was every patient verified by a reference standard?",
                "Was the same reference standard used for all?",
                "Did the analysis account for every enrolled patient?",
            ),
        ),
        _applicability(1, "Patient selection", "do the patients match the review question?"),
        _applicability(2, "Index test", "does the index test, its conduct or reading match?"),
        _applicability(3, "Reference standard", "does the target condition it defines match?"),
    ),
    overall_rule=overall_rule,
    overall_source="Whiting et al. 2011, text on the overall judgement",
    overall_note=(
        "The same rule gives overall applicability concerns from A1–A3. Review-specific "
        "rules may judge a domain with a 'no' low: override with a justification."
    ),
)
