"""`review dedupe`: find duplicate records, merge the certain ones, queue the rest;
`review same` / `review apart` / `review unmerge`: a reviewer's own merge, take-apart and undo."""

from __future__ import annotations

import os
from pathlib import Path

import click

from review.cli.base import FILE, as_reviewer, cli, open_review, progress_line, warn_location
from review.config import load_settings, resolve_reviewer
from review.dedup.manual import merge_records, plan_merge, take_apart
from review.dedup.queue_report import write_queue_report
from review.dedup.report import write_groups_report
from review.dedup.run import AUTOMATIC, DedupRun, crowded_note, dedupe_review
from review.dedup.undo import undo_merge
from review.dedup.units import load_resolution
from review.errors import UsageError
from review.store import Store
from review.wording import counted, plural


@cli.command()
@FILE
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every record in a duplicate group to this CSV.",
)
@click.option(
    "--queue",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the probable pairs waiting for a reviewer to this CSV, strongest evidence first.",
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
def dedupe(
    file: Path, report: Path | None, queue: Path | None, keep_sources_apart: bool, reviewer: str
) -> None:
    """Find duplicates: merge certain ones, queue probable ones for review.

    Example: review dedupe rt-io.db --report groups.csv --queue pairs.csv
    """
    with open_review(file) as store:
        warn_location(store.location_warning)
        progress = progress_line()
        run = dedupe_review(
            store, reviewer=reviewer, keep_sources_apart=keep_sources_apart, progress=progress
        )
        if progress is not None:
            click.echo(err=True)
        names = {s.id: f"#{s.id} {s.name} ({s.file_name})" for s in store.imports.sources()}
        # The report first: output piped into `head` must not cost the file.
        count = write_groups_report(store, report) if report is not None else None
        waiting = write_queue_report(store, queue) if queue is not None else None
    _print_run(run, names)
    if count is not None:
        click.echo(f"Wrote {count} grouped records to {report}.")
    if waiting is not None:
        click.echo(f"Wrote {waiting} probable pairs to {queue}, strongest evidence first.")


def _print_run(run: DedupRun, names: dict[int, str]) -> None:
    click.echo(
        f"Compared {counted(run.compared, 'candidate pair')} among "
        f"{counted(run.records, 'record')}: {counted(run.merged, 'record')} merged "
        f"automatically into {counted(run.groups, 'group')} (certain), "
        f"{counted(run.queued, 'probable pair')} queued for review."
    )
    if run.per_source:
        click.echo(f"{'source':40} {'records':>8} {'certain':>8} {'probable':>8}")
        for source_id, counts in sorted(run.per_source.items()):
            click.echo(
                f"{names.get(source_id, f'#{source_id}')[:40]:40} {counts.records:>8,} "
                f"{counts.merged:>8,} {counts.queued:>8,}"
            )
    if note := crowded_note(run):
        click.echo(note)
    if run.rules:
        rules = ", ".join(f"{rule} {count}" for rule, count in run.rules.most_common())
        click.echo(f"Rules: {rules}")
    if run.queued:
        click.echo("Review the probable pairs in the TUI: `d` on the home screen (review FILE).")


@cli.command("same")
@FILE
@click.argument("first", type=int)
@click.argument("second", type=int)
@click.option("--reviewer", help="Your name in the audit trail (or $REVIEW_REVIEWER, or config).")
def same(file: Path, first: int, second: int, reviewer: str | None) -> None:
    """Screen two records as one: a reviewer's merge (any two, queued or not).

    FIRST and SECOND are record ids, as the records screen and the groups
    report show them. Example: review same rt-io.db 12 408 --reviewer ann
    """
    if first == second:
        raise UsageError(
            f"record {first} twice: nothing to merge",
            hint="name two different records (ids as `review records FILE` lists them)",
        )
    who = _reviewer(reviewer)
    with open_review(file) as store:
        who = as_reviewer(store, who)
        refs = _refs(store, [first, second])
        # one already: nothing is stored, so `review unmerge` would not undo this
        already = not plan_merge(store, first, second).joining
        unit = merge_records(store, refs[0], refs[1], who)
        size = load_resolution(store).size(unit)
    if already:
        click.echo(
            f"Records {first} and {second} are screened as one already "
            f"({unit}, {size} records); nothing was stored."
        )
        return
    click.echo(f"Records {first} and {second} are now screened as one ({unit}, {size} records).")


@cli.command("apart")
@FILE
@click.argument("record", type=int)
@click.option("--reviewer", help="Your name in the audit trail (or $REVIEW_REVIEWER, or config).")
def apart(file: Path, record: int, reviewer: str | None) -> None:
    """Take a record out of the unit it is screened in with others.

    Undoes a merge by a rule or a reviewer, and splits records that were one
    because they share an identifier (a DOI on two different papers).
    Example: review apart rt-io.db 408 --reviewer ann
    """
    who = _reviewer(reviewer)
    with open_review(file) as store:
        who = as_reviewer(store, who)
        [uid] = _refs(store, [record])
        unit = take_apart(store, uid, who)
    click.echo(f"Record {record} is screened on its own now (it left {unit}).")


@cli.command("unmerge")
@FILE
@click.argument("record", type=int)
@click.option("--reviewer", help="Your name in the audit trail (or $REVIEW_REVIEWER, or config).")
def unmerge(file: Path, record: int, reviewer: str | None) -> None:
    """Undo the newest reviewer's merge of the record's unit, exactly.

    Every record that merge moved goes back where it was: into the group a
    dedup rule had made, or to none. Run it again to undo the merge before.
    (`apart` takes one record out instead.) Example: review unmerge rt-io.db 408
    """
    who = _reviewer(reviewer)
    with open_review(file) as store:
        who = as_reviewer(store, who)
        undone = undo_merge(store, record, who)
    if undone is None:
        raise UsageError(
            f"record {record} is in no unit a reviewer merged",
            path=file,
            hint="`review apart FILE RECORD` takes a record out of a group a rule made",
        )
    again = f"; {', '.join(undone.rule_groups)} whole again" if undone.rule_groups else ""
    moved = ", ".join(str(i) for i in undone.record_ids)
    noun = plural(len(undone.record_ids), "record")
    click.echo(f"Merge undone: {noun} {moved} back as before{again}.")


def _reviewer(given: str | None) -> str:
    name = resolve_reviewer(given, os.environ, load_settings())
    if not name:
        raise UsageError(
            "a reviewer name is needed to record this decision",
            hint="pass --reviewer NAME, set REVIEW_REVIEWER, or set reviewer in the config file",
        )
    return name


def _refs(store: Store, record_ids: list[int]) -> list[str]:
    """Record uids for record ids; an unknown id is a usage error naming it."""
    refs = store.records.record_refs(record_ids)
    missing = [str(i) for i in record_ids if i not in refs]
    if missing:
        raise UsageError(
            f"no record {', '.join(missing)} in this review",
            path=store.path,
            hint="record ids are shown on the records screen and in `review dedupe --report`",
        )
    return [refs[i].uid for i in record_ids]
