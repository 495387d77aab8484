"""The records behind one box of the PRISMA diagram: title, year, source and
where each stands (decision and reason), one row per unit or record the box
counts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from review.prisma.boxes import BoxRecord

COLUMNS = (
    ("Record", 7),
    ("Title", 0),
    ("Year", 4),
    ("Source", 22),
    ("Decision", 26),
    ("Reason", 30),
)
"""Column heading and width (0: what is left for the title)."""


class BoxRecordsScreen(Screen[None]):
    """A read-only list; Esc goes back to the diagram with the same box marked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back to the diagram", id="prisma-records.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓ | Move through the records. |
    | escape | Back to the diagram. |
    """

    table = getters.query_one("#prisma-records", DataTable)

    def __init__(self, title: str, rows: list[BoxRecord]) -> None:
        super().__init__()
        self.box_title = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        count = len(self.rows)
        noun = "row" if count == 1 else "rows"
        yield Static(f"{self.box_title}: {count} {noun}", id="prisma-records-title")
        yield DataTable(id="prisma-records", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.table
        used = sum(width for _, width in COLUMNS) + 2 * len(COLUMNS)
        for name, width in COLUMNS:
            table.add_column(name, width=width or max(20, self.app.size.width - used - 2))
        for row in self.rows:
            table.add_row(
                str(row.record_id) if row.record_id else "",
                Text(row.title, overflow="ellipsis", no_wrap=True),
                str(row.year or ""),
                Text(row.source, overflow="ellipsis", no_wrap=True),
                row.decision,
                Text(row.reason, overflow="ellipsis", no_wrap=True),
                key=f"{row.unit}#{row.record_id}",
            )
        if not self.rows:
            self.query_one("#prisma-records-title", Static).update(
                f"{self.box_title}: no records (the box counts 0)"
            )
        table.focus()
