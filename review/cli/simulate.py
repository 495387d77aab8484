"""`review simulate`: the prioritisation model on a labelled set, as a reviewer would meet it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.base import InputFile, cli, echo_lines
from review.errors import ImportFormatError


@cli.command()
@click.argument("dataset", type=InputFile())
@click.option(
    "--label",
    "label",
    metavar="COLUMN",
    help="The 0/1 column (CSV) or tag (RIS); default label_included, else included, else label.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds warm-up and priors.")
@click.option(
    "--prior",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Known relevant and known irrelevant records given at the start (N of each).",
)
@click.option("--compare-random", is_flag=True, help="Add the random-order baseline.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def simulate(
    dataset: Path, label: str | None, seed: int, prior: int, compare_random: bool, as_json: bool
) -> None:
    """Screen a labelled DATASET (.csv or .ris) in model order and report recall and work saved."""
    from review.prioritise.simulate_report import run_simulation, simulation_lines

    try:
        run = run_simulation(dataset, label, seed=seed, prior=prior)
    except ImportFormatError as exc:
        if exc.hint and "--format" in exc.hint:  # an option `import` has and this has not
            exc.hint = (
                "a labelled set is a CSV with title (and abstract) columns and a 0/1 label "
                "column, or RIS; see `review formats` for what is read"
            )
        raise
    if as_json:
        click.echo(json.dumps(run.as_dict(compare_random)))
        return
    echo_lines(simulation_lines(run, compare_random))
