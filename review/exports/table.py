"""A sheet of the export: its columns with their meaning, and its rows.

Every output (the .xlsx sheets, the CSVs) is written from a `Table`, so a
sheet and its CSV cannot disagree and the Dictionary lists exactly the
columns written. Rows come from a factory rather than a list: the Records
table streams 100k records from the store once per file it feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column: its name as written, what it holds and in which unit."""

    name: str
    meaning: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """One sheet: `rows()` yields the values in column order (before the cell rules)."""

    sheet: str
    """Sheet name in review.xlsx (at most 31 characters, Excel's limit)."""
    columns: Sequence[Column]
    rows: Callable[[], Iterable[Sequence[object]]]
    count: int
    """How many rows the store says there are: what the written file must hold."""
    csv_name: str | None = None
    """The CSV this table is also written to, if any."""
    notes: tuple[str, ...] = field(default=())
    """Lines the Dictionary shows about the whole sheet (what was left out, why)."""
    warnings: tuple[str, ...] = field(default=())
    """Lines the analyst must act on before using the sheet (comparisons sharing
    an arm): the Dictionary shows them after the notes, and `review export` and
    the export screen tell the person exporting."""
    width: dict[str, int] = field(default_factory=dict)
    """Column widths in characters where the default (from the name) misleads."""

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]
