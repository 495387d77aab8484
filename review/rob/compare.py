"""Where two reviewers' assessments of the same study (or result) differ, for consensus.

Only what counts is compared: answers to questions that apply for at least
one of the two (a stale answer to a question neither is asked is no
disagreement), and final judgements. Support text is not compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.engine import applicable_questions
from review.rob.model import NA


@dataclass(frozen=True, slots=True)
class Difference:
    """One item or judgement on which the two assessments disagree."""

    domain: str
    """Domain id, or `OVERALL` / `OVERALL_APPLICABILITY`."""
    item: str | None
    """The item, or None for the judgement itself."""
    first: str | None
    """The first reviewer's answer or final judgement (NA: not asked; None: not given)."""
    second: str | None


def compare(first: Assessment, second: Assessment) -> list[Difference]:
    """Differences in domain order, answers before each domain's judgement."""
    if first.tool.id != second.tool.id or first.variant != second.variant:
        raise ValueError(
            f"cannot compare {first.tool.id}/{first.variant} with {second.tool.id}/{second.variant}"
        )
    tool = first.tool
    found: list[Difference] = []
    a_values, b_values = first.values(), second.values()
    for d in first.domains:
        asked_a = {q.item for q in applicable_questions(tool, d, a_values)}
        asked_b = {q.item for q in applicable_questions(tool, d, b_values)}
        for q in d.questions:
            if q.item not in asked_a | asked_b:
                continue
            a = a_values.get(q.item) if q.item in asked_a else NA
            b = b_values.get(q.item) if q.item in asked_b else NA
            if a != b:
                found.append(Difference(d.id, q.item, a, b))
        if d.kind != "checklist" and first.final(d.id) != second.final(d.id):
            found.append(Difference(d.id, None, first.final(d.id), second.final(d.id)))
    for key in (OVERALL, OVERALL_APPLICABILITY):
        if first.final(key) != second.final(key):
            found.append(Difference(key, None, first.final(key), second.final(key)))
    return found
