"""The generic engine every tool runs on: which questions apply, and what they suggest.

Answers are a mapping item → answer code, as stored; stale answers to
questions that no longer apply (an earlier answer changed) are kept by the
caller but read here as NA, so changing 2.1 back restores them unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from review.rob.model import NA, Domain, InvalidAnswer, InvalidJudgement, Judgement, Question, Tool


def effective_answers(domain: Domain, answers: Mapping[str, str]) -> dict[str, str]:
    """Answers as the algorithm reads them: NA where a question does not apply."""
    return _walk(domain, answers)[0]


def applicable_questions(
    tool: Tool, domain: Domain | str, answers: Mapping[str, str], *, variant: str | None = None
) -> tuple[Question, ...]:
    """The questions to ask now, in order; conditional ones appear as their conditions hold.

    A question answered NA by choice ('if applicable' items) stays asked.
    """
    return _walk(_domain(tool, domain, variant), answers)[1]


def _walk(
    domain: Domain, answers: Mapping[str, str]
) -> tuple[dict[str, str], tuple[Question, ...]]:
    """One pass in order settles every condition: conditions only point at
    earlier items, and an answer to a question that itself no longer applies
    cannot switch a later one on."""
    seen: dict[str, str] = {}
    asked: list[Question] = []
    for q in domain.questions:
        if q.when is not None and not q.when.holds(seen):
            seen[q.item] = NA
            continue
        asked.append(q)
        if q.item in answers:
            seen[q.item] = answers[q.item]
    return seen, tuple(asked)


def missing(
    tool: Tool, domain: Domain | str, answers: Mapping[str, str], *, variant: str | None = None
) -> tuple[str, ...]:
    """Items that apply but have no answer yet."""
    asked = applicable_questions(tool, domain, answers, variant=variant)
    return tuple(q.item for q in asked if q.item not in answers)


def validate_answer(
    tool: Tool, item: str, value: str, *, variant: str | None = None
) -> tuple[Domain, Question]:
    """The domain and question an answer belongs to; refuses unknown items and values.

    Whether the question applies is not checked: an answer to a question that
    does not apply now is kept and read as NA until it applies again.
    """
    domain, question = _find(tool, item, variant)
    if value not in question.options:
        raise _not_allowed(tool, question, value)
    return domain, question


def parse_answer(tool: Tool, item: str, text: str, *, variant: str | None = None) -> str:
    """The answer code for what a person or a spreadsheet wrote: the code or its
    label in any case (`py`, `Probably yes`, `not applicable`)."""
    _, question = _find(tool, item, variant)
    wanted = text.strip().casefold()
    labels = question.labels or tool.answer_labels
    for code in question.options:
        if wanted in (code.casefold(), labels.get(code, code).casefold()):
            return code
    raise _not_allowed(tool, question, text.strip())


def parse_judgement(tool: Tool, key: str, text: str, *, overall: bool = False) -> Judgement:
    """A judgement from its words in any case (`some concerns`, `LOW`); off the scale is refused."""
    wanted = text.strip().casefold()
    for judgement in tool.overall_scale if overall else tool.scale:
        if judgement.value.casefold() == wanted:
            return judgement
    raise _off_scale(tool, key, text.strip(), overall=overall)


def _find(tool: Tool, item: str, variant: str | None) -> tuple[Domain, Question]:
    for d in tool.domains_for(variant):
        q = d.question(item)
        if q is not None:
            return d, q
    items = [q.item for d in tool.domains_for(variant) for q in d.questions]
    raise InvalidAnswer(
        f"{tool.name} has no item {item!r}",
        field=item,
        hint=f"items: {', '.join(items)}",
    )


def _not_allowed(tool: Tool, question: Question, value: str) -> InvalidAnswer:
    return InvalidAnswer(
        f"{tool.name} item {question.item}: {value!r} is not an allowed answer",
        field=question.item,
        hint=f"answer one of {', '.join(question.options)}",
    )


def suggest(
    tool: Tool, domain: Domain | str, answers: Mapping[str, str], *, variant: str | None = None
) -> Judgement | None:
    """The judgement the tool's algorithm suggests, or None.

    None when an applicable question is unanswered, or when the tool leaves
    this domain to the reviewer (`rule_kind == "reviewer"`). Answers off the
    question's options raise `InvalidAnswer` naming the item.
    """
    d = _domain(tool, domain, variant)
    if d.rule is None:
        return None
    for item, value in answers.items():
        q = d.question(item)
        if q is not None and value not in q.options:
            raise _not_allowed(tool, q, value)
    if missing(tool, d, answers, variant=variant):
        return None
    return d.rule(effective_answers(d, answers))


def overall(
    tool: Tool,
    domain_judgements: Mapping[str, Judgement],
    *,
    kind: Literal["bias", "applicability"] = "bias",
) -> Judgement | None:
    """The suggested overall judgement from the final domain judgements, keyed by domain id.

    Only domains of `kind` count (QUADAS-2 sums up applicability apart).
    None when one of them has no judgement yet, or when the tool leaves the
    overall judgement to the reviewer (JBI).
    """
    if tool.overall_rule is None:
        return None
    ids = {d.id for d in tool.domains if d.kind == kind}
    for domain_id, judgement in domain_judgements.items():
        if domain_id in ids:
            check_judgement(tool, domain_id, judgement)
    if not ids or not ids <= set(domain_judgements):
        return None
    return tool.overall_rule([domain_judgements[i] for i in sorted(ids)])


def check_judgement(tool: Tool, domain_id: str, judgement: str, *, overall: bool = False) -> None:
    """Refuses a judgement off the tool's scale, naming the domain."""
    if judgement not in (tool.overall_scale if overall else tool.scale):
        raise _off_scale(tool, domain_id, judgement, overall=overall)


def _off_scale(tool: Tool, key: str, judgement: str, *, overall: bool) -> InvalidJudgement:
    scale = tool.overall_scale if overall else tool.scale
    return InvalidJudgement(
        f"{tool.name} {key}: {str(judgement)!r} is not on the scale",
        field=key,
        hint=f"judge one of {', '.join(scale) or '(none: this tool has no domain judgements)'}",
    )


def _domain(tool: Tool, domain: Domain | str, variant: str | None) -> Domain:
    return domain if isinstance(domain, Domain) else tool.domain(domain, variant)
