"""`review records`: the records browser's list on the command line,
tab-separated so it pipes into `grep`, `cut` and `head`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.base import FILE, cli, open_review, warn_location

_PAGE = 2_000


@cli.command()
@FILE
@click.option(
    "--search", help="Full-text search of titles, abstracts and authors (words, prefix*)."
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many records.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def records(file: Path, search: str | None, limit: int | None, as_json: bool) -> None:
    """List the review's records in import order: id, source file, the record's
    id in that file, year, warnings and title — what the records browser shows.

    Example: review records rt-io.db --search nasopharyngeal | head
    """
    with open_review(file) as store:
        warn_location(store.location_warning)
        shown, after = 0, None
        while limit is None or shown < limit:
            want = _PAGE if limit is None else min(_PAGE, limit - shown)
            rows = store.records.record_rows(search=search, limit=want, after_id=after)
            if not rows:
                break
            refs = store.records.record_refs(row.id for row in rows)
            for row in rows:
                ref = refs[row.id]
                if as_json:
                    line = json.dumps(
                        {
                            "id": row.id,
                            "source_file": ref.source_file,
                            "source_ref": ref.source_ref,
                            "year": row.year,
                            "warnings": row.warning_count,
                            "title": row.title,
                        },
                        ensure_ascii=False,
                    )
                else:
                    year = "" if row.year is None else str(row.year)
                    line = "\t".join(
                        (str(row.id), ref.source_file, ref.source_ref, year,
                         str(row.warning_count), row.title)
                    )  # fmt: skip
                click.echo(line)
            shown += len(rows)
            after = rows[-1].id
