"""`review copy` and `review merge`: one review screened by a team.

The lead makes a copy per reviewer; each screens in their copy; the lead
merges the copies back. Both commands live here because they only make
sense together: a merge accepts nothing but copies of the same review.
"""

from __future__ import annotations

from pathlib import Path

import click

from review.cli.base import FILE, cli, echo_lines, open_review, warn_location
from review.printouts import copy_lines, merge_lines


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
    echo_lines(copy_lines(file, new, reviewer))


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
    echo_lines(merge_lines(other, result))
