"""`review fulltext …`: attach reports, mark them not retrieved, link reports of one study."""

from __future__ import annotations

import os
from pathlib import Path

import click

from review import report_actions
from review.cli.base import FILE, as_reviewer, cli, echo_lines, open_review, warn_location
from review.config import load_settings, resolve_reviewer
from review.errors import UsageError
from review.fulltext import attach_folder, fulltext_location
from review.printouts import attach_folder_lines, fulltext_list_lines
from review.screening.retrieval import mark_not_retrieved

RECORD = click.argument("record")
REVIEWER = click.option(
    "--reviewer",
    envvar="REVIEW_REVIEWER",
    help="Who does this (else $REVIEW_REVIEWER, else reviewer in the config file).",
)
NOTE = click.option("--note", help="A note kept with the event.")


def require_reviewer(cli_value: str | None) -> str:
    """The reviewer from the option, the environment or the config file; else an error."""
    name = resolve_reviewer(cli_value, os.environ, load_settings())
    if name is None:
        raise UsageError(
            "a reviewer name is needed",
            field="--reviewer",
            hint="pass --reviewer NAME, set REVIEW_REVIEWER, or set reviewer in the config file",
        )
    return name


@cli.group()
def fulltext() -> None:
    """Full texts: attach reports, mark them not retrieved, link reports of one study.

    RECORD is a record key (doi:10.1000/xyz, pmid:12345678, reg:NCT01234567)
    or a record's id number.
    """


@fulltext.command("attach")
@FILE
@RECORD
@click.argument("location")
@NOTE
@REVIEWER
def attach(file: Path, record: str, location: str, note: str | None, reviewer: str | None) -> None:
    """Attach a PDF (a path) or a URL to a record.

    Example: review fulltext attach rt-io.db doi:10.1000/xyz papers/smith2021.pdf
    """
    name = require_reviewer(reviewer)
    stored = fulltext_location(location)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        warn_location(store.location_warning)
        line = report_actions.attach(store, record, stored, reviewer=name, note=note)
    click.echo(line)


@fulltext.command("attach-folder")
@FILE
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would be attached; store nothing.")
@REVIEWER
def attach_folder_(file: Path, folder: Path, dry_run: bool, reviewer: str | None) -> None:
    """Attach every file in FOLDER whose name gives a record's DOI, PMID or title.

    Records that already have a full text keep it. Files that match no
    record, or more than one, are listed for attaching by hand. --dry-run
    checks everything the real run does (the reviewer name too).
    """
    name = require_reviewer(reviewer)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        warn_location(store.location_warning)
        result = attach_folder(store, folder, reviewer=name, dry_run=dry_run)
    echo_lines(attach_folder_lines(result, dry_run))


@fulltext.command("not-retrieved")
@FILE
@RECORD
@NOTE
@REVIEWER
def not_retrieved(file: Path, record: str, note: str | None, reviewer: str | None) -> None:
    """Mark a report as sought but not retrieved (PRISMA counts it).

    Refused for a report already decided at full text (it was retrieved) or
    excluded at title/abstract (it was never sought).
    """
    name = require_reviewer(reviewer)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        line = mark_not_retrieved(store, record, reviewer=name, note=note)
    click.echo(line)


@fulltext.command("detach")
@FILE
@RECORD
@REVIEWER
def detach(file: Path, record: str, reviewer: str | None) -> None:
    """Remove a record's full text or not-retrieved mark (the history keeps it)."""
    name = require_reviewer(reviewer)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        line = report_actions.detach(store, record, reviewer=name)
    click.echo(line)


@fulltext.command("link")
@FILE
@RECORD
@click.argument("study_record")
@REVIEWER
def link(file: Path, record: str, study_record: str, reviewer: str | None) -> None:
    """Link RECORD as a report of the study whose main record is STUDY_RECORD.

    Example: review fulltext link rt-io.db reg:NCT03040999 doi:10.1000/xyz
    """
    name = require_reviewer(reviewer)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        line = report_actions.link(store, record, study_record, reviewer=name)
    echo_lines(line.splitlines())


@fulltext.command("unlink")
@FILE
@RECORD
@REVIEWER
def unlink(file: Path, record: str, reviewer: str | None) -> None:
    """Make a linked report a study of its own again."""
    name = require_reviewer(reviewer)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        line = report_actions.unlink(store, record, reviewer=name)
    click.echo(line)


@fulltext.command("list")
@FILE
def list_(file: Path) -> None:
    """Full texts and not-retrieved reports, then studies with several reports."""
    with open_review(file) as store:
        states = store.fulltexts.all()
        links = store.studies.links()
    echo_lines(fulltext_list_lines(states, links))
