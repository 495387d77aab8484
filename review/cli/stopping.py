"""`review stopping`: the stopping rule's figures for a reviewer, and recording a stop."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from review.cli.base import FILE, as_reviewer, cli, echo_lines, open_review, warn_location
from review.config import load_settings, resolve_reviewer
from review.errors import UsageError
from review.models import Stage
from review.printouts import stopping_lines
from review.review_file import review_protocol


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
        name = as_reviewer(store, name)
        warn_location(store.location_warning)
        session = ScreeningSession(store, review_protocol(store), name, Stage.TITLE_ABSTRACT)
        figures = reviewer_figures(session)
        settings = record_stop(store, name, figures) if stop_here else None
    if as_json:
        recorded = {} if settings is None else {"recorded_stop": {"settings": settings}}
        click.echo(json.dumps({**figures.as_dict(), **recorded}))
        return
    echo_lines(stopping_lines(name, figures, settings))
