"""Which studies and results are assessed for risk of bias, and how far along.

One item per included study, per result row for result-level tools (RoB 2),
with the tool its design calls for and each assessor's status: the list the
risk-of-bias screen, `review rob status` and the exports start from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from review.extraction.labels import study_labels
from review.extraction.studies import IncludedStudy, load_included
from review.extraction.values import Values
from review.ledger.entities import Entity, of_study
from review.protocol.models import Protocol
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.events import AGREED, SHARED, RobLedger, Target, final_assessment
from review.rob.model import Tool
from review.rob.overall_check import check_overall
from review.rob.session import Status, assessors, study_tool
from review.store import Store


@dataclass(frozen=True)
class RobItem:
    """One line of the risk-of-bias list: a study (or one of its results) and its state."""

    study: IncludedStudy
    label: str
    design: str | None
    tool: Tool | None
    result: Entity | None
    statuses: dict[str, Status] = field(default_factory=dict)
    """Reviewer (or `AGREED`) → their status; with one assessor the key is `SHARED`."""
    status: Status = Status.NOT_STARTED
    problem: str | None = None
    hint: str | None = None
    warnings: tuple[str, ...] = ()
    """Of the final assessment's overall judgement: set before the domains, or
    lower risk than they imply (`review.rob.overall_check`); never blocking."""

    @property
    def target(self) -> Target | None:
        if self.tool is None:
            return None
        return (self.study.key, self.result.id if self.result else "", self.tool.id)


def overview(
    store: Store, protocol: Protocol, studies: Sequence[IncludedStudy] | None = None
) -> list[RobItem]:
    """Included studies in screening order, each with its tool and status; a
    result-level tool lists one line per live result of the study. A caller
    holding the included studies passes them, saving a screening replay."""
    if studies is None:
        studies = load_included(store, protocol)
    values = Values(store.extraction.value_events())
    ledger = RobLedger(store.rob.events())
    entities = store.entities.entities()
    labels = study_labels(store, studies)
    count = assessors(protocol)
    out: list[RobItem] = []
    for study in studies:
        found = study_tool(protocol, values, study.key)
        label = labels[study.key]
        if found.tool is None:
            out.append(
                RobItem(
                    study, label, found.design, None, None, problem=found.problem, hint=found.hint
                )
            )
            continue
        tool = found.tool
        results: list[Entity | None] = (
            list(of_study(entities, study.key, "result")) if tool.level == "result" else [None]
        )
        if not results:
            out.append(
                RobItem(
                    study, label, found.design, tool, None,
                    problem=f"{tool.name} judges each result: the study has none yet",
                    hint="add results in the extraction form",
                )
            )  # fmt: skip
            continue
        for result in results:
            target = (study.key, result.id if result else "", tool.id)
            by_who = _statuses(ledger, tool, target, count)
            status, final = _overall_status(ledger, tool, target, by_who, count)
            out.append(
                RobItem(
                    study, label, found.design, tool, result, by_who, status,
                    warnings=_overall_warnings(final) if final is not None else (),
                )
            )  # fmt: skip
    return out


def _status_of(ledger: RobLedger, tool: Tool, target: Target, register: str) -> Status:
    replayed = ledger.replay(tool, target, register)
    if not replayed.started:
        return Status.NOT_STARTED
    return Status.COMPLETE if replayed.assessment.is_complete else Status.IN_PROGRESS


def _statuses(ledger: RobLedger, tool: Tool, target: Target, count: int) -> dict[str, Status]:
    if count == 1:
        return {SHARED: _status_of(ledger, tool, target, SHARED)}
    out = {who: _status_of(ledger, tool, target, who) for who in ledger.reviewers(target)}
    agreed = _status_of(ledger, tool, target, AGREED)
    if agreed is not Status.NOT_STARTED:
        out[AGREED] = agreed
    return out


def _overall_status(
    ledger: RobLedger, tool: Tool, target: Target, by_who: dict[str, Status], count: int
) -> tuple[Status, Assessment | None]:
    """Complete when the final assessment is (one assessor's, or the pair's
    agreed one); not started when nobody began. With the final assessment."""
    if not any(s is not Status.NOT_STARTED for s in by_who.values()):
        return Status.NOT_STARTED, None
    final = final_assessment(ledger, tool, target, assessors=count)
    return (Status.COMPLETE if final.is_complete else Status.IN_PROGRESS), final


def _overall_warnings(final: Assessment) -> tuple[str, ...]:
    keys = [OVERALL]
    if any(d.kind == "applicability" for d in final.domains):
        keys.append(OVERALL_APPLICABILITY)
    return tuple(w for key in keys for w in check_overall(final, key).warnings)
