"""One reviewer's risk-of-bias assessment of one study (or result): what a screen wraps.

Every change is stored at once as an event (`store.rob`), so quitting or a
crash loses nothing confirmed. An answer or judgement is checked before
anything is written; an invalid one raises (`InvalidAnswer`,
`InvalidJudgement`) naming the item, and nothing is stored.

Which tool applies comes from the protocol (`risk_of_bias.tools`) and the
study's design, read from its extraction form (`risk_of_bias.design_field`):
the agreed value, else the value every extractor entered alike. No design
yet, extractors who disagree, or a design the protocol maps to no tool each
give a `NoToolError` saying what to do.

Dual assessment follows extraction's setting (`extraction.reviewers_per_study`
and `blind`): reviewers who extract a study in pairs appraise it in pairs,
as Cochrane asks for both. With one assessor the assessment is the study's
(the newest entry by anyone); with two each fills their own, blind to the
other's while `blind`, `differences()` lists where they part, and the
consensus is recorded with `agreed=True` as its own events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from review.errors import UsageError
from review.extraction.fields import from_json
from review.extraction.studies import require_included
from review.extraction.values import Values
from review.ledger.entities import Entity, of_study
from review.protocol.models import Protocol
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.compare import Difference, compare
from review.rob.engine import applicable_questions, parse_answer, parse_judgement
from review.rob.events import AGREED, SHARED, RobLedger, Target, final_assessment
from review.rob.model import Domain, InvalidAnswer, Judgement, Question, Tool
from review.rob.tools import ToolUnavailable, get_tool
from review.store import Store
from review.store.rob import NewRobEvent


class Status(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    COMPLETE = "complete"


class NoToolError(UsageError):
    """The study cannot be appraised yet (or at all): no design, or no tool for it."""


@dataclass(frozen=True)
class StudyTool:
    """Which tool a study is appraised with, or why none."""

    design: str | None
    tool: Tool | None
    problem: str | None = None
    """Why there is no tool (no design yet, extractors disagree, not appraised)."""
    hint: str | None = None


def assessors(protocol: Protocol) -> int:
    """Assessors per study: as many as extract it (see the module docstring)."""
    return protocol.extraction.reviewers_per_study


def design_key(protocol: Protocol) -> str | None:
    """The dotted key of the per-study design field, if the form has it."""
    wanted = protocol.risk_of_bias.design_field
    for ref in protocol.all_form_fields():
        if ref.group is None and ref.field.id == wanted:
            return ref.key
    return None


def study_tool(protocol: Protocol, values: Values, study_key: str) -> StudyTool:
    """The study's design and tool from its extraction values."""
    key = design_key(protocol)
    if key is None:
        return StudyTool(
            None,
            None,
            f"the extraction form has no per-study field {protocol.risk_of_bias.design_field!r}",
            "add it to the protocol, or set risk_of_bias.design_field",
        )
    held = (study_key, key, "")
    agreed = values.agreed_event(held)
    if agreed is not None and from_json(agreed.value) is not None:
        designs = {str(from_json(agreed.value))}
    else:
        designs = {
            str(v)
            for who in values.reviewers_of(study_key)
            if (e := values.event(who, held)) is not None and (v := from_json(e.value)) is not None
        }
    if not designs:
        return StudyTool(None, None, "no study design extracted yet", f"extract {key} first")
    if len(designs) > 1:
        return StudyTool(
            None,
            None,
            f"extractors differ on the design ({', '.join(sorted(designs))})",
            f"agree {key} in extraction first",
        )
    design = designs.pop()
    tool_id = protocol.risk_of_bias.tool_for(design)
    if tool_id is None:
        return StudyTool(
            design, None, f"the protocol names no tool for design {design!r}",
            "add the design to risk_of_bias.tools",
        )  # fmt: skip
    try:
        return StudyTool(design, get_tool(tool_id))
    except ToolUnavailable as exc:
        return StudyTool(design, None, exc.message, exc.hint)


class RobSession:
    """`reviewer`'s assessment of `study_key` (and `result_id` for result-level tools).

    Pass `included` (the included study keys) when the caller has them, to
    skip reading the screening state.
    """

    def __init__(
        self,
        store: Store,
        protocol: Protocol,
        reviewer: str,
        study_key: str,
        result_id: str = "",
        *,
        included: Iterable[str] | None = None,
    ) -> None:
        if not reviewer or not reviewer.strip():
            raise UsageError("a reviewer name is needed to assess", field="reviewer")
        require_included(
            store,
            protocol,
            study_key,
            included,
            hint="risk of bias is assessed for studies included at full text; "
            "see `review rob status FILE`",
        )
        found = study_tool(protocol, Values(store.extraction.value_events(study_key)), study_key)
        if found.tool is None:
            raise NoToolError(
                f"{study_key}: {found.problem}", path=store.path, field="tool", hint=found.hint
            )
        self.tool: Tool = found.tool
        self.design: str = found.design or ""
        if self.tool.level == "result":
            results = {
                e.id: e for e in of_study(store.entities.entities(study_key), study_key, "result")
            }
            if result_id not in results:
                wanted = f"{study_key} has no result {result_id!r}" if result_id else "name one"
                raise UsageError(
                    f"{self.tool.name} judges each result: {wanted}",
                    field="result",
                    hint="results (outcome × timepoint × comparison) are rows of the "
                    "extraction form; `review rob status FILE` lists them",
                )
            self.result: Entity | None = results[result_id]
        elif result_id:
            raise UsageError(
                f"{self.tool.name} judges the whole study, not a result", field="result"
            )
        else:
            self.result = None
        self.store = store
        self.protocol = protocol
        self.reviewer = reviewer.strip()
        self.study_key = study_key
        self.result_id = result_id
        self.target: Target = (study_key, result_id, self.tool.id)
        self.assessors = assessors(protocol)
        self.blind = self.assessors == 2 and protocol.extraction.is_blind
        self.ledger = RobLedger(store.rob.events(study_key))

    # -- what the screen shows --------------------------------------------------

    @property
    def register(self) -> str:
        """Whose entries this reviewer edits: the study's (one assessor) or their own."""
        return SHARED if self.assessors == 1 else self.reviewer

    @property
    def assessment(self) -> Assessment:
        return self.ledger.assessment(self.tool, self.target, self.register)

    @property
    def consensus(self) -> Assessment:
        """The agreed answers and judgements of dual assessment."""
        return self.ledger.assessment(self.tool, self.target, AGREED)

    @property
    def final(self) -> Assessment:
        """What summaries and exports use (see `events.final_assessment`)."""
        return final_assessment(self.ledger, self.tool, self.target, assessors=self.assessors)

    def questions(self, domain_id: str) -> tuple[Question, ...]:
        """The domain's questions that apply now, in order."""
        a = self.assessment
        return applicable_questions(self.tool, domain_id, a.values(), variant=a.variant)

    def suggested(self, key: str) -> Judgement | None:
        return self.assessment.suggested(key)

    def problems(self) -> list[str]:
        return self.assessment.problems()

    @property
    def status(self) -> Status:
        replayed = self.ledger.replay(self.tool, self.target, self.register)
        if not replayed.started:
            return Status.NOT_STARTED
        return Status.COMPLETE if replayed.assessment.is_complete else Status.IN_PROGRESS

    def others(self) -> dict[str, Assessment]:
        """Other assessors' assessments; empty while assessment is blind or single."""
        if self.blind or self.assessors == 1:
            return {}
        return {
            who: self.ledger.assessment(self.tool, self.target, who)
            for who in self.ledger.reviewers(self.target)
            if who != self.reviewer
        }

    def differences(self) -> list[Difference]:
        """Where the first two assessors (by name) differ, for consensus.
        Open it once both are complete: it is not blind."""
        who = self.ledger.reviewers(self.target)
        if self.assessors == 1 or len(who) < 2:
            return []
        first, second = (self.ledger.assessment(self.tool, self.target, w) for w in who[:2])
        if first.variant != second.variant:
            return [Difference("variant", None, first.variant, second.variant)]
        return compare(first, second)

    # -- changes ------------------------------------------------------------------

    def answer(
        self, item: str, value: str | None, support: str | None = None, *, agreed: bool = False
    ) -> bool:
        """Check and store one answer (a code or its label; None clears it);
        returns whether an event was stored. `support` None keeps the
        current quote, '' clears it."""
        current = self.consensus if agreed else self.assessment
        variant = current.variant
        if value is not None and value.strip():
            code: str | None = parse_answer(self.tool, item, value, variant=variant)
        else:
            _domain_of(self.tool, item, variant)
            code = None
        held = current.answers.get(item)
        old_support = held.support if held else ""
        new_support = old_support if support is None else support.strip()
        if held is None and code is None:
            return False
        if held is not None and held.value == code and old_support == new_support:
            return False
        domain = _domain_of(self.tool, item, variant)
        return self._append(
            "answer",
            domain=domain.id,
            item=item,
            value=code,
            support=new_support or None,
            variant=(variant or "") if domain.variant else "",
            agreed=agreed,
        )

    def decide(
        self,
        domain: str,
        final: str | Judgement,
        justification: str = "",
        *,
        direction: str | None = None,
        agreed: bool = False,
    ) -> bool:
        """Record a final judgement of a domain, `OVERALL` or
        `OVERALL_APPLICABILITY`; departing from the suggestion needs a
        justification (`InvalidJudgement` otherwise). Returns whether stored."""
        current = self.consensus if agreed else self.assessment
        is_overall = domain in (OVERALL, OVERALL_APPLICABILITY)
        judgement = parse_judgement(self.tool, domain, str(final), overall=is_overall)
        checked = current.decide(domain, judgement, justification, direction=direction)
        decision = checked.decisions[domain]
        if current.decisions.get(domain) == decision:
            return False
        specific = not is_overall and self.tool.domain(domain, current.variant).variant
        return self._append(
            "judgement",
            domain=domain,
            value=decision.final.value,
            note=decision.justification or None,
            direction=decision.direction,
            variant=(current.variant or "") if specific else "",
            agreed=agreed,
        )

    def confirm(self, domain: str, *, agreed: bool = False) -> bool:
        """Accept the algorithm's suggestion as the final judgement."""
        current = self.consensus if agreed else self.assessment
        suggested = current.suggested(domain)
        if suggested is None:
            raise UsageError(
                f"{self.tool.name} {domain}: no suggestion to confirm",
                field=domain,
                hint="answer every question that applies, or judge it yourself",
            )
        return self.decide(domain, suggested, agreed=agreed)

    def set_variant(self, variant: str, *, agreed: bool = False) -> bool:
        """Choose the tool's variant (RoB 2: effect of assignment or of adhering).
        Answers given under the other variant are kept for a switch back."""
        chosen = self.tool.variant_id(variant)
        current = self.consensus if agreed else self.assessment
        if chosen == current.variant and self._variant_recorded(agreed):
            return False
        return self._append("variant", value=chosen, agreed=agreed)

    # -- helpers --------------------------------------------------------------

    def _variant_recorded(self, agreed: bool) -> bool:
        replayed = self.ledger.replay(self.tool, self.target, AGREED if agreed else self.register)
        return ("variant", "", "") in replayed.events

    def _append(self, kind: str, *, agreed: bool, **fields: str | None) -> bool:
        target = (self.study_key, self.result_id, self.tool.id)
        event = NewRobEvent.of(target, kind, fields, agreed=agreed)
        [uid] = self.store.rob.append([event], reviewer=self.reviewer)
        stored = self.store.rob.event(uid)
        if stored is not None:
            self.ledger.add(stored)
        return True


def _domain_of(tool: Tool, item: str, variant: str | None) -> Domain:
    """The domain holding an item; refuses an item the tool (variant) does not have."""
    domains = tool.domains_for(variant)
    for domain in domains:
        if domain.question(item) is not None:
            return domain
    raise InvalidAnswer(
        f"{tool.name} has no item {item!r}",
        field=item,
        hint=f"items: {', '.join(q.item for d in domains for q in d.questions)}",
    )


# -- the list of studies -----------------------------------------------------------
