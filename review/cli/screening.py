"""Screening from the command line: open the screen, report agreement and progress."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from review.cli.base import FILE, cli, open_review, warn_location
from review.config import load_settings, resolve_reviewer
from review.errors import UsageError
from review.models import Stage
from review.review_file import review_protocol
from review.screening.state import Outcome
from review.screening.units import load_state
from review.wording import counted

STAGES = click.Choice([stage.value for stage in Stage])


@cli.command()
@FILE
@click.option("--reviewer", help="Your name in the audit trail (or $REVIEW_REVIEWER, or config).")
@click.option(
    "--stage", type=STAGES,
    help="Stage to open (default: title/abstract while you have records there, then full text).",
)  # fmt: skip
@click.pass_context
def screen(ctx: click.Context, file: Path, reviewer: str | None, stage: str | None) -> None:
    """Open the screening screen on your next record."""
    settings = load_settings()
    name = resolve_reviewer(reviewer, os.environ, settings)
    if not name:
        raise UsageError(
            "who is screening?",
            hint="pass --reviewer NAME, set REVIEW_REVIEWER, or set reviewer in the config file",
        )
    if not file.is_file():
        open_review(file)  # raises the usual "no review file here" error
    open_tui = (ctx.obj or {}).get("open_tui")
    if open_tui is None:
        raise UsageError("the screening screen opens through the `review` command")
    open_tui(file, reviewer=name, settings=settings, screening=Stage(stage) if stage else "next")


@cli.command()
@FILE
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def agreement(file: Path, as_json: bool) -> None:
    """Agreement between reviewers per stage: 2x2 table, kappa, PABAK, PI, BI."""
    with open_review(file) as store:
        warn_location(store.location_warning)
        state = load_state(store, review_protocol(store))
        pairs = [pair for stage in Stage for pair in state.agreement(stage)]
        outcomes = {stage.value: state.outcomes(stage) for stage in Stage}
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "stage": pair.stage.value,
                        "first": pair.first,
                        "second": pair.second,
                        **pair.stats.to_dict(),
                    }
                    for pair in pairs
                ],
                indent=2,
            )
        )
        return
    if not pairs:
        click.echo("No two reviewers have screened the same records yet.")
    for pair in pairs:
        stats, cells = pair.stats, pair.stats.table
        click.echo(
            f"{pair.stage.value}: {pair.first} × {pair.second}, {counted(stats.n, 'record')}"
        )
        click.echo(f"  {'':22}{pair.second + ' include':>20}{pair.second + ' exclude':>20}")
        click.echo(
            f"  {pair.first + ' include':22}{cells.both_include:>20}{cells.a_include_b_exclude:>20}"
        )
        click.echo(
            f"  {pair.first + ' exclude':22}{cells.a_exclude_b_include:>20}{cells.both_exclude:>20}"
        )
        click.echo(
            f"  observed agreement {_fmt(stats.observed)}, Cohen's kappa {_fmt(stats.kappa)}, "
            f"PABAK {_fmt(stats.pabak)}, prevalence index {_fmt(stats.prevalence_index)}, "
            f"bias index {_fmt(stats.bias_index)}"
        )
        if note := stats.kappa_note:
            click.echo(f"  note: {note}")
        click.echo(
            f"  maybe counted as {stats.maybe_as} ({counted(stats.maybe_recoded, 'decision')})"
        )
    for stage, counts in outcomes.items():
        if counts[Outcome.CONFLICT]:
            click.echo(f"{stage}: {counted(counts[Outcome.CONFLICT], 'conflict')} to resolve")


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
