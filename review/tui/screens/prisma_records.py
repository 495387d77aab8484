"""The records behind one box of the PRISMA diagram: title, year, source and
where each stands (decision and reason), one row per unit or record the box
counts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from review.prisma.boxes import BoxRecord
from review.tui.widgets.key_footer import KeyFooter

SLICE = 2_000
"""Rows added to the table at a time."""
NO_TITLE = "(no title)"
"""As the other screens show a record without one (a blank row read as an empty line)."""
WIDE = 120
"""From this width the table shows source and reason too; narrower, the line
under the table shows them for the highlighted row."""


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
        yield Static(f"{self.box_title}: {count:,} {noun}", id="prisma-records-title")
        yield DataTable(id="prisma-records", cursor_type="row", zebra_stripes=True)
        yield Static(id="prisma-record-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.table
        width = self.app.size.width
        wide = width >= WIDE
        columns = [("Record", 6), ("Title", 0), ("Year", 4)]
        columns += (
            [("Source", 22), ("Decision", 26), ("Reason", 30)] if wide else [("Decision", 26)]
        )
        used = sum(w for _, w in columns) + 2 * len(columns) + 2
        for name, column_width in columns:
            table.add_column(name, width=column_width or max(16, width - used))
        self._fill(0, wide)
        if not self.rows:
            self.query_one("#prisma-records-title", Static).update(
                f"{self.box_title}: no records (the box counts 0)"
            )
        table.focus()

    def _fill(self, start: int, wide: bool) -> None:
        """Rows in slices, so keys stay live while a box of 100,000 fills in."""
        table = self.table
        for row in self.rows[start : start + SLICE]:
            cells: list[str | Text] = [
                str(row.record_id) if row.record_id else "",
                Text(row.title or NO_TITLE, overflow="ellipsis", no_wrap=True),
                str(row.year or ""),
            ]
            if wide:
                cells.append(Text(row.source, overflow="ellipsis", no_wrap=True))
            cells.append(row.decision)
            if wide:
                cells.append(Text(row.reason, overflow="ellipsis", no_wrap=True))
            table.add_row(*cells, key=f"{row.unit}#{row.record_id}")
        if start + SLICE < len(self.rows):
            self.call_after_refresh(self._fill, start + SLICE, wide)

    @on(DataTable.RowHighlighted, "#prisma-records")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted row in full: the table cuts long titles and reasons."""
        row = self.rows[event.cursor_row]
        text = Text(row.title or NO_TITLE, style="bold")
        text.append(f"\n{row.source} · {row.unit} · {row.decision}")
        if row.reason:
            text.append(f" · {row.reason}")
        self.query_one("#prisma-record-detail", Static).update(text)
