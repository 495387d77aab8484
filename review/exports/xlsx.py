"""review.xlsx: one sheet per table, written by openpyxl in write-only mode
(rows stream to disk, so 100k records do not build a workbook in memory).

Each sheet has its header row frozen, a filter on every column and widths
from the column names (wider where a table says so). Cells follow
`cells.xlsx_cell`. `read_back` opens the written file read-only and returns
per sheet the header, the row count and the sampled rows, for the writer's
comparison with what was meant to be written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from review.exports.cells import Cell, xlsx_cell
from review.exports.sample import sample_positions
from review.exports.table import Table

Written = dict[str, tuple[list[str], int, dict[int, list[Cell]]]]
"""Sheet → (header, data rows, sampled rows by 0-based position)."""

MIN_WIDTH, MAX_WIDTH = 8, 80


def write_xlsx(path: Path, tables: Sequence[Table], *, title: str, draft: bool) -> Written:
    """Write every table as a sheet; returns what was written (header, count, samples)."""
    from openpyxl import Workbook  # deferred: ~100 ms, only exports need it
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.title = f"DRAFT — {title}" if draft else title
    book.properties.creator = "review"
    written: Written = {}
    for table in tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.freeze_panes = "A2"
        for number, column in enumerate(table.columns, start=1):
            width = table.width.get(column.name, len(column.name) + 3)
            letter = get_column_letter(number)
            sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
        sheet.append(table.header)
        wanted = sample_positions(table.count)
        samples: dict[int, list[Cell]] = {}
        count = 0
        for row in table.rows():
            cells = [xlsx_cell(value) for value in row]
            if count in wanted:
                samples[count] = cells
            sheet.append(cells)
            count += 1
        last = get_column_letter(max(1, len(table.columns)))
        sheet.auto_filter.ref = f"A1:{last}{count + 1}"
        written[table.sheet] = (table.header, count, samples)
    book.save(path)
    return written


def read_back(path: Path, expected: Written) -> Written:
    """The header, row count and the rows at the sampled positions of each sheet."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        out: Written = {}
        for name, sheet in zip(expected, book.worksheets, strict=False):
            wanted = expected[name][2]
            header: list[str] = []
            samples: dict[int, list[Cell]] = {}
            count = -1
            for count, row in enumerate(sheet.iter_rows(values_only=True), start=-1):
                if count == -1:
                    header = [str(cell) for cell in row]
                elif count in wanted:
                    samples[count] = [_cell(cell) for cell in row]
            out[sheet.title] = (header, count + 1, samples)
        return out
    finally:
        book.close()


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value  # type: ignore[return-value]  # bool is an int: never written
    return str(value)
