"""Inter-rater agreement as a table: one row per stage and pair of reviewers."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from review.screening.state import PairAgreement
from review.tui.screens.stage_picker import STAGE_NAMES


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def agreement_table(pairs: list[PairAgreement]) -> Table:
    """The 2×2 counts, observed agreement, kappa, PABAK, prevalence and bias indices.

    Each stage is a heading row over its pairs rather than a column: at 80
    columns a stage column was cut to "title/…".
    """
    if not pairs:  # a lone sentence, not squeezed into the first of eleven columns
        table = Table.grid(padding=(0, 1))
        table.add_row("No two reviewers have screened the same records yet.")
        return table
    table = Table(box=None, padding=(0, 1), header_style="bold")
    for column in ("Stage, pair", "n", "II", "IE", "EI", "EE", "Po", "κ", "PABAK", "PI", "BI"):
        table.add_column(column, justify="left" if column == "Stage, pair" else "right")
    stage = None
    for pair in pairs:
        if pair.stage is not stage:
            stage = pair.stage
            table.add_row(Text(STAGE_NAMES[stage], style="bold"))
        stats, cells = pair.stats, pair.stats.table
        table.add_row(
            Text(f"  {pair.first} × {pair.second}"),
            str(stats.n),
            str(cells.both_include),
            str(cells.a_include_b_exclude),
            str(cells.a_exclude_b_include),
            str(cells.both_exclude),
            _number(stats.observed),
            _number(stats.kappa),
            _number(stats.pabak),
            _number(stats.prevalence_index),
            _number(stats.bias_index),
        )
    return table


AGREEMENT_NOTE = (
    "II/IE/EI/EE: both include, first only, second only, both exclude. "
    "Maybe is counted as include. κ is Cohen's kappa; PABAK the prevalence- and "
    "bias-adjusted kappa; PI and BI the prevalence and bias indices."
)
