"""JBI critical appraisal checklists for case reports and case series.

JBI gives items and an overall appraisal (include / exclude / seek further
information) but no algorithm from the items to the appraisal, and warns
against scores. So the reviewer's overall judgement is required; the count
of "yes" over the items that apply is shown beside it as a hint, never as
the answer. Items have no domain judgement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from review.rob.model import Citation, Domain, Judgement, Question, Tool

OPTIONS = ("Y", "N", "U", "NA")
LABELS = {"Y": "Yes", "N": "No", "U": "Unclear", "NA": "Not applicable"}
OVERALL = (Judgement.INCLUDE, Judgement.EXCLUDE, Judgement.SEEK_INFO)
RULE_SOURCE = "JBI gives no algorithm: the reviewer appraises (yes count shown as a hint)"


def yes_count(tool: Tool, answers: Mapping[str, str]) -> tuple[int, int]:
    """('yes' answers, items that apply): items answered NA are left out of both."""
    items = [q.item for d in tool.domains for q in d.questions]
    given = [answers.get(i) for i in items]
    return sum(v == "Y" for v in given), sum(v != "NA" for v in given)


def _checklist(items: Sequence[str]) -> Domain:
    return Domain(
        id="D1",
        name="Checklist",
        full_name="Critical appraisal checklist",
        questions=tuple(Question(str(i), t, OPTIONS) for i, t in enumerate(items, 1)),
        rule=None,
        rule_kind="reviewer",
        rule_source=RULE_SOURCE,
        kind="checklist",
    )


def _tool(tool_id: str, name: str, citation: Citation, items: Sequence[str]) -> Tool:
    return Tool(
        id=tool_id,
        name=name,
        citation=citation,
        level="study",
        answer_labels=LABELS,
        scale=(),
        overall_scale=OVERALL,
        domains=(_checklist(items),),
        overall_rule=None,
        overall_source=RULE_SOURCE,
        overall_note="Your overall appraisal is required; the count of 'yes' is only a hint.",
    )


JBI_CASE_REPORT = _tool(
    "jbi_case_report",
    "JBI checklist for case reports",
    Citation(
        authors="Moola S, Munn Z, Tufanaru C, et al.",
        year=2020,
        title="Chapter 7: Systematic reviews of etiology and risk (checklist for case reports)",
        source="Aromataris E, Munn Z (eds). JBI Manual for Evidence Synthesis. JBI, 2020; "
        "https://jbi.global/critical-appraisal-tools",
    ),
    (
        "Patient's demographics reported clearly",
        "History reported clearly, as a timeline",
        "Condition at presentation reported clearly",
        "Diagnostic tests or assessments and their results reported clearly",
        "Treatment or intervention reported clearly",
        "Condition after treatment reported clearly",
        "Adverse or unexpected events identified and reported",
        "Lessons to take away offered",
    ),
)

JBI_CASE_SERIES = _tool(
    "jbi_case_series",
    "JBI checklist for case series",
    Citation(
        authors="Munn Z, Barker TH, Moola S, et al.",
        year=2020,
        title="Methodological quality of case series studies: an introduction to the JBI "
        "critical appraisal tool",
        source="JBI Evid Synth 2020;18(10):2127–2133",
    ),
    (
        "Inclusion criteria stated clearly",
        "Condition measured the same reliable way for everyone",
        "Condition identified by valid methods",
        "Participants included consecutively",
        "Inclusion complete: every eligible participant",
        "Participants' demographics reported clearly",
        "Participants' clinical information reported clearly",
        "Outcomes or follow-up results reported clearly",
        "Demographics of the presenting sites or clinics reported clearly",
        "Statistical analysis appropriate",
    ),
)
