"""A table a person filled in, as .xlsx (openpyxl) or .csv: its header and
numbered rows.

The long layouts of extraction and risk of bias, and screening decisions
made elsewhere, are all read through here, so every such import numbers
rows as a spreadsheet does (the header is row 1), skips blank rows, and
undoes the apostrophe the exports put before a formula character.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from review.errors import ExportError, ImportFormatError

Cell = str | int | float | None
SUFFIXES = (".xlsx", ".csv")
_ESCAPED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def check_suffix(path: Path, *, error: type[ExportError] | type[ImportFormatError]) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise error(
            f"cannot tell the format from {path.name!r}",
            path=path,
            hint="name the file .xlsx or .csv",
        )
    return suffix


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Cell]]]]:
    """The header and each non-blank data row with its row number (the header
    is row 1, as a spreadsheet numbers it)."""
    suffix = check_suffix(path, error=ImportFormatError)
    try:
        raw = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as exc:
        raise ImportFormatError(f"cannot read the file: {exc}", path=path) from None
    if not raw:
        raise ImportFormatError("the file is empty", path=path, hint="export one to see the layout")
    header = [str(cell).strip().lower() if cell is not None else "" for cell in raw[0][1]]
    rows = []
    for number, cells in raw[1:]:
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        rows.append(
            (
                number,
                {
                    name: _unescape(cells[i]) if i < len(cells) else None
                    for i, name in enumerate(header)
                    if name
                },
            )
        )
    return header, rows


def _read_xlsx(path: Path) -> list[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        out = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            out.append((number, [_xlsx_cell(cell) for cell in row]))
        return out
    finally:
        book.close()


def _xlsx_cell(cell: object) -> Cell:
    if cell is None or (isinstance(cell, str | int | float) and not isinstance(cell, bool)):
        return cell  # type: ignore[return-value]
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _read_csv(path: Path) -> list[tuple[int, list[Cell]]]:
    csv.field_size_limit(10_000_000)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Excel's plain "CSV" is the Windows code page: say where and how to
        # save it, never guess the encoding.
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            path=path,
            line=line,
            hint='save it from Excel as "CSV UTF-8 (Comma delimited)", or import the .xlsx',
        ) from None
    delimiter = ";" if text[:4096].count(";") > text[:4096].count(",") else ","
    # strict: a quote left open (a file cut mid-record) is refused, not read as
    # a shorter value running to the end of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[Cell]]] = []
    line = 1  # where the record being read starts
    try:
        for number, row in enumerate(reader, start=1):
            out.append((number, list(row)))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            message = "a quoted value is never closed: the file is cut short, or a quote is missing"
            hint = "export or save the file again in full"
        else:
            message = f"the CSV is malformed ({exc})"
            hint = 'a quoted value ends with its quote, then the delimiter ("" for a quote in it)'
        raise ImportFormatError(message, path=path, line=line, hint=hint) from None
    return out


def _unescape(cell: Cell) -> Cell:
    """Undo `safe_cell`'s apostrophe before a formula character."""
    if isinstance(cell, str) and cell.startswith(_ESCAPED):
        return cell[1:]
    return cell
