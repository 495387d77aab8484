"""The records table: one row per record, handed to it a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

if TYPE_CHECKING:
    from review.store import RecordRow

TITLE, YEAR, SOURCE, WARNINGS = "title", "year", "source", "warnings"
_FIXED_WIDTHS = {YEAR: 4, SOURCE: 16, WARNINGS: 4}
_CHROME = 2 * (len(_FIXED_WIDTHS) + 1) + 2  # cell padding on every column + the scrollbar


class RecordTable(DataTable[Text]):
    """Records as rows keyed by record id.

    The table never holds a whole 100k-record review: it holds a window of
    the records its screen gave it, and asks for more with `NearEnd` (and
    `NearStart`, when the window does not begin at the first record), so
    opening a large review costs the same as opening a small one. Home and
    End ask the screen for the first or last record with `Jump`, since
    only the screen knows what lies beyond the window.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next", show=False, id="records.next"),
        Binding("up,k", "cursor_up", "Previous", show=False, id="records.previous"),
        Binding("pagedown", "page_down", "Page down", show=False, id="records.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="records.page-up"),
        Binding("home,g", "jump('first')", "First", show=False, id="records.first"),
        Binding("end,G", "jump('last')", "Last", show=False, id="records.last"),
    ]
    """
    | Keys | Description |
    | :- | :- |
    | down, j | Next record. |
    | up, k | Previous record. |
    | pagedown, pageup | A screenful down or up. |
    | home, g | First record (of the search, if any). |
    | end, G | Last record (of the search, if any). |
    """

    NEAR_END: ClassVar[int] = 60
    """Ask for the next page when the cursor or the view is this close to the last row."""

    @dataclass
    class NearEnd(Message):
        """The cursor or the view came near the last loaded row."""

        table: RecordTable
        loaded: int
        """Rows the table holds now: the offset of the page to fetch next."""

        @property
        def control(self) -> RecordTable:
            return self.table

    @dataclass
    class NearStart(Message):
        """The cursor or the view came near the first row the table holds."""

        table: RecordTable

        @property
        def control(self) -> RecordTable:
            return self.table

    @dataclass
    class Jump(Message):
        """Home or End: go to the first or last record, loaded or not."""

        table: RecordTable
        to: Literal["first", "last"]

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.rows_shown: list[RecordRow] = []
        """The window of records the table holds, in order."""

    def on_mount(self) -> None:
        self.add_column("Title", key=TITLE, width=40)
        self.add_column("Year", key=YEAR, width=_FIXED_WIDTHS[YEAR])
        self.add_column("Source", key=SOURCE, width=_FIXED_WIDTHS[SOURCE])
        self.add_column("⚠", key=WARNINGS, width=_FIXED_WIDTHS[WARNINGS])

    def show_rows(self, rows: Sequence[RecordRow], *, append: bool = False) -> None:
        """Replace the rows (a new search) or add a page after them."""
        if not append:
            self.clear()
            self.rows_shown = []
        self.rows_shown.extend(rows)
        self._add(rows)

    def prepend_rows(self, rows: Sequence[RecordRow]) -> None:
        """Put a page before the rows held, the cursor staying on its record.

        A DataTable adds rows at the end only, so the window is rebuilt: a
        few hundred rows, paged back one page at a time.
        """
        if not rows:
            return
        row, scrolled = self.cursor_row, self.scroll_y
        held = self.rows_shown
        self.clear()
        self.rows_shown = [*rows, *held]
        self._add(self.rows_shown)
        self.move_cursor(row=row + len(rows), scroll=False)
        self.scroll_to(y=scrolled + len(rows), animate=False, immediate=True)

    def action_jump(self, to: Literal["first", "last"]) -> None:
        self.post_message(self.Jump(self, to))

    def _add(self, rows: Sequence[RecordRow]) -> None:
        warning_style = self.app.theme_variables.get("warning", "yellow")
        for row in rows:
            self.add_row(
                Text(row.title, no_wrap=True, overflow="ellipsis")
                if row.title
                else Text("(no title)", style="dim italic"),
                Text(str(row.year) if row.year else "", justify="right"),
                Text(row.source_name, no_wrap=True, overflow="ellipsis"),
                Text(f"⚠{row.warning_count}", style=warning_style, justify="right")
                if row.warning_count
                else Text(""),
                key=str(row.id),
            )

    @property
    def highlighted_id(self) -> int | None:
        """The record id under the cursor, or None when the table is empty."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def on_resize(self, event: Resize) -> None:
        """Give the title every cell the other columns leave free."""
        width = max(20, event.size.width - sum(_FIXED_WIDTHS.values()) - _CHROME)
        column = self.columns.get(TITLE)  # type: ignore[call-overload]
        if column is not None and column.width != width:
            column.width = width
            # DataTable has no public way to resize a column; this flag is what
            # its own add_column sets so the next render re-measures the table.
            self._require_update_dimensions = True
            self.refresh()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._check_edges(event.cursor_row, event.cursor_row)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        top = int(new_value)
        self._check_edges(top, top + self.scrollable_content_region.height)

    def near_start(self) -> bool:
        """Whether the cursor or the view is near the first row held."""
        return min(self.cursor_row, int(self.scroll_y)) <= self.NEAR_END

    def _check_edges(self, top: int, bottom: int) -> None:
        if not self.row_count:
            return
        if bottom >= self.row_count - self.NEAR_END:
            self.post_message(self.NearEnd(self, self.row_count))
        if top <= self.NEAR_END:
            self.post_message(self.NearStart(self))
