"""`review conflicts` and `review resolve`: the conflicts screen from the
command line, so a third reviewer can settle disagreements in a script."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from review.cli.base import FILE, as_reviewer, cli, open_review, warn_location
from review.cli.fulltext import NOTE, REVIEWER, require_reviewer
from review.config import load_settings, resolve_reviewer
from review.errors import UsageError
from review.models import DecisionValue, Record, Stage
from review.review_file import review_protocol
from review.screening.record_refs import RecordFinder
from review.screening.session import ScreeningSession
from review.screening.state import Outcome
from review.wording import counted

STAGE = click.option(
    "--stage",
    type=click.Choice([stage.value for stage in Stage]),
    default=Stage.TITLE_ABSTRACT.value,
    show_default=True,
    help="The screening stage.",
)


def reference(record: Record | None) -> str:
    """What `review resolve` (and `review decisions import`) take for a record:
    its DOI, else its PMID, else its id in its source file."""
    if record is None:
        return ""
    if record.doi:
        return record.doi
    if record.pmid:
        return f"pmid:{record.pmid}"
    return record.source_ref or ""


@cli.command()
@FILE
@click.option(
    "--reviewer",
    envvar="REVIEW_REVIEWER",
    help="Accepted for symmetry with `review resolve`; the list is the same for everyone.",
)
@STAGE
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON.")
def conflicts(file: Path, reviewer: str | None, stage: str, as_json: bool) -> None:
    """List the records the reviewers decided differently, with each decision,
    reasons and note: what the Conflicts screen shows and `review resolve`
    settles (each line starts with the arguments it takes for that record).

    Example: review conflicts rt-io.db --stage full_text
    """
    # A conflict exists only once both reviewers have decided, so blinding
    # hides nothing here: listing needs no name (settling one does). The
    # session wants a viewer; nothing is written under it.
    name = resolve_reviewer(reviewer, os.environ, load_settings()) or "(anyone)"
    with open_review(file) as store:
        warn_location(store.location_warning)
        session = ScreeningSession(store, review_protocol(store), name, Stage(stage))
        files = {source.id: source.file_name for source in store.imports.sources()}
        rows: list[dict[str, Any]] = []
        for unit in session.conflicts():
            record = session.record(unit)
            decisions = session.state.decisions(unit.key, session.stage)
            rows.append(
                {
                    "record": reference(record),
                    "source": files.get(record.source_id) if record else None,
                    "title": record.title if record else None,
                    "decisions": {
                        who: {
                            "decision": event.decision,
                            "reasons": list(event.reasons),
                            "note": event.note,
                        }
                        for who, event in sorted(decisions.items())
                    },
                }
            )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    click.echo(f"{counted(len(rows), 'conflict')} at {stage}")
    for row in rows:
        click.echo(f"{row['record']} --source {row['source']}  {row['title'] or '(no title)'}")
        for who, mine in row["decisions"].items():
            reasons = f" ({', '.join(mine['reasons'])})" if mine["reasons"] else ""
            note = f" — {mine['note']}" if mine["note"] else ""
            click.echo(f"  {who}: {mine['decision']}{reasons}{note}")


@cli.command()
@FILE
@click.argument("record")
@click.option(
    "--decision", type=click.Choice(["include", "exclude"]), required=True, help="The settlement."
)
@click.option("--reason", multiple=True, help="Exclusion reason id (repeat for several).")
@NOTE
@click.option("--source", default="", help="The import's name, when RECORD's id repeats.")
@REVIEWER
@STAGE
def resolve(
    file: Path,
    record: str,
    decision: str,
    reason: tuple[str, ...],
    note: str | None,
    source: str,
    reviewer: str | None,
    stage: str,
) -> None:
    """Settle one conflict as its own event (neither reviewer's decision changes),
    as `i` / `e` do on the Conflicts screen. RECORD is a DOI, `pmid:N` or the
    record's id in its source file, as `review conflicts` prints it.

    Example: review resolve rt-io.db 10.1000/xyz --decision exclude --reason E2 --reviewer Cat
    """
    name = require_reviewer(reviewer)
    if reason and decision == "include":
        raise UsageError(
            "--reason is for an exclusion; an include has none",
            field="--reason",
            hint="drop --reason, or settle with --decision exclude",
        )
    with open_review(file) as store:
        name = as_reviewer(store, name)
        warn_location(store.location_warning)
        session = ScreeningSession(store, review_protocol(store), name, Stage(stage))
        matches = RecordFinder(store, [record]).find(record, source)
        units = {session.state.unit_key(match.key) for match in matches}
        if not units:
            raise UsageError(
                f"no record is {record!r}",
                hint="give a DOI, pmid:N or the record's id in its file, as `review conflicts` "
                "prints it",
            )
        if len(units) > 1:
            raise UsageError(
                f"{record!r} names {len(matches)} records that are not one unit",
                hint="add --source with the import's name, or use the DOI",
            )
        (key,) = units
        unit = next((u for u in session.conflicts() if u.key == key), None)
        if unit is None:
            other = next(s for s in Stage if s.value != stage)
            elsewhere = session.state.outcome(key, other) is Outcome.CONFLICT
            raise UsageError(
                f"{record!r} is not in conflict at {stage}",
                hint=f"it is in conflict at {other.value}: add --stage {other.value}"
                if elsewhere
                else f"`review conflicts FILE --stage {stage}` lists what is",
            )
        known = [r.id for r in session.stage_settings.reasons]
        if unknown := [r for r in reason if r not in known]:
            raise UsageError(
                f"no exclusion reason {', '.join(map(repr, unknown))} at {stage}",
                hint=f"the protocol's reasons: {', '.join(known) or 'none'}",
            )
        settled: DecisionValue = "include" if decision == "include" else "exclude"
        session.resolve(unit, settled, reason, note or "")
    reasons = f" ({', '.join(reason)})" if reason else ""
    click.echo(f"Settled {record} at {stage}: {decision}{reasons}, by {name}")
