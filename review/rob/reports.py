"""What leaves the review about risk of bias: the traffic-light summary, robvis's
tables, and the long file of every answer (read back by `long_import`).

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
from review.errors import ExportError
from review.extraction.labels import row_names
from review.extraction.studies import IncludedStudy
from review.file_modes import give_usual_mode
from review.protocol.models import Protocol
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.events import AGREED, SHARED, RobEvent, RobLedger, final_assessment
from review.rob.model import Judgement, Tool
from review.rob.rob1 import ROBVIS_COLUMNS as ROB1_COLUMNS
from review.rob.session import Status, assessors
from review.rob.studies import RobItem, overview
from review.store import Store

ROBVIS_TOOL = {
    "rob2": "ROB2",
    "rob2_cluster": "ROB2-Cluster",
    "rob2_crossover": "Generic",
    "robins_i": "ROBINS-I",
    "robins_e": "ROBINS-E",
    "quadas2": "QUADAS-2",
    "quips": "QUIPS",
    "rob1": "Generic",
}
"""Our tool id → robvis's `tool` argument; the others have no robvis template.
robvis has no crossover template, and draws RoB 1 with its `Generic` one
(formerly `ROB1`), which takes any domain columns."""

ROBVIS_COLUMNS = {"rob1": ROB1_COLUMNS}
"""Where robvis's example data names a tool's domain columns otherwise than D1…Dn."""

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


def summarise(
    store: Store, protocol: Protocol, studies: Sequence[IncludedStudy] | None = None
) -> list[ToolSummary]:
    """One table per tool in use, rows in the list's order (final judgements)."""
    items = overview(store, protocol, studies)
    ledger = RobLedger(store.rob.events())
    count = assessors(protocol)
    by_tool: dict[str, list[SummaryRow]] = {}
    tools: dict[str, Tool] = {}
    row_name = row_names(item.result for item in items if item.result is not None)
    for item in items:
        if item.tool is None or item.target is None:
            continue
        tool = item.tool
        tools[tool.id] = tool
        final = final_assessment(ledger, tool, item.target, assessors=count)
        columns = _columns(tool, final)
        label = f"{item.label} · {row_name[item.result.id]}" if item.result else item.label
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
    names = ROBVIS_COLUMNS.get(summary.tool.id, {})
    header = ["Study", *(names.get(c, c) for c in summary.columns)]
    rows, left_out = [], []
    for row in summary.rows:
        if not row.complete:
            left_out.append(row.label)
            continue
        rows.append([row.label, *(words.get(j, j.value) for j in row.judgements if j)])
    return header, rows, left_out


def export(store: Store, protocol: Protocol, directory: Path) -> ExportReport:
    """Write every tool's robvis tables and the long file into `directory`,
    all or none of them."""
    report = ExportReport()
    tables: list[tuple[Path, Sequence[str], Sequence[Sequence[object]]]] = []
    for summary in summarise(store, protocol):
        header, rows, left_out = robvis_table(summary)
        tool_id = summary.tool.id
        plain = directory / f"{tool_id}.csv"
        weighted = directory / f"{tool_id}_weighted.csv"
        tables.append((plain, header, rows))
        tables.append((weighted, [*header, "Weight"], [[*row, 1] for row in rows]))
        report.files += [plain, weighted]
        report.rows[tool_id] = len(rows)
        report.left_out[tool_id] = left_out
    rows = long_rows(store, protocol)
    target = directory / LONG_FILE
    tables.append((target, LONG_COLUMNS, rows))
    report.files.append(target)
    report.long_rows = len(rows)
    write_csvs(tables)
    return report


def write_csvs(tables: Sequence[tuple[Path, Sequence[str], Sequence[Sequence[object]]]]) -> None:
    """UTF-8 CSVs (with a byte-order mark, for Excel), each through a temporary
    file beside it, read back and counted; renamed into place only when every
    one is written, so a full disk leaves the old files as they were."""
    temps: dict[Path, Path] = {}
    try:
        for path, header, rows in tables:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(
                    prefix=f".{path.name}.", suffix=".csv", dir=path.parent
                )
                temps[path] = temp = Path(name)
                with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
                    writer = csv.writer(out, lineterminator="\r\n")
                    writer.writerow(header)
                    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
                with temp.open(encoding="utf-8-sig", newline="") as back:
                    written = sum(1 for _ in csv.reader(back)) - 1
            except OSError as exc:
                raise ExportError(
                    f"cannot write the file: {exc.strerror}; nothing was written",
                    path=path,
                    hint="free some space, or give --to another folder you can write in",
                ) from None
            if written != len(rows):
                raise ExportError(
                    f"wrote {written} rows but meant {len(rows)}; nothing was kept", path=path
                )
        for path, temp in temps.items():
            try:
                give_usual_mode(temp, path)
                os.replace(temp, path)
            except OSError as exc:
                raise ExportError(f"cannot replace the file: {exc.strerror}", path=path) from None
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


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


def status_counts(items: Sequence[RobItem]) -> dict[Status, int]:
    out = {s: 0 for s in Status}
    for item in items:
        if item.tool is not None:
            out[item.status] += 1
    return out
