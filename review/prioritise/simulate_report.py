"""`review simulate` as one call: read a labelled set, screen it in model
order (and at random), and word the figures and the recall chart.

Shared by the command line and the home screen's dialog, so both refuse a
set the same way and print the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.errors import UsageError

CHART_WIDTH = 60
CHART_HEIGHT = 12


@dataclass(frozen=True)
class SimulationRun:
    """A labelled set screened by the model, with the random baseline beside it."""

    dataset: Path
    records: int
    relevant: int
    label_column: str
    seed: int
    prior: int
    result: Any
    """`review.prioritise.simulate.Simulation` of the model order."""
    baseline: Any
    """The same for random order."""

    def as_dict(self, compare_random: bool) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.result.summary())
        if compare_random:
            out["random"] = self.baseline.summary()
        return out


def run_simulation(dataset: Path, label: str | None, *, seed: int, prior: int) -> SimulationRun:
    """Screen `dataset` in model order; a set that cannot be measured is a UsageError."""
    from review.prioritise.datasets import read_labelled
    from review.prioritise.model import ModelSettings, build_features
    from review.prioritise.simulate import simulate, simulate_random

    labelled = read_labelled(dataset, label)
    if labelled.relevant == 0:
        raise UsageError(
            f"{dataset}: no record is labelled relevant in {labelled.label_column!r}",
            hint="recall cannot be measured; check the label column (--label COLUMN)",
        )
    settings = ModelSettings(seed=seed)
    try:
        features = build_features(labelled.texts(settings), settings)
        # Once every relevant record is found, recall is 100% from there on
        # whatever the order: no figure or curve point reads the retrains
        # after that, which are the slowest (the most records decided).
        result = simulate(
            features, labelled.labels, settings=settings, prior=prior, until=(1.0, 0.0)
        )
        baseline = simulate_random(labelled.labels, seed=seed, prior=prior)
    except ValueError as exc:
        raise UsageError(f"{dataset}: {exc}") from None
    return SimulationRun(
        dataset, len(labelled.labels), labelled.relevant, labelled.label_column, seed, prior,
        result, baseline,
    )  # fmt: skip


def simulation_lines(run: SimulationRun, compare_random: bool) -> list[str]:
    """The table of recall and work saved, then the recall chart."""
    from review.prioritise.metrics import recall_curve

    figures = run.result.summary()
    lines = [
        f"{run.dataset.name}: {run.records:,} records, {run.relevant:,} relevant "
        f"({run.label_column}); seed {run.seed}, prior {run.prior} + {run.prior}; "
        f"{run.result.retrains} retrains",
        f"{'':8}{'recall@10%':>12}{'recall@25%':>12}{'WSS@95':>9}{'screened to all':>17}",
    ]
    rows = [("model", figures)] + ([("random", run.baseline.summary())] if compare_random else [])
    for name, values in rows:
        lines.append(
            f"{name:8}{values['recall_at_10']:>12.1%}{values['recall_at_25']:>12.1%}"
            f"{values['wss95']:>9.1%}{values['screened_to_all']:>11,} of {len(run.result.labels):,}"
        )
    curves = [("█", recall_curve(run.result.labels))]
    if compare_random:
        curves.append(("·", recall_curve(run.baseline.labels)))
    return [*lines, "", *recall_chart(curves)]


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
