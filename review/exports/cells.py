"""The cell rules every export follows, in one place.

In the CSVs, text that a spreadsheet would run as a formula (starting with
`= + - @`, tab or CR) gets a leading apostrophe (`review.dedup.report.safe_cell`,
shared with the groups report and the long layout); review.xlsx holds text
as inline strings, which no spreadsheet runs, so there it stays exact
(`xlsx_text`). Control characters go everywhere; numbers stay numbers,
NaN and infinity become blanks (never 0), lists are joined with "; ", dates
are ISO. A spreadsheet cell holds 32,767 characters: longer text is cut in
the .xlsx with a note saying so,
and kept whole in the CSV, which has no limit.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from review.dedup.report import safe_cell, without_control

Cell = str | int | float | None
"""A value as written: text, a number, or blank."""

XLSX_CELL_LIMIT = 32_767
"""Characters an Excel cell holds."""
LIST_SEPARATOR = "; "
FORMULA_FIRST = frozenset("=+-@")


def cut_note(length: int) -> str:
    """What ends a cut cell, so nobody mistakes it for the whole text."""
    return f" [CUT: {length:,} characters in all; the CSV export holds the whole text]"


def plain(value: object) -> Cell:
    """A value as one cell before escaping: numbers kept, blanks for nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(item) for item in items) or None
    text = str(value)
    return text if text else None


def csv_cell(value: object) -> Cell:
    """A CSV cell: escaped text of any length, numbers as numbers."""
    # The common types first: an export converts millions of cells.
    if value is None:
        return None
    if isinstance(value, str):
        if not value:
            return None
        if type(value) is not str:  # a StrEnum: its text, not the member
            value = str(value)
        if value.isprintable() and value[0] not in FORMULA_FIRST:
            return value  # nothing to escape: most text
        return _escaped(value)
    if type(value) is int:
        return value
    return _escaped(plain(value))


def xlsx_text(value: str) -> Cell:
    """Text as review.xlsx writes it: control characters removed, no
    apostrophe before `= + - @`. readxl and pandas get the value as typed
    (`-` for "not reported", `+2 weeks`); the CSV keeps the apostrophe,
    since any program may open a CSV and run what starts with `=`."""
    return without_control(str(value)) or None


def xlsx_value(value: object) -> Cell:
    """An .xlsx cell before `fit`: as `csv_cell`, text through `xlsx_text`."""
    cell = plain(value)
    return xlsx_text(cell) if isinstance(cell, str) else cell


def xlsx_cell(value: object) -> Cell:
    """An .xlsx cell: `xlsx_value`, cut with a note past the cell limit."""
    return fit(xlsx_value(value))


def fit(cell: Cell) -> Cell:
    """A CSV cell as an .xlsx cell: text past the cell limit cut with a note."""
    if type(cell) is str and len(cell) > XLSX_CELL_LIMIT:
        note = cut_note(len(cell))
        return cell[: XLSX_CELL_LIMIT - len(note)] + note
    return cell


def _escaped(cell: Cell) -> Cell:
    if isinstance(cell, str):
        escaped = safe_cell(cell)
        return escaped if isinstance(escaped, str) and escaped else None
    return cell
