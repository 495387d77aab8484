"""`review export`: review.xlsx, the CSVs and the RIS files, checked after writing."""

from __future__ import annotations

from pathlib import Path

import click

from review.cli.base import FILE, cli, open_review, warn_location
from review.exports import export_review
from review.exports.writer import PARTS


@cli.command("export")
@FILE
@click.option(
    "--to",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to write into (created if missing). Default: exports/ beside the review "
    "file, where the TUI writes.",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Export a review still in progress, as files named …-draft.",
)
@click.option(
    "--only",
    "parts",
    type=click.Choice(PARTS),
    multiple=True,
    help="Write only these (repeat the option): xlsx, csv, ris. Default: all.",
)
def export(file: Path, folder: Path | None, draft: bool, parts: tuple[str, ...]) -> None:
    """Write the review's spreadsheet, CSVs and RIS files.

    review.xlsx has the sheets Records, Studies, Outcomes (metafor's column
    names), PRISMA, Agreement and Dictionary; the CSVs and RIS files sit
    beside it. PRISMA's arithmetic is checked first, every file is read back
    and compared with the review before it replaces an older one.

    Example: review export rt-io.db --to exports/
    """
    target = folder if folder is not None else file.parent / "exports"
    with open_review(file) as store:
        warn_location(store.location_warning)
        result = export_review(store, target, draft=draft, parts=parts or PARTS)
    if result.draft:
        click.echo(click.style("DRAFT: the review is in progress", fg="yellow", bold=True))
    for written in result.files:
        click.echo(f"Wrote {written.path}: {written.contents()}")
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
