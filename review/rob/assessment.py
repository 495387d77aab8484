"""One reviewer's assessment of one study (or result) with one tool, as a value.

The store rebuilds it from events and the screens show it; every change
returns a new `Assessment`, validated on the way in. Suggested judgements
are never stored here: they are recomputed from the answers, so a changed
answer shows at once whether a confirmed judgement now departs from the
algorithm and needs a justification.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from review.rob.engine import (
    check_judgement,
    missing,
    overall,
    suggest,
    validate_answer,
)
from review.rob.model import Domain, InvalidJudgement, Judgement, Tool

OVERALL = "Overall"
"""Key of the overall (risk-of-bias) decision, beside the domain ids."""
OVERALL_APPLICABILITY = "Overall applicability"
"""Key of QUADAS-2's overall applicability concerns."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer with the text that supports it (a quote and its page)."""

    value: str
    support: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """The reviewer's final judgement of a domain or overall."""

    final: Judgement
    justification: str = ""
    """Required when `final` departs from the suggestion."""
    direction: str | None = None
    """Predicted direction of bias (RoB 2, ROBINS-I), optional."""


@dataclass(frozen=True)
class Assessment:
    """Answers per item, and final judgements per domain and overall."""

    tool: Tool
    variant: str | None = None
    answers: Mapping[str, Answer] = field(default_factory=dict)
    decisions: Mapping[str, Decision] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "variant", self.tool.variant_id(self.variant))

    @property
    def domains(self) -> tuple[Domain, ...]:
        return self.tool.domains_for(self.variant)

    def values(self) -> dict[str, str]:
        """Item → answer code, as the engine reads them."""
        return {item: a.value for item, a in self.answers.items()}

    def answer(self, item: str, value: str, support: str = "") -> Assessment:
        """A copy with this answer; `InvalidAnswer` names the item when it is not allowed."""
        validate_answer(self.tool, item, value, variant=self.variant)
        return replace(self, answers={**self.answers, item: Answer(value, support)})

    def suggested(self, key: str) -> Judgement | None:
        """The algorithm's suggestion for a domain id, `OVERALL` or `OVERALL_APPLICABILITY`."""
        if key in (OVERALL, OVERALL_APPLICABILITY):
            finals = {k: d.final for k, d in self.decisions.items() if k not in _OVERALLS}
            if key == OVERALL:
                return overall(self.tool, finals)
            return overall(self.tool, finals, kind="applicability")
        return suggest(self.tool, key, self.values(), variant=self.variant)

    def final(self, key: str) -> Judgement | None:
        decision = self.decisions.get(key)
        return decision.final if decision else None

    def decide(
        self,
        key: str,
        final: Judgement | str,
        justification: str = "",
        *,
        direction: str | None = None,
    ) -> Assessment:
        """A copy with the reviewer's judgement; an override needs a justification.

        Confirming the suggestion needs none. Where there is no suggestion
        (the reviewer judges, or answers are incomplete) none is required.
        """
        is_overall = key in _OVERALLS
        if not is_overall:
            domain = self.tool.domain(key, self.variant)
            if domain.kind == "checklist":
                raise InvalidJudgement(
                    f"{self.tool.name} {key}: items only, no domain judgement; judge {OVERALL}",
                    field=key,
                )
        check_judgement(self.tool, key, final, overall=is_overall)
        judgement = Judgement(final)
        suggested = self.suggested(key)
        if suggested is not None and judgement != suggested and not justification.strip():
            raise InvalidJudgement(
                f"{self.tool.name} {key}: {judgement} departs from the suggested {suggested}",
                field=key,
                hint="give a justification for the override",
            )
        if direction is not None and direction not in self.tool.directions:
            raise InvalidJudgement(
                f"{self.tool.name} {key}: {direction!r} is not a direction of bias",
                field=key,
                hint=f"one of {', '.join(self.tool.directions) or '(none for this tool)'}",
            )
        decision = Decision(judgement, justification.strip(), direction)
        return replace(self, decisions={**self.decisions, key: decision})

    def problems(self) -> list[str]:
        """What stands between this assessment and complete, one line each, in order."""
        found: list[str] = []
        values = self.values()
        for d in self.domains:
            unanswered = missing(self.tool, d, values)
            if unanswered:
                found.append(f"{d.id}: unanswered {', '.join(unanswered)}")
            if d.kind != "checklist":
                found += self._decision_problem(d.id)
        found += self._decision_problem(OVERALL)
        if any(d.kind == "applicability" for d in self.domains):
            found += self._decision_problem(OVERALL_APPLICABILITY)
        return found

    @property
    def is_complete(self) -> bool:
        return not self.problems()

    def _decision_problem(self, key: str) -> list[str]:
        decision = self.decisions.get(key)
        if decision is None:
            return [f"{key}: no judgement yet"]
        suggested = self.suggested(key)
        if suggested is not None and decision.final != suggested and not decision.justification:
            return [f"{key}: {decision.final} departs from the suggested {suggested} unjustified"]
        return []


_OVERALLS = (OVERALL, OVERALL_APPLICABILITY)
