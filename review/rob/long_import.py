"""The long file of risk-of-bias answers read back into the ledger, all or nothing.

The layout `review rob export` writes (`reports.LONG_COLUMNS`): a team that
assessed in a spreadsheet, or a script, brings its answers and judgements in;
every problem is listed with row, column and item, and nothing is stored
unless every row is good.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from review.errors import ImportFormatError, Problem
from review.extraction.long_files import read_table
from review.ledger.entities import named, of_study
from review.protocol.models import Protocol
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY
from review.rob.engine import parse_answer, parse_judgement
from review.rob.events import AGREED, SHARED, RobLedger, Target
from review.rob.model import InvalidAnswer, InvalidJudgement, Tool
from review.rob.reports import LONG_COLUMNS
from review.rob.session import assessors
from review.rob.studies import overview
from review.store import Store
from review.store.rob import NewRobEvent
from review.wording import counted, plural

NEEDED = ("study", "tool", "item", "answer")
"""Columns every row must have; the rest are optional."""


class RobImportError(ImportFormatError):
    """A risk-of-bias file with problems; every one is listed and nothing was stored."""


@dataclass
class ImportResult:
    events: int = 0
    unchanged: int = 0
    assessments: set[tuple[Target, str]] = field(default_factory=set)


def import_long(store: Store, protocol: Protocol, path: Path, *, reviewer: str) -> ImportResult:
    """Read answers (and judgements) in the long layout, all or nothing.

    Needed columns: `study, tool, item, answer`; `result` (name) or
    `result_id` for result-level tools; optional `reviewer` (blank: you;
    `agreed`: the consensus), `variant`, `support`, and for judgement rows
    (blank `item`) `domain`, `final`, `justification`, `direction`. A blank
    answer or final is skipped, never a clear; a blank support keeps the
    current one. Judgements are checked after the file's answers, so an
    override needs its justification as in the assessment screen. What is
    already current is not stored again: importing twice changes nothing.
    """
    header, rows = read_table(path)
    missing = [c for c in NEEDED if c not in header]
    if missing:
        raise RobImportError(
            f"missing {plural(len(missing), 'column')}: {', '.join(missing)}",
            path=path,
            line=1,
            hint=f"the long layout's columns: {', '.join(LONG_COLUMNS)}",
        )
    items = {i.study.key: i for i in overview(store, protocol)}
    entities = store.entities.entities()
    ledger = RobLedger(store.rob.events())
    names = store.reviewers.spellings()  # `alice` in a row is the review's `Alice`
    count = assessors(protocol)
    problems: list[Problem] = []
    groups: dict[tuple[Target, str], list[tuple[int, dict[str, str]]]] = {}
    tools: dict[Target, Tool] = {}

    def text(cells: Mapping[str, object], name: str) -> str:
        value = cells.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    for number, raw in rows:
        cells = {name: text(raw, name) for name in raw}
        study = cells.get("study", "")
        found = items.get(study)
        if found is None:
            problems.append(
                Problem(f"{study!r} is not an included study", line=number, field="study")
            )
            continue
        if found.tool is None:
            problems.append(
                Problem(f"{study}: {found.problem}", line=number, field="tool", hint=found.hint)
            )
            continue
        tool = found.tool
        if cells.get("tool", "") != tool.id:
            problems.append(
                Problem(
                    f"{study} is appraised with {tool.id} (design {found.design}), "
                    f"not {cells.get('tool')!r}",
                    line=number,
                    field="tool",
                )
            )
            continue
        result_id = ""
        if tool.level == "result":
            wanted_id, wanted_name = cells.get("result_id", ""), cells.get("result", "")
            live = {e.id: e for e in of_study(entities, study, "result")}
            if wanted_id and wanted_id in live:
                result_id = wanted_id
            elif wanted_name and len(match := named(entities, study, "result", wanted_name)) == 1:
                result_id = match[0].id
            else:
                problems.append(
                    Problem(
                        f"{tool.name} judges each result: no result "
                        f"{wanted_name or wanted_id!r} in {study}",
                        line=number,
                        field="result",
                        hint="name one of the study's results (extraction form)",
                    )
                )
                continue
        elif cells.get("result") or cells.get("result_id"):
            problems.append(
                Problem(f"{tool.name} judges whole studies: leave result blank", line=number,
                        field="result")
            )  # fmt: skip
            continue
        who = cells.get("reviewer", "")
        who = (who if who == AGREED else names.take(who)) if who else reviewer
        target = (study, result_id, tool.id)
        tools[target] = tool
        groups.setdefault((target, who), []).append((number, cells))

    new: list[NewRobEvent] = []
    result = ImportResult()
    for (target, who), group in groups.items():
        tool = tools[target]
        agreed = who == AGREED
        register = AGREED if agreed else (SHARED if count == 1 else who)
        current = ledger.replay(tool, target, register)
        variants = {c["variant"] for _, c in group if c.get("variant")}
        variant = current.assessment.variant
        if variants:
            chosen = sorted(variants)[0]
            if len(variants) > 1:
                problems.append(
                    Problem(
                        f"{target[0]}: several variants for one assessment "
                        f"({', '.join(sorted(variants))})",
                        line=group[0][0],
                        field="variant",
                    )
                )
                continue
            try:
                variant = tool.variant_id(chosen)
            except InvalidAnswer as exc:
                problems.append(Problem(exc.message, line=group[0][0], field="variant",
                                        hint=exc.hint))  # fmt: skip
                continue
        base = ledger.replay(tool, target, register, variant=variant).assessment
        working = base
        events: list[NewRobEvent] = []
        if variant != current.assessment.variant:
            events.append(_new(target, "variant", who, agreed, value=variant))
        judgement_rows = []
        for number, cells in group:
            item = cells.get("item", "")
            if not item:
                judgement_rows.append((number, cells))
                continue
            answer = cells.get("answer", "")
            if not answer:
                continue
            try:
                code = parse_answer(tool, item, answer, variant=variant)
            except InvalidAnswer as exc:
                column = "item" if "has no item" in exc.message else "answer"
                problems.append(Problem(exc.message, line=number, field=column, hint=exc.hint))
                continue
            held = working.answers.get(item)
            support = cells.get("support", "") or (held.support if held else "")
            working = working.answer(item, code, support)
            before = base.answers.get(item)
            if before is not None and (before.value, before.support) == (code, support):
                result.unchanged += 1
                continue
            domain = next(d for d in working.domains if d.question(item) is not None)
            events.append(
                _new(
                    target, "answer", who, agreed, domain=domain.id, item=item, value=code,
                    support=support or None, variant=(variant or "") if domain.variant else "",
                )
            )  # fmt: skip
        for number, cells in judgement_rows:
            domain_id, final = _domain_id(tool, cells.get("domain", "")), cells.get("final", "")
            if not final:
                continue
            is_overall = domain_id in (OVERALL, OVERALL_APPLICABILITY)
            try:
                judgement = parse_judgement(tool, domain_id, final, overall=is_overall)
                working = working.decide(
                    domain_id,
                    judgement,
                    cells.get("justification", ""),
                    direction=cells.get("direction") or None,
                )
                specific = not is_overall and tool.domain(domain_id, variant).variant
            except (InvalidAnswer, InvalidJudgement) as exc:
                column, hint = "final", exc.hint
                if "no domain" in exc.message:
                    column, hint = "domain", f"{hint}; or {OVERALL} for the overall judgement"
                problems.append(Problem(exc.message, line=number, field=column, hint=hint))
                continue
            decision = working.decisions[domain_id]
            if base.decisions.get(domain_id) == decision:
                result.unchanged += 1
                continue
            events.append(
                _new(
                    target, "judgement", who, agreed, domain=domain_id,
                    value=decision.final.value, note=decision.justification or None,
                    direction=decision.direction,
                    variant=(variant or "") if specific else "",
                )
            )  # fmt: skip
        if events:
            result.assessments.add((target, who))
        new += events
    if problems:
        raise RobImportError(
            f"{counted(len(problems), 'problem')}; nothing was imported",
            path=path,
            problems=problems,
            hint="fix each row listed and import the file again",
        )
    if new:
        store.rob.append(new, reviewer=reviewer, bulk=True)
    result.events = len(new)
    return result


def _new(target: Target, kind: str, who: str, agreed: bool, **fields: str | None) -> NewRobEvent:
    return NewRobEvent.of(target, kind, fields, agreed=agreed, reviewer=None if agreed else who)


def _domain_id(tool: Tool, given: str) -> str:
    """A domain as the tool spells it, whatever the case a spreadsheet gave
    (`overall`, `d1`); unknown names are left for the check to report."""
    known = [*(d.id for d in tool.domains), OVERALL, OVERALL_APPLICABILITY]
    return next((k for k in known if k.casefold() == given.strip().casefold()), given)
