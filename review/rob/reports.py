"""What leaves the review about risk of bias: the traffic-light summary, robvis's
tables, and the long file of every answer — and the long file read back.

robvis (`rob_traffic_light`, `rob_summary`) reads `Study, D1, …, Dn,
Overall` with judgements in full words; its weighted summary wants a last
`Weight` column, which its traffic-light plot refuses. So each tool gets
`<tool>.csv` (the traffic-light layout, column for column as robvis's own
example data) and `<tool>_weighted.csv` (the same plus `Weight`, 1 for
every study until weights from the meta-analysis replace them). QUADAS-2's
"Unclear" is written "Some concerns", as robvis's QUADAS-2 template and
data spell it (it reads only the first letter: `u` would be dropped).
Only assessments with every domain and the overall judgement final go in;
the others are counted and named.

The long file has one row per answer and per judgement, each reviewer's
then the consensus (`reviewer` = `agreed`), with the suggested and final
judgement of the answer's domain and the justification of an override.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from review.dedup.report import safe_cell
from review.errors import ExportError, ImportFormatError, Problem
from review.extraction.long_files import read_table
from review.ledger.entities import named, of_study
from review.protocol.models import Protocol
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.engine import parse_answer, parse_judgement
from review.rob.events import AGREED, SHARED, RobEvent, RobLedger, Target, final_assessment
from review.rob.model import InvalidAnswer, InvalidJudgement, Judgement, Tool
from review.rob.session import RobItem, Status, assessors, overview
from review.store import Store
from review.store.rob import NewRobEvent

ROBVIS_TOOL = {
    "rob2": "ROB2",
    "rob2_cluster": "ROB2-Cluster",
    "robins_i": "ROBINS-I",
    "quadas2": "QUADAS-2",
}
"""Our tool id → robvis's `tool` argument; the others have no robvis template."""

ROBVIS_WORDS = {"quadas2": {Judgement.UNCLEAR: "Some concerns"}}
"""Where robvis spells a judgement otherwise than the tool's scale."""

LONG_COLUMNS = (
    "study",
    "study_label",
    "tool",
    "result",
    "result_id",
    "reviewer",
    "variant",
    "domain",
    "item",
    "answer",
    "support",
    "suggested",
    "final",
    "justification",
    "direction",
)
LONG_FILE = "rob_long.csv"
NEEDED = ("study", "tool", "item", "answer")


# -- the summary --------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    label: str
    """Study label, with the result's name for result-level tools."""
    item: RobItem
    judgements: tuple[Judgement | None, ...]
    """One per column; None where no final judgement is given yet."""

    @property
    def complete(self) -> bool:
        return all(j is not None for j in self.judgements)


@dataclass(frozen=True)
class ToolSummary:
    """A traffic-light table of one tool: studies (or results) × domains + overall."""

    tool: Tool
    columns: tuple[str, ...]
    """Domain ids then `OVERALL`."""
    names: tuple[str, ...]
    """The columns' short names, for a legend."""
    rows: tuple[SummaryRow, ...]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per column, judgement (or 'Not yet judged') → how many rows have it,
        in the tool's scale order: the weighted summary with weights 1."""
        out: dict[str, dict[str, int]] = {}
        scale = [j.value for j in self.tool.overall_scale or self.tool.scale]
        for n, column in enumerate(self.columns):
            found: dict[str, int] = {}
            for row in self.rows:
                judgement = row.judgements[n]
                word = judgement.value if judgement is not None else NOT_JUDGED
                found[word] = found.get(word, 0) + 1
            order = [*scale, *sorted(set(found) - {*scale, NOT_JUDGED}), NOT_JUDGED]
            out[column] = {word: found[word] for word in order if word in found}
        return out


NOT_JUDGED = "Not yet judged"


def summarise(store: Store, protocol: Protocol) -> list[ToolSummary]:
    """One table per tool in use, rows in the list's order (final judgements)."""
    items = overview(store, protocol)
    ledger = RobLedger(store.rob.events())
    count = assessors(protocol)
    by_tool: dict[str, list[SummaryRow]] = {}
    tools: dict[str, Tool] = {}
    for item in items:
        if item.tool is None or item.target is None:
            continue
        tool = item.tool
        tools[tool.id] = tool
        final = final_assessment(ledger, tool, item.target, assessors=count)
        columns = _columns(tool, final)
        label = f"{item.label} · {item.result.name}" if item.result else item.label
        by_tool.setdefault(tool.id, []).append(
            SummaryRow(label, item, tuple(final.final(c) for c in columns))
        )
    out = []
    for tool_id, rows in by_tool.items():
        tool = tools[tool_id]
        default = Assessment(tool)
        columns = _columns(tool, default)
        names = (*[d.name for d in tool.bias_domains(default.variant)], "Overall")
        out.append(ToolSummary(tool, columns, names, tuple(rows)))
    return out


def _columns(tool: Tool, assessment: Assessment) -> tuple[str, ...]:
    return (*[d.id for d in tool.bias_domains(assessment.variant)], OVERALL)


# -- robvis ---------------------------------------------------------------------------


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    """Tool id → rows written to its robvis tables."""
    left_out: dict[str, list[str]] = field(default_factory=dict)
    """Tool id → labels of assessments not yet complete enough for robvis."""
    long_rows: int = 0


def robvis_table(summary: ToolSummary) -> tuple[list[str], list[list[str]], list[str]]:
    """(header, rows, left-out labels) in robvis's traffic-light layout."""
    words = ROBVIS_WORDS.get(summary.tool.id, {})
    header = ["Study", *summary.columns]
    rows, left_out = [], []
    for row in summary.rows:
        if not row.complete:
            left_out.append(row.label)
            continue
        rows.append([row.label, *(words.get(j, j.value) for j in row.judgements if j)])
    return header, rows, left_out


def export(store: Store, protocol: Protocol, directory: Path) -> ExportReport:
    """Write every tool's robvis tables and the long file into `directory`."""
    report = ExportReport()
    for summary in summarise(store, protocol):
        header, rows, left_out = robvis_table(summary)
        tool_id = summary.tool.id
        plain = directory / f"{tool_id}.csv"
        weighted = directory / f"{tool_id}_weighted.csv"
        write_csv(plain, header, rows)
        write_csv(weighted, [*header, "Weight"], [[*row, 1] for row in rows])
        report.files += [plain, weighted]
        report.rows[tool_id] = len(rows)
        report.left_out[tool_id] = left_out
    rows = long_rows(store, protocol)
    target = directory / LONG_FILE
    write_csv(target, list(LONG_COLUMNS), rows)
    report.files.append(target)
    report.long_rows = len(rows)
    return report


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """UTF-8 CSV through a temporary file and a rename, then read back and counted."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".csv", dir=path.parent)
        temp = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(header)
                writer.writerows([safe_cell(cell) for cell in row] for row in rows)
            with temp.open(encoding="utf-8", newline="") as back:
                written = sum(1 for _ in csv.reader(back)) - 1
            if written != len(rows):
                raise ExportError(
                    f"wrote {written} rows but meant {len(rows)}; nothing was kept", path=path
                )
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot write the file: {exc}", path=path) from None


# -- the long file --------------------------------------------------------------------


def long_rows(store: Store, protocol: Protocol) -> list[list[str]]:
    """Every register's answers and judgements, by study, register and tool order."""
    ledger = RobLedger(store.rob.events())
    count = assessors(protocol)
    out: list[list[str]] = []
    for item in overview(store, protocol):
        if item.tool is None or item.target is None:
            continue
        target = item.target
        registers = [SHARED] if count == 1 else ledger.reviewers(target)
        registers = [*registers, AGREED]
        for register in registers:
            replayed = ledger.replay(item.tool, target, register)
            if not replayed.started:
                continue
            out += _register_rows(item, register, replayed.assessment, replayed.events)
    return out


def _register_rows(
    item: RobItem,
    register: str,
    a: Assessment,
    events: Mapping[tuple[str, str, str], RobEvent],
) -> list[list[str]]:
    tool = a.tool
    result = item.result
    head = [
        item.study.key,
        item.label,
        tool.id,
        result.name if result else "",
        result.id if result else "",
    ]
    variant = a.variant or ""

    def who(kind: str, variant_key: str, key: str) -> str:
        if register == AGREED:
            return AGREED
        event = events.get((kind, variant_key, key))
        return event.reviewer if event is not None else ""

    rows: list[list[str]] = []
    for domain in a.domains:
        vkey = variant if domain.variant else ""
        judged = domain.kind != "checklist"
        suggested = a.suggested(domain.id) if judged else None
        decision = a.decisions.get(domain.id)
        judgement_cells = [
            suggested.value if suggested else "",
            decision.final.value if decision else "",
            decision.justification if decision else "",
            (decision.direction or "") if decision else "",
        ]
        for q in domain.questions:
            answer = a.answers.get(q.item)
            if answer is None:
                continue
            rows.append(
                [
                    *head,
                    who("answer", vkey, q.item),
                    variant,
                    domain.id,
                    q.item,
                    answer.value,
                    answer.support,
                    *judgement_cells,
                ]
            )
        if judged and decision is not None:
            rows.append(
                [*head, who("judgement", vkey, domain.id), variant, domain.id, "", "", "",
                 *judgement_cells]
            )  # fmt: skip
    for key in (OVERALL, OVERALL_APPLICABILITY):
        decision = a.decisions.get(key)
        if decision is None:
            continue
        suggested = a.suggested(key)
        rows.append(
            [
                *head,
                who("judgement", "", key),
                variant,
                key,
                "",
                "",
                "",
                suggested.value if suggested else "",
                decision.final.value,
                decision.justification,
                decision.direction or "",
            ]
        )
    return rows


# -- reading answers back -------------------------------------------------------------


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
            f"missing column(s): {', '.join(missing)}",
            path=path,
            line=1,
            hint=f"the long layout's columns: {', '.join(LONG_COLUMNS)}",
        )
    items = {i.study.key: i for i in overview(store, protocol)}
    entities = store.entities.entities()
    ledger = RobLedger(store.rob.events())
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
        who = cells.get("reviewer", "") or reviewer
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
            domain_id, final = cells.get("domain", ""), cells.get("final", "")
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
                column = "domain" if "no domain" in exc.message else "final"
                problems.append(Problem(exc.message, line=number, field=column, hint=exc.hint))
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
            f"{len(problems)} problem(s); nothing was imported",
            path=path,
            problems=problems,
            hint="fix each row listed and import the file again",
        )
    if new:
        store.rob.append(new, reviewer=reviewer, bulk=True)
    result.events = len(new)
    return result


def _new(target: Target, kind: str, who: str, agreed: bool, **fields: str | None) -> NewRobEvent:
    study, result, tool = target
    return NewRobEvent(
        study,
        result,
        tool,
        kind,
        domain=fields.get("domain") or "",
        item=fields.get("item") or "",
        value=fields.get("value"),
        note=fields.get("note"),
        support=fields.get("support"),
        variant=fields.get("variant") or "",
        direction=fields.get("direction"),
        agreed=agreed,
        reviewer=None if agreed else who,
    )


def status_counts(items: Sequence[RobItem]) -> dict[Status, int]:
    out = {s: 0 for s in Status}
    for item in items:
        if item.tool is not None:
            out[item.status] += 1
    return out
