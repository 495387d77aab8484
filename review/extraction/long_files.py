"""The long layout's files: .xlsx (openpyxl) and .csv, written to a temporary
file beside the target, renamed, then read back and counted.

Cells a spreadsheet would run as a formula get a leading apostrophe
(`safe_cell`), which reading strips again; numbers stay numbers in .xlsx;
text longer than a cell holds is refused rather than cut.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from review.dedup.report import safe_cell
from review.errors import ExportError, ImportFormatError

Cell = str | int | float | None
SUFFIXES = (".xlsx", ".csv")
XLSX_CELL_LIMIT = 32_767
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


def write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Write header + rows, then read the file back and compare the count."""
    suffix = check_suffix(path, error=ExportError)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=suffix, dir=path.parent
        )
        os.close(handle)
        temp = Path(temp_name)
        try:
            if suffix == ".xlsx":
                _write_xlsx(temp, header, rows)
            else:
                _write_csv(temp, header, rows)
            written = len(read_table(temp)[1])
            if written != len(rows):
                raise ExportError(
                    f"wrote {written} rows but the review has {len(rows)}; nothing was kept",
                    path=path,
                )
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot write the file: {exc}", path=path) from None


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


def _write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    from openpyxl import Workbook  # deferred: ~100 ms, only exports need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(list(header))
    for number, row in enumerate(rows, start=2):
        cells = [safe_cell(cell) for cell in row]
        for cell in cells:
            if isinstance(cell, str) and len(cell) > XLSX_CELL_LIMIT:
                raise ExportError(
                    f"row {number} holds {len(cell):,} characters, more than a cell takes",
                    path=path,
                    hint="export to .csv, which has no limit",
                )
        sheet.append(cells)
    book.save(path)


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)


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
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return [
            (number, list(row))
            for number, row in enumerate(csv.reader(handle, delimiter=delimiter), start=1)
        ]


def _unescape(cell: Cell) -> Cell:
    """Undo `safe_cell`'s apostrophe before a formula character."""
    if isinstance(cell, str) and cell.startswith(_ESCAPED):
        return cell[1:]
    return cell
