"""`review dedupe`: find duplicate records, merge the certain ones, queue the rest."""

from __future__ import annotations

from pathlib import Path

import click

from review.cli.base import FILE, cli, warn_location
from review.dedup.report import write_groups_report
from review.dedup.run import AUTOMATIC, DedupRun, dedupe_review
from review.review_file import open_review


@cli.command()
@FILE
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every record in a duplicate group to this CSV.",
)
@click.option(
    "--keep-sources-apart",
    is_flag=True,
    help="Never group two records of one import (for databases imported separately).",
)
@click.option(
    "--reviewer",
    envvar="REVIEW_REVIEWER",
    default=AUTOMATIC,
    show_default=True,
    help="Who ran it, stored with each automatic merge (or $REVIEW_REVIEWER).",
)
def dedupe(file: Path, report: Path | None, keep_sources_apart: bool, reviewer: str) -> None:
    """Find duplicates: merge certain ones, queue probable ones for review.

    Example: review dedupe rt-io.db --report groups.csv
    """
    with open_review(file) as store:
        warn_location(store.location_warning)
        run = dedupe_review(store, reviewer=reviewer, keep_sources_apart=keep_sources_apart)
        names = {s.id: f"#{s.id} {s.name} ({s.file_name})" for s in store.sources()}
        _print_run(run, names)
        if report is not None:
            count = write_groups_report(store, report)
            click.echo(f"Wrote {count} grouped records to {report}.")


def _print_run(run: DedupRun, names: dict[int, str]) -> None:
    click.echo(
        f"Compared {run.compared:,} candidate pairs among {run.records:,} records: "
        f"{run.merged:,} records merged automatically into {run.groups:,} groups (certain), "
        f"{run.queued:,} probable pairs queued for review."
    )
    if run.per_source:
        click.echo(f"{'source':40} {'records':>8} {'certain':>8} {'probable':>8}")
        for source_id, counts in sorted(run.per_source.items()):
            click.echo(
                f"{names.get(source_id, f'#{source_id}')[:40]:40} {counts.records:>8,} "
                f"{counts.merged:>8,} {counts.queued:>8,}"
            )
    if run.rules:
        rules = ", ".join(f"{rule} {count}" for rule, count in run.rules.most_common())
        click.echo(f"Rules: {rules}")
    if run.queued:
        click.echo("Review the probable pairs in the TUI: command palette → Duplicates.")
