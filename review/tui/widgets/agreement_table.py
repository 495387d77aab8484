"""Inter-rater agreement as a table: one row per stage and pair of reviewers."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from review.screening.state import PairAgreement


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def agreement_table(pairs: list[PairAgreement]) -> Table:
    """The 2×2 counts, observed agreement, kappa, PABAK, prevalence and bias indices."""
    table = Table(box=None, padding=(0, 1), header_style="bold")
    for column in ("Stage", "Pair", "n", "II", "IE", "EI", "EE", "Po", "κ", "PABAK", "PI", "BI"):
        table.add_column(column, justify="left" if column in ("Stage", "Pair") else "right")
    for pair in pairs:
        stats, cells = pair.stats, pair.stats.table
        table.add_row(
            pair.stage.value.replace("_", "/"),
            Text(f"{pair.first} × {pair.second}"),
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
    if not pairs:
        table.add_row("", "no two reviewers have screened the same records yet")
    return table


AGREEMENT_NOTE = (
    "II/IE/EI/EE: both include, first only, second only, both exclude. "
    "Maybe is counted as include. κ is Cohen's kappa; PABAK the prevalence- and "
    "bias-adjusted kappa; PI and BI the prevalence and bias indices."
)
