"""Risk-of-bias state replayed from events by the ledger's one rule.

Per register — one reviewer's own entries, or the consensus (`agreed`) —
the event that replays last per (what it sets, variant, item or domain)
wins (`review.ledger.order.newest`), never the file's row order, so files
merged in any order give the same assessments. With one assessor per study
the study has one shared register (the newest entry by anyone), as an
extraction form does.

An event this version cannot place (a tool's item renamed, a judgement off
the scale) is set aside in `unplaced`, never raised: the file stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from review.ledger.order import in_order, newest
from review.ledger.rob import RobEvent
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Answer, Assessment, Decision
from review.rob.engine import check_judgement, validate_answer
from review.rob.model import InvalidAnswer, InvalidJudgement, Judgement, Tool

__all__ = ["AGREED", "SHARED", "Register", "RobEvent", "RobLedger", "Target", "final_assessment"]

Target = tuple[str, str, str]
"""(study key, result id or '', tool id): what one assessment is of."""

AGREED = "agreed"
"""The register of dual assessment's consensus (and the `reviewer` of its rows in files)."""
SHARED = "*"
"""The register of a study with one assessor: every reviewer's entries together."""

Register = str
"""A reviewer's name, `AGREED` or `SHARED`."""


def _key(event: RobEvent) -> tuple[str, str, str]:
    if event.kind == "variant":
        return ("variant", "", "")
    if event.kind == "judgement":
        return ("judgement", event.variant, event.domain)
    return ("answer", event.variant, event.item)


@dataclass(frozen=True)
class Replayed:
    """One register's current events for one target, and what could not be placed."""

    assessment: Assessment
    events: Mapping[tuple[str, str, str], RobEvent]
    unplaced: tuple[RobEvent, ...]

    @property
    def started(self) -> bool:
        return any(e.value is not None for e in self.events.values())


class RobLedger:
    """Every risk-of-bias event of a file (or of one study), replayable per register."""

    def __init__(self, events: Iterable[RobEvent] = ()) -> None:
        self._by_target: dict[Target, list[RobEvent]] = {}
        seen: set[str] = set()
        for event in in_order(events):
            if event.uid in seen:
                continue
            seen.add(event.uid)
            target = (event.study_key, event.result, event.tool)
            self._by_target.setdefault(target, []).append(event)

    def add(self, event: RobEvent) -> None:
        """Fold one new event in (a save), keeping replay order."""
        held = self._by_target.setdefault((event.study_key, event.result, event.tool), [])
        if all(e.uid != event.uid for e in held):
            held.append(event)
            held[:] = in_order(held)

    @property
    def targets(self) -> list[Target]:
        return sorted(self._by_target)

    def events(self, target: Target) -> list[RobEvent]:
        return list(self._by_target.get(target, []))

    def reviewers(self, target: Target) -> list[str]:
        """Reviewers with own (not agreed) entries on the target, by name."""
        return sorted({e.reviewer for e in self._by_target.get(target, []) if not e.agreed})

    def replay(
        self, tool: Tool, target: Target, register: Register, *, variant: str | None = None
    ) -> Replayed:
        """The register's assessment of the target with `tool`; `variant`
        overrides the one chosen (an import that switches it)."""
        events = [e for e in self._by_target.get(target, []) if _in_register(e, register)]
        current = newest(events, _key)
        return _assess(tool, current, variant)

    def assessment(self, tool: Tool, target: Target, register: Register) -> Assessment:
        return self.replay(tool, target, register).assessment


def _in_register(event: RobEvent, register: Register) -> bool:
    if register == AGREED:
        return event.agreed
    if register == SHARED:
        return not event.agreed
    return not event.agreed and event.reviewer == register


def _assess(
    tool: Tool, current: Mapping[tuple[str, str, str], RobEvent], variant: str | None = None
) -> Replayed:
    aside: list[RobEvent] = []
    chosen = current.get(("variant", "", ""))
    if variant is None and chosen is not None and chosen.value is not None:
        try:
            variant = tool.variant_id(chosen.value)
        except InvalidAnswer:
            aside.append(chosen)
    variant = tool.variant_id(variant)
    wanted = ("", variant or "")
    answers: dict[str, Answer] = {}
    decisions: dict[str, Decision] = {}
    for (kind, event_variant, _), event in current.items():
        if kind == "variant" or event.value is None or event_variant not in wanted:
            continue
        try:
            if kind == "answer":
                validate_answer(tool, event.item, event.value, variant=variant)
                answers[event.item] = Answer(event.value, event.support or "")
            else:
                is_overall = event.domain in (OVERALL, OVERALL_APPLICABILITY)
                if not is_overall:
                    tool.domain(event.domain, variant)
                check_judgement(tool, event.domain, event.value, overall=is_overall)
                decisions[event.domain] = Decision(
                    Judgement(event.value), event.note or "", event.direction
                )
        except (InvalidAnswer, InvalidJudgement):
            aside.append(event)
    assessment = Assessment(tool, variant, answers, decisions)
    return Replayed(assessment, dict(current), tuple(in_order(aside)))


def final_assessment(
    ledger: RobLedger, tool: Tool, target: Target, *, assessors: int
) -> Assessment:
    """The assessment that goes into summaries and exports.

    One assessor: the shared register. Two: what the first two reviewers
    (by name) entered alike, with the consensus (`agreed`) over it, as
    dual extraction's final values are built.
    """
    if assessors == 1:
        return ledger.assessment(tool, target, SHARED)
    agreed = ledger.assessment(tool, target, AGREED)
    who = ledger.reviewers(target)[:2]
    if len(who) < 2:
        return agreed
    first, second = (ledger.assessment(tool, target, w) for w in who)
    variant = agreed.variant if _has_variant(ledger, target) else None
    if variant is None:
        variant = first.variant if first.variant == second.variant else None
    answers = {
        item: answer
        for item, answer in first.answers.items()
        if second.answers.get(item, Answer("")).value == answer.value
        and first.variant == second.variant
    }
    decisions = {
        key: decision
        for key, decision in first.decisions.items()
        if (other := second.decisions.get(key)) is not None
        and other.final == decision.final
        and first.variant == second.variant
    }
    answers.update(agreed.answers)
    decisions.update(agreed.decisions)
    return Assessment(tool, variant, answers, decisions)


def _has_variant(ledger: RobLedger, target: Target) -> bool:
    return any(e.agreed and e.kind == "variant" and e.value for e in ledger.events(target))


def judgements(assessment: Assessment, keys: Sequence[str]) -> list[Judgement | None]:
    """Final judgements for keys (domain ids, `OVERALL`), None where not given."""
    return [assessment.final(key) for key in keys]
