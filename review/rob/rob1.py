"""RoB 1, the original Cochrane risk-of-bias tool, for updating older reviews.

Higgins JPT, Altman DG, Gøtzsche PC, et al. The Cochrane Collaboration's tool
for assessing risk of bias in randomised trials. BMJ 2011;343:d5928; Cochrane
Handbook version 5.1 (2011), chapter 8.

Seven domains judged directly as low, high or unclear risk, each with the
support for the judgement (Handbook 5.1, section 8.5 and Table 8.5.d give the
criteria); there are no signalling questions, so no domain suggestion.
The summary within a study is published (Handbook 5.1, section 8.7, Table
8.7.a): low when every key domain is low, high when one or more key domain
is high, otherwise unclear. Which domains are key is the review's choice:
the suggestion counts every domain, and the reviewer overrides (with a
justification) when a domain judged unclear or high is not key.
"""

from __future__ import annotations

from collections.abc import Sequence

from review.rob.model import Citation, Domain, Judgement, Tool
from review.rob.rob2 import worst

LOW, UNCLEAR, HIGH = Judgement.LOW, Judgement.UNCLEAR, Judgement.HIGH
ORDER = (LOW, UNCLEAR, HIGH)

CITATION = Citation(
    authors="Higgins JPT, Altman DG, Gøtzsche PC, et al.",
    year=2011,
    title="The Cochrane Collaboration's tool for assessing risk of bias in randomised trials",
    source="BMJ 2011;343:d5928; Cochrane Handbook v5.1 (2011) ch. 8",
)
CRITERIA = "Cochrane Handbook v5.1, Table 8.5.d: the reviewer judges with the criteria"

DOMAINS = tuple(
    Domain(
        id=f"D{n}",
        name=name,
        full_name=full,
        questions=(),
        rule=None,
        rule_kind="reviewer",
        rule_source=CRITERIA,
    )
    for n, (name, full) in enumerate(
        (
            ("Sequence", "Random sequence generation (selection bias)"),
            ("Concealment", "Allocation concealment (selection bias)"),
            ("Blinding people", "Blinding of participants and personnel (performance bias)"),
            ("Blinding assessors", "Blinding of outcome assessment (detection bias)"),
            ("Incomplete data", "Incomplete outcome data (attrition bias)"),
            ("Reporting", "Selective reporting (reporting bias)"),
            ("Other", "Other bias"),
        ),
        1,
    )
)

ROBVIS_COLUMNS = {
    "D1": "Random.sequence.generation",
    "D2": "Allocation.concealment",
    "D3": "Blinding.of.participants.and.personnel",
    "D4": "Blinding.of.outcome.assessment",
    "D5": "Incomplete.outcome.data",
    "D6": "Selective.reporting",
    "D7": "Other.sources.of.bias",
}
"""robvis's RoB 1 data names its columns by domain, not D1…D7 (its Generic template)."""


def overall_rule(judgements: Sequence[Judgement]) -> Judgement:
    """Handbook 5.1 Table 8.7.a, every domain taken as key: any high → high;
    all low → low; otherwise unclear."""
    return worst(judgements, ORDER)


ROB1 = Tool(
    id="rob1",
    name="RoB 1 (Cochrane, 2011)",
    citation=CITATION,
    level="study",
    answer_labels={},
    scale=ORDER,
    overall_scale=ORDER,
    domains=DOMAINS,
    overall_rule=overall_rule,
    overall_source="Cochrane Handbook v5.1 §8.7, Table 8.7.a (summary within a study)",
    overall_note=(
        "Table 8.7.a counts key domains only: the suggestion counts all seven; override "
        "(with the reason) when an unclear or high domain is not key for this outcome."
    ),
    notes="Judged per study (per outcome for blinding and incomplete data where they differ).",
)
