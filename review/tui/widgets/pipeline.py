"""The home screen's list of stages: each one's key, name and counts.

Renders the dict `review status --json` prints (`review.status`), never
counting anything itself, so the home and the command line always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from review.wording import counted


@dataclass(frozen=True)
class StageRow:
    """One stage of the pipeline as the home shows it."""

    id: str
    """The option id, which the home maps to the action that opens the stage."""
    key: str
    name: str
    lines: tuple[str, ...]
    """Counts, one line each; the first is the headline."""
    more_keys: tuple[str, ...] = ()
    """Other keys of this stage, e.g. `c conflicts`, under its name."""


COUNTING = "counting…"


def stage_rows(report: dict[str, Any] | None) -> list[StageRow]:
    """The seven stages from a `review_status` report (None while it is counted)."""
    if report is None:
        return [StageRow(i, k, n, (COUNTING,), more) for i, k, n, more in _STAGES]
    stages = report.get("stages") or {}
    screening = stages.get("screening", {})
    lines = {
        "sources": _sources(report),
        "duplicates": _duplicates(report["duplicates"]),
        "title_abstract": _screening(screening.get("title_abstract")),
        "full_text": _screening(screening.get("full_text")),
        "extraction": _extraction(stages.get("extraction")),
        "risk_of_bias": _risk_of_bias(stages.get("risk_of_bias")),
        "prisma": _prisma(stages.get("prisma")),
    }
    return [StageRow(i, k, n, lines[i], more) for i, k, n, more in _STAGES]


_STAGES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("sources", "r", "Sources and imports", ("i import files",)),
    ("duplicates", "d", "Duplicates", ("D find duplicates",)),
    ("title_abstract", "t", "Title/abstract", ("c conflicts", "a agreement")),
    ("full_text", "f", "Full text", ()),
    ("extraction", "e", "Extraction", ()),
    ("risk_of_bias", "b", "Risk of bias", ()),
    ("prisma", "p", "PRISMA and exports", ("x export",)),
)
"""(id, key, name, other keys) in workflow order; the keys are the home's bindings."""


def _sources(report: dict[str, Any]) -> tuple[str, ...]:
    count, sources = report["records"], report["sources"]
    if not sources:
        return ("no records yet: press i to import search results",)
    kinds = ", ".join(f"{kind} {n:,}" for kind, n in report["records_by_kind"].items())
    warned = sum(report["warnings"].values())
    latest = sources[-1]
    when = f", searched {latest['search_date']}" if latest["search_date"] else ""
    return (
        f"{counted(count, 'record')} from {counted(len(sources), 'source')} ({kinds})",
        f"{counted(warned, 'import warning')} · latest: {latest['name']}{when}",
    )


def _duplicates(dups: dict[str, Any]) -> tuple[str, ...]:
    return (
        f"{counted(dups['groups'], 'group')} · {counted(dups['pairs_waiting'], 'pair')} "
        "waiting for a reviewer",
        f"{counted(dups['records_removed'], 'record')} removed · {dups['unique_records']:,} unique",
    )


def _screening(stage: dict[str, Any] | None) -> tuple[str, ...]:
    if stage is None:
        return ("no protocol: nothing to screen",)
    head = (
        f"{stage['units']:,} to screen · {stage['open']:,} open · "
        f"{counted(stage['conflicts'], 'conflict')}"
    )
    people = [
        f"{who}: {c['done']:,} done, {c['to_do']:,} to do, {counted(c['conflicts'], 'conflict')}"
        for who, c in stage["by_reviewer"].items()
    ]
    return (head, *(people or ["nobody has screened yet"]))


def _extraction(ext: dict[str, Any] | None) -> tuple[str, ...]:
    if ext is None:
        return ("no protocol",)
    if not ext["studies"]:
        return ("no study is included at full text yet",)
    head = f"{ext['studies']:,} included: {_three(ext)}"
    lines = [head, *(f"{who}: {_three(c)}" for who, c in ext["by_reviewer"].items())]
    shared = ext.get("shared_arms", {}).get("comparisons", 0)
    if shared:  # the whole sentence is in `review status` and the export's Dictionary
        lines.append(f"{shared:,} comparisons share an arm: see shared_arm before pooling")
    return tuple(lines)


def _risk_of_bias(rob: dict[str, Any] | None) -> tuple[str, ...]:
    if rob is None:
        return ("no protocol",)
    if "problem" in rob:
        return (rob["problem"].splitlines()[0],)
    if not rob["assessments"] and not rob["no_tool"]:
        return ("no study is included at full text yet",)
    head = f"{counted(rob['assessments'], 'assessment')}: {_three(rob)}"
    lines = [head]
    if rob["no_tool"]:
        no_tool = rob["no_tool"]
        lines.append(f"{counted(no_tool, 'study', 'studies')} without a tool (no design yet)")
    lines += [f"{who}: {_three(c)}" for who, c in rob["by_reviewer"].items()]
    return tuple(lines)


def _prisma(prisma: dict[str, Any] | None) -> tuple[str, ...]:
    if prisma is None:
        return ("no protocol",)
    if "problem" in prisma:
        return (prisma["problem"].splitlines()[0],)
    lines = [
        f"identified {prisma['identified']:,} → screened {prisma['screened']:,} → "
        f"assessed {prisma['assessed']:,}",
        f"included {counted(prisma['included_studies'], 'study', 'studies')} "
        f"({counted(prisma['included_reports'], 'report')})",
    ]
    if prisma["in_progress"]:
        lines.append("draft: screening is still in progress")
    lines += [f"does not add up: {problem}" for problem in prisma["contradictions"]]
    return tuple(lines)


def _three(counts: dict[str, int]) -> str:
    return (
        f"{counts['complete']:,} complete, {counts['in_progress']:,} in progress, "
        f"{counts['not_started']:,} not started"
    )


class Pipeline(OptionList):
    """The stages, one option each; Enter or a click opens the highlighted one.
    A blank line parts the stages when the terminal is tall enough for it."""

    _rows: tuple[StageRow, ...] = ()

    def show(self, rows: list[StageRow]) -> None:
        self._rows = tuple(rows)
        height = sum(max(1 + len(row.more_keys), len(row.lines)) for row in rows)
        spaced = self.size.height >= height + len(rows)
        highlighted = self.highlighted
        self.set_options(Option(_render(row, spaced), id=row.id) for row in rows)
        self.highlighted = highlighted if highlighted is not None else 0

    def on_resize(self) -> None:
        if self._rows:
            self.show(list(self._rows))


def _render(row: StageRow, spaced: bool) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1, style="bold")
    grid.add_column(width=19)
    grid.add_column(ratio=1)
    names = [Text(row.name, style="bold"), *(Text(k, style="dim") for k in row.more_keys)]
    for n in range(max(len(names), len(row.lines))):
        grid.add_row(
            Text(row.key) if n == 0 else "",
            names[n] if n < len(names) else "",
            Text(row.lines[n], style="" if n == 0 else "dim") if n < len(row.lines) else "",
        )
    if spaced:
        grid.add_row("", "", "")
    return grid
