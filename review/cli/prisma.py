"""`review prisma`: the PRISMA 2020 flow diagram from the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.base import FILE, cli, open_review
from review.errors import UsageError
from review.prisma import load_prisma
from review.prisma.png import render_png
from review.prisma.svg import render_svg
from review.prisma.template import atomic_write, values, write_csv
from review.prisma.text import progress_line, render_text
from review.review_file import review_title


@cli.command()
@FILE
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the PRISMA2020 R package's CSV (PRISMA_data) here.",
)
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the flow diagram as SVG here.",
)
@click.option(
    "--png",
    "png_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help='Write the flow diagram as PNG here (needs pip install "review[png]").',
)
@click.option(
    "--draft",
    is_flag=True,
    help="Write --csv/--svg even though screening is not finished (marked DRAFT in the SVG).",
)
@click.option(
    "--previous-studies",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="For an update: studies included in the previous version of the review.",
)
@click.option(
    "--previous-reports",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="For an update: reports of those studies.",
)
def prisma(
    file: Path,
    as_json: bool,
    csv_path: Path | None,
    svg_path: Path | None,
    png_path: Path | None,
    draft: bool,
    previous_studies: int,
    previous_reports: int,
) -> None:
    """The PRISMA 2020 flow diagram, counted from the review's ledger.

    The arithmetic is checked first; a review still being screened shows its
    numbers with what is open, and writes files only with --draft.

    Example: review prisma rt-io.db --csv prisma.csv --svg prisma.svg --png prisma.png
    """
    with open_review(file) as store:
        counts = load_prisma(
            store, previous_studies=previous_studies, previous_reports=previous_reports
        )
        title = review_title(store)
    if (csv_path or svg_path or png_path) and counts.in_progress and not draft:
        raise UsageError(
            f"the review is in progress: {progress_line(counts)}",
            path=file,
            hint="finish screening (`review status` shows what is open), "
            "or add --draft to write the files as they stand",
        )
    if csv_path:
        values(counts)  # refuses counts the package's CSV cannot hold, before printing
    # Drawn before anything is written: a missing renderer or font writes nothing.
    png = render_png(render_svg(counts, title=title)) if png_path else None
    # Files first, printout after: a reader that stops early (`| head -1`)
    # must not cost a file the command was asked to write.
    written = []
    if csv_path:
        write_csv(counts, csv_path)
        written.append(csv_path)
    if svg_path:
        atomic_write(svg_path, render_svg(counts, title=title))
        written.append(svg_path)
    if png_path and png is not None:
        atomic_write(png_path, png)
        written.append(png_path)
    if as_json:
        click.echo(json.dumps(counts.as_json(), indent=2, ensure_ascii=False))
    else:
        text = render_text(counts)
        if counts.in_progress:
            head, _, rest = text.partition("\n")
            text = click.style(head, fg="yellow", bold=True) + "\n" + rest
        click.echo(text, nl=False)
    for path in written:
        click.echo(f"Wrote {path}", err=as_json)
