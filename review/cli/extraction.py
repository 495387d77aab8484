"""`review extraction …`: included studies and their status, the long layout out and in."""

from __future__ import annotations

import os
from pathlib import Path

import click

from review.cli.base import FILE, InputFile, as_reviewer, cli, open_review, warn_location
from review.cli.fulltext import REVIEWER, require_reviewer
from review.config import load_settings, resolve_reviewer
from review.errors import UsageError
from review.extraction.long_layout import export_long, import_long
from review.extraction.studies import Status, load_included, overall, statuses
from review.printouts import extraction_import_line
from review.review_file import review_protocol
from review.wording import counted


@cli.group()
def extraction() -> None:
    """Data extraction: status per included study, export and import of values.

    The long layout (.xlsx or .csv) has one row per value: study, reviewer,
    section, field, instance_id, instance, value, unit, source, status.
    """


@cli.command()
@FILE
@REVIEWER
@click.option(
    "--study", help="Open this study's form (its key, as `review extraction status` lists)."
)
@click.pass_context
def extract(ctx: click.Context, file: Path, reviewer: str | None, study: str | None) -> None:
    """Open the extraction screen: the included studies, or one study's form.

    Without a reviewer name (--reviewer, $REVIEW_REVIEWER, config) the screen asks.
    """
    settings = load_settings()
    name = resolve_reviewer(reviewer, os.environ, settings)
    with open_review(file) as store:  # the usual "no review file here" error
        if study is not None:
            keys = [s.key for s in load_included(store, review_protocol(store))]
            if study not in keys:
                raise UsageError(
                    f"{study} is not an included study",
                    path=file,
                    field="study",
                    hint="see `review extraction status FILE` for the included studies",
                )
    open_tui = (ctx.obj or {}).get("open_tui")
    if open_tui is None:
        raise UsageError("the extraction screen opens through the `review` command")
    open_tui(file, reviewer=name, settings=settings, extraction=study or "list")


@extraction.command("status")
@FILE
@click.option(
    "--only", type=click.Choice([state.value for state in Status]),
    help="List only the studies with this status (across extractors).",
)  # fmt: skip
def status(file: Path, only: str | None) -> None:
    """Included studies and each extractor's status on them."""
    with open_review(file) as store:
        warn_location(store.location_warning)
        protocol = review_protocol(store)
        included = load_included(store, protocol)
        found = statuses(
            [s.key for s in included],
            store.extraction.value_events(),
            store.extraction.status_events(),
        )
        extractors = protocol.extraction.reviewers_per_study
        if not included:
            click.echo("No study is included at full text yet.")
            return
        click.echo(
            f"{counted(len(included), 'included study', 'included studies')} "
            f"({counted(extractors, 'extractor')} per study)"
        )
        for study in included:
            by_reviewer = found[study.key]
            who = ", ".join(f"{name}: {state}" for name, state in sorted(by_reviewer.items()))
            state = overall(by_reviewer, extractors)
            if only is not None and state != only:
                continue
            click.echo(f"  {study.key}  {state}" + (f"  ({who})" if who else ""))


@extraction.command("export")
@FILE
@click.option(
    "--to", "target", required=True, type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write: .xlsx or .csv.",
)  # fmt: skip
def export(file: Path, target: Path) -> None:
    """Write every extracted value in the long layout."""
    with open_review(file) as store:
        warn_location(store.location_warning)
        count = export_long(store, review_protocol(store), target)
    click.echo(f"Wrote {count} values to {target}")


@extraction.command("import")
@FILE
@click.argument("source", type=InputFile())
@REVIEWER
def import_values(file: Path, source: Path, reviewer: str | None) -> None:
    """Read values in the long layout, all or nothing.

    A row's `reviewer` says whose entry it is (blank: you; `agreed`: the
    consensus of dual extraction); blank values are skipped.
    """
    name = require_reviewer(reviewer)
    with open_review(file) as store:
        name = as_reviewer(store, name)
        warn_location(store.location_warning)
        result = import_long(store, review_protocol(store), source, reviewer=name)
    click.echo(extraction_import_line(result))
