"""`review copy` and `review merge`: one review screened by a team.

The lead makes a copy per reviewer; each screens in their copy; the lead
merges the copies back. Both commands live here because they only make
sense together: a merge accepts nothing but copies of the same review.
"""

from __future__ import annotations

from pathlib import Path

import click

from review.cli.base import FILE, cli, warn_location
from review.review_file import open_review
from review.store.merge import ProtocolDifference, ProtocolVersion


@cli.command()
@FILE
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--reviewer", help="Who the copy is for (only named in the next steps).")
def copy(file: Path, new: Path, reviewer: str | None) -> None:
    """Copy FILE to NEW for another reviewer, to merge back later.

    The copy is the same review (it merges with FILE); an existing NEW is
    never overwritten.
    Example: review copy rt-io.db rt-io-bob.db --reviewer Bob
    """
    with open_review(file) as store:
        warn_location(store.location_warning)
        store.copy_for_reviewer(new)
    steps = f"give {new} to {reviewer or 'the other reviewer'}"
    if reviewer:
        steps += f", who screens with `review screen {new} --reviewer {reviewer}`"
    click.echo(f"Copied {file} to {new} (the same review, so it merges back).")
    click.echo(f"Next: {steps}; merge it back with `review merge {file} {new}`.")


@cli.command()
@FILE
@click.argument("other", type=click.Path(path_type=Path, dir_okay=False))
def merge(file: Path, other: Path) -> None:
    """Add the decisions and other events in OTHER that FILE lacks.

    OTHER must be a copy of the same review (made with `review copy`).
    Merging is a union of events: merging the same file twice adds nothing.
    Example: review merge rt-io.db rt-io-bob.db
    """
    with open_review(file) as store:
        warn_location(store.location_warning)
        result = store.merge_from(other)
    for table, count in result.added.items():
        click.echo(f"  {table}: {count} added")
    click.echo(f"Merged {result.total} events from {other}.")
    if result.protocol_difference:
        _print_protocol_difference(result.protocol_difference)
    if result.unmatched_events:
        click.echo(
            f"warning: {result.unmatched_events} added events concern "
            f"{result.unmatched_records} records this file does not have; import the same "
            "search files as the other reviewer and they take effect",
            err=True,
        )


def _print_protocol_difference(difference: ProtocolDifference) -> None:
    ours, theirs = difference.ours, difference.theirs
    click.echo("note: the two copies have different protocols:")
    click.echo(f"  {_describe(ours)}")
    click.echo(f"  {_describe(theirs)}")
    if difference.changes:
        click.echo(f"  changed lines (- {ours.review_file.name}, + {theirs.review_file.name}):")
        for line in difference.changes:
            click.echo(f"    {line}")
        if difference.more:
            click.echo(f"    … {difference.more} more")
    click.echo(
        f"  {ours.review_file} keeps its own protocol; decisions made in {theirs.review_file} "
        "under the other protocol were merged as they are (check them if the criteria changed)."
    )


def _describe(version: ProtocolVersion) -> str:
    return (
        f"{version.review_file}: {version.path} "
        f"(hash {version.short_hash}, loaded {version.loaded_at})"
    )
