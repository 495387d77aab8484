"""The Methods sheet: what the ledger says about how screening was done,
in sentences a methods section can cite. Today that is prioritised
screening and where each reviewer chose to stop (PRISMA 2020 item 8, RAISE);
the sheet is left out when there is nothing to report."""

from __future__ import annotations

from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.screening.priority_ledger import history
from review.screening.priority_methods import methods_statements

COLUMNS = (
    Column("topic", "What the sentence is about (prioritised screening, model, stopping…)"),
    Column("reviewer", "Whose screening; blank for the whole review"),
    Column("statement", "The sentence, from what the review file recorded when it happened"),
)


def methods_table(data: ExportData) -> Table | None:
    """None when no one ever prioritised screening or recorded a stop."""
    statements = methods_statements(history(data.store))
    if not statements:
        return None
    rows = [[s.topic, s.reviewer, s.text] for s in statements]
    return Table(
        "Methods",
        COLUMNS,
        lambda: iter(rows),
        len(rows),
        notes=("Prioritised screening and stopping, from the review's ledger",),
        width={"topic": 22, "reviewer": 14, "statement": 120},
    )
