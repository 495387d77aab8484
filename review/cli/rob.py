"""`review rob …`: the tools, each study's assessment status, the traffic-light
summary, robvis's tables and the long file out, and answers in."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.base import (
    FILE,
    InputFile,
    as_reviewer,
    cli,
    echo_lines,
    open_review,
    warn_location,
)
from review.cli.fulltext import REVIEWER, require_reviewer
from review.config import load_settings
from review.errors import UsageError
from review.printouts import rob_export_lines, rob_import_line, rob_tools_lines
from review.review_file import review_protocol
from review.rob import TOOLS, Judgement, Tool
from review.rob.events import AGREED, SHARED
from review.rob.long_import import import_long
from review.rob.reports import (
    NOT_JUDGED,
    ROBVIS_TOOL,
    export,
    summarise,
)
from review.rob.session import Status
from review.rob.studies import overview

COLOURS: dict[str, str] = {
    Judgement.LOW: "green",
    Judgement.GOOD: "green",
    Judgement.SOME_CONCERNS: "yellow",
    Judgement.MODERATE: "yellow",
    Judgement.UNCLEAR: "yellow",
    Judgement.FAIR: "yellow",
    Judgement.HIGH: "red",
    Judgement.SERIOUS: "red",
    Judgement.POOR: "red",
    Judgement.CRITICAL: "magenta",
    Judgement.VERY_HIGH: "magenta",
    Judgement.NO_INFORMATION: "blue",
    Judgement.INCLUDE: "green",
    Judgement.SEEK_INFO: "yellow",
    Judgement.EXCLUDE: "red",
}
"""Cochrane's traffic-light colours, as near as a terminal has them."""


@cli.group()
def rob() -> None:
    """Risk of bias: tools, status per study, summary, robvis export, answers import.

    The long layout (.csv or .xlsx) has one row per answer: study, tool,
    result (empty for study-level tools), item, answer, support; judgement
    rows leave item empty and give domain, final and justification.
    """


@rob.command("open")
@FILE
@REVIEWER
@click.pass_context
def open_screen(ctx: click.Context, file: Path, reviewer: str | None) -> None:
    """Open the risk-of-bias list in the terminal UI (Enter assesses, t summarises)."""
    name = require_reviewer(reviewer)
    if not file.is_file():
        open_review(file)  # raises the usual "no review file here" error
    open_tui = (ctx.obj or {}).get("open_tui")
    if open_tui is None:
        raise UsageError("the risk-of-bias screens open through the `review` command")
    open_tui(file, reviewer=name, settings=load_settings(), action="risk_of_bias")


@rob.command("tools")
@click.option("--json", "as_json", is_flag=True, help="Print the tools as JSON.")
def tools(as_json: bool) -> None:
    """Every tool with its domains and item numbers."""
    if as_json:
        click.echo(json.dumps([_outline(t) for t in TOOLS.values()], indent=2, ensure_ascii=False))
        return
    for line in rob_tools_lines():
        click.echo(line if line.startswith(" ") else click.style(line, bold=True))


def _outline(tool: Tool) -> dict[str, object]:
    return {
        "id": tool.id,
        "name": tool.name,
        "level": tool.level,
        "citation": str(tool.citation),
        "variants": [{"id": v.id, "label": v.label} for v in tool.variants],
        "answers": dict(tool.answer_labels),
        "scale": [j.value for j in tool.scale],
        "overall_scale": [j.value for j in tool.overall_scale],
        "robvis": ROBVIS_TOOL.get(tool.id),
        "domains": [
            {
                "id": d.id,
                "name": d.full_name,
                "variant": d.variant,
                "kind": d.kind,
                "rule": d.rule_kind,
                "items": [
                    {"item": q.item, "text": q.text, "options": list(q.options)}
                    for q in d.questions
                ],
            }
            for d in tool.domains
        ],
    }


@rob.command("status")
@FILE
@click.option(
    "--only", type=click.Choice([s.value for s in Status]),
    help="List only the assessments with this status.",
)  # fmt: skip
def status(file: Path, only: str | None) -> None:
    """Included studies (and results, for RoB 2) with their tool and status."""
    with open_review(file) as store:
        warn_location(store.location_warning)
        items = overview(store, review_protocol(store))
    if not items:
        click.echo("No study is included at full text yet.")
        return
    for item in items:
        if item.tool is None:
            if only is None:
                click.echo(f"  {item.label}  {item.study.key}  no tool: {item.problem}")
            continue
        if only is not None and item.status != only:
            continue
        result = f" · {item.result.name}" if item.result else ""
        who = ", ".join(
            f"{'consensus' if name == AGREED else name}: {state}"
            for name, state in sorted(item.statuses.items())
            if name != SHARED
        )
        click.echo(
            f"  {item.label}{result}  {item.study.key}  {item.tool.id}  {item.status}"
            + (f"  ({who})" if who else "")
        )
        for warning in item.warnings:
            click.echo(f"    warning: {warning}")


@rob.command("summary")
@FILE
def summary(file: Path) -> None:
    """A traffic-light table per tool (final judgements) and each domain's counts."""
    with open_review(file) as store:
        warn_location(store.location_warning)
        tables = summarise(store, review_protocol(store))
    if not tables:
        click.echo("No included study has a risk-of-bias tool yet.")
        return
    for table in tables:
        click.echo(click.style(f"{table.tool.name}", bold=True) + f" ({len(table.rows)})")
        width = max([len(r.label) for r in table.rows] + [5])
        cell = max(len(j.value) for j in (*table.tool.scale, *table.tool.overall_scale))
        cell = max(cell, len(NOT_JUDGED) - 4)
        click.echo(
            "  " + "Study".ljust(width) + "  " + "  ".join(c.ljust(cell) for c in table.columns)
        )
        for row in table.rows:
            cells = [
                click.style(j.value.ljust(cell), fg=COLOURS.get(j)) if j else "—".ljust(cell)
                for j in row.judgements
            ]
            click.echo("  " + row.label.ljust(width) + "  " + "  ".join(cells))
        for column, name in zip(table.columns, table.names, strict=True):
            counts = table.counts()[column]
            total = sum(counts.values())
            parts = ", ".join(
                click.style(f"{word} {n} ({n / total:.0%})", fg=COLOURS.get(word))
                for word, n in counts.items()
            )
            click.echo(f"  {column:<8} {name[:28]:<28} {parts}")
        click.echo("")


@rob.command("export")
@FILE
@click.option(
    "--to", "target", required=True, type=click.Path(path_type=Path, file_okay=False),
    help="The directory to write into (created if missing).",
)  # fmt: skip
def export_command(file: Path, target: Path) -> None:
    """robvis's tables per tool (<tool>.csv, <tool>_weighted.csv) and rob_long.csv."""
    with open_review(file) as store:
        warn_location(store.location_warning)
        report = export(store, review_protocol(store), target)
    echo_lines(rob_export_lines(report, target))


@rob.command("import")
@FILE
@click.argument("source", type=InputFile())
@REVIEWER
def import_command(file: Path, source: Path, reviewer: str | None) -> None:
    """Read answers (and judgements) in the long layout, all or nothing."""
    name = require_reviewer(reviewer)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        warn_location(store.location_warning)
        result = import_long(store, review_protocol(store), source, reviewer=name)
    click.echo(rob_import_line(result))
