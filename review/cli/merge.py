"""`review merge`: add another reviewer's events of the same review."""

from __future__ import annotations

from pathlib import Path

import click

from review.cli.base import FILE, cli, warn_location
from review.review_file import open_review


@cli.command()
@FILE
@click.argument("other", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--force", is_flag=True, help="Merge even when OTHER has another review id and protocol."
)
def merge(file: Path, other: Path, force: bool) -> None:
    """Add the decisions and other events in OTHER that FILE lacks.

    Merging is a union of events: merging the same file twice adds nothing.
    Example: review merge rt-io.db rt-io-bob.db
    """
    with open_review(file) as store:
        warn_location(store.location_warning)
        result = store.merge_from(other, force=force)
    for table, count in result.added.items():
        click.echo(f"  {table}: {count} added")
    click.echo(f"Merged {result.total} events from {other} (same {_how(result.matched_by)}).")
    if result.unmatched_events:
        click.echo(
            f"warning: {result.unmatched_events} added events concern "
            f"{result.unmatched_records} records this file does not have; import the same "
            "search files as the other reviewer and they take effect",
            err=True,
        )


def _how(matched_by: str) -> str:
    return {"review_id": "review", "protocol": "protocol", "force": "nothing: forced"}[matched_by]
