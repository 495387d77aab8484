"""`review stopping`: the stopping rule's figures for a reviewer, and recording a stop."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from review.cli.base import FILE, cli, warn_location
from review.config import load_settings, resolve_reviewer
from review.errors import UsageError
from review.models import Stage
from review.review_file import open_review, review_protocol


@cli.command()
@FILE
@click.option("--reviewer", help="Whose title/abstract decisions (or $REVIEW_REVIEWER, or config).")
@click.option("--stop", "stop_here", is_flag=True, help="Record that this reviewer stops here.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stopping(file: Path, reviewer: str | None, stop_here: bool, as_json: bool) -> None:
    """The stopping rule (Callaghan & Müller-Hansen 2020) on your title/abstract screening."""
    from review.screening.priority import reviewer_figures
    from review.screening.priority_ledger import record_stop
    from review.screening.session import ScreeningSession

    name = resolve_reviewer(reviewer, os.environ, load_settings())
    if not name:
        raise UsageError("whose screening?", hint="pass --reviewer NAME or set REVIEW_REVIEWER")
    with open_review(file) as store:
        warn_location(store.location_warning)
        session = ScreeningSession(store, review_protocol(store), name, Stage.TITLE_ABSTRACT)
        figures = reviewer_figures(session)
        settings = record_stop(store, name, figures) if stop_here else None
    if as_json:
        recorded = {} if settings is None else {"recorded_stop": {"settings": settings}}
        click.echo(json.dumps({**figures.as_dict(), **recorded}))
        return
    click.echo(f"{name}: {figures.screened:,} of {figures.total:,} screened, "
               f"{figures.includes:,} included, {figures.excludes_since_include:,} excludes "
               f"since the last include")  # fmt: skip
    if figures.p_value is None:
        click.echo("Nothing screened yet.")
    else:
        click.echo(
            f"Includes still unscreened: about {figures.remaining_estimate:.1f}, at most "
            f"{figures.remaining_upper} ({figures.confidence:.0%} confidence); "
            f"recall at least {figures.recall_lower:.0%}"
        )
        verdict = "safe to stop" if figures.safe_to_stop else "keep screening"
        click.echo(
            f"Stopping rule, target recall {figures.target_recall:.0%} at "
            f"{figures.confidence:.0%} confidence: p = {figures.p_value:.3f} → {verdict}"
        )
    if settings is not None:
        order = (
            f"prioritised by {settings.get('model')}, seed {settings.get('seed')}"
            if settings
            else "not prioritised"
        )
        click.echo(
            f"Recorded: you stop screening here ({order}); review status and the export's "
            "Methods sheet report it."
        )
