"""`review decisions import`: screening done elsewhere, brought into the ledger."""

from __future__ import annotations

import os
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
from review.cli.fulltext import REVIEWER
from review.config import load_settings, resolve_reviewer
from review.printouts import decisions_import_lines
from review.review_file import review_protocol
from review.screening.decision_import import import_decisions


@cli.group()
def decisions() -> None:
    """Screening decisions made outside this tool."""


@decisions.command("import")
@FILE
@click.argument("source", type=InputFile())
@REVIEWER
@click.option("--dry-run", is_flag=True, help="Check every row and report; store nothing.")
def import_file(file: Path, source: Path, reviewer: str | None, dry_run: bool) -> None:
    """Bring title/abstract and full-text decisions in from a .csv or .xlsx.

    Columns: record (the record's id in its source file, a DOI or a PMID),
    reviewer (whose decision), stage (title_abstract or full_text),
    decision (include, exclude or maybe), and optionally reason (the
    protocol's id or label; several separated by ';'), note, and source (the
    import or file name, when ids repeat across files). All or nothing:
    every bad row is listed and nothing is stored. Rows matching the
    reviewer's current decision are skipped, so importing twice changes
    nothing. Who ran the import (--reviewer, $REVIEW_REVIEWER or the config)
    is kept with each event.

    Example: review decisions import rt-io.db pilot.xlsx --dry-run
    """
    by = resolve_reviewer(reviewer, os.environ, load_settings())
    with open_review(file) as store:
        by = by and as_reviewer(store, by)
        warn_location(store.location_warning)
        result = import_decisions(
            store, review_protocol(store), source, imported_by=by, dry_run=dry_run
        )
    echo_lines(decisions_import_lines(result, source, dry_run))
