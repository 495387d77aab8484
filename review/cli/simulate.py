"""`review simulate`: the prioritisation model on a labelled set, as a reviewer would meet it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.base import cli
from review.errors import UsageError

CHART_WIDTH = 60
CHART_HEIGHT = 12


@cli.command()
@click.argument("dataset", type=click.Path(path_type=Path, dir_okay=False, exists=True))
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
    from review.prioritise.datasets import read_labelled
    from review.prioritise.metrics import recall_curve
    from review.prioritise.model import ModelSettings, build_features
    from review.prioritise.simulate import simulate as run
    from review.prioritise.simulate import simulate_random

    labelled = read_labelled(dataset, label)
    if labelled.relevant == 0:
        raise UsageError(
            f"{dataset}: no record is labelled relevant in {labelled.label_column!r}",
            hint="recall cannot be measured; check the label column (--label COLUMN)",
        )
    settings = ModelSettings(seed=seed)
    try:
        result = run(build_features(labelled.texts, settings), labelled.labels, settings=settings,
                     prior=prior)  # fmt: skip
        baseline = simulate_random(labelled.labels, seed=seed, prior=prior)
    except ValueError as exc:
        raise UsageError(f"{dataset}: {exc}") from None
    figures = result.summary()
    if as_json:
        out = dict(figures)
        if compare_random:
            out["random"] = baseline.summary()  # type: ignore[assignment]
        click.echo(json.dumps(out))
        return
    records = len(labelled.labels)
    click.echo(
        f"{dataset.name}: {records:,} records, {labelled.relevant:,} relevant "
        f"({labelled.label_column}); seed {seed}, prior {prior} + {prior}; "
        f"{result.retrains} retrains"
    )
    rows = [("model", figures)] + ([("random", baseline.summary())] if compare_random else [])
    click.echo(f"{'':8}{'recall@10%':>12}{'recall@25%':>12}{'WSS@95':>9}{'screened to all':>17}")
    for name, values in rows:
        click.echo(
            f"{name:8}{values['recall_at_10']:>12.1%}{values['recall_at_25']:>12.1%}"
            f"{values['wss95']:>9.1%}{values['screened_to_all']:>11,} of {len(result.labels):,}"
        )
    curves = [("█", recall_curve(result.labels))]
    if compare_random:
        curves.append(("·", recall_curve(baseline.labels)))
    click.echo()
    click.echo("\n".join(recall_chart(curves)))


def recall_chart(curves: list[tuple[str, list[float]]]) -> list[str]:
    """Recall (up) against share screened (across) as text, one mark per curve
    at its height in each column; the first curve is drawn over the others."""
    grid = [[" "] * CHART_WIDTH for _ in range(CHART_HEIGHT)]
    for mark, curve in reversed(curves):
        for column in range(CHART_WIDTH):
            at = min(len(curve) - 1, round((column + 1) / CHART_WIDTH * len(curve)) - 1)
            height = round(curve[max(at, 0)] * CHART_HEIGHT)
            if height:
                grid[CHART_HEIGHT - height][column] = mark
    lines = []
    for row, cells in enumerate(grid):
        recall = (CHART_HEIGHT - row) / CHART_HEIGHT
        axis = f"{recall:>4.0%} |" if row % 3 == 0 else "     |"
        lines.append(axis + "".join(cells))
    lines.append("     +" + "-" * CHART_WIDTH)
    middle = CHART_WIDTH // 2 - 3
    lines.append("      0%" + " " * middle + "50%" + " " * (CHART_WIDTH - middle - 8) + "100%")
    lines.append("      recall (up) against records screened (across); " + _legend(curves))
    return lines


def _legend(curves: list[tuple[str, list[float]]]) -> str:
    names = ["model", "random"]
    return ", ".join(f"{mark} {name}" for (mark, _), name in zip(curves, names, strict=False))
