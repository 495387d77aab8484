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
from pathlib import Path

from review.dedup.report import safe_cell
from review.errors import ExportError
from review.file_modes import give_usual_mode
from review.importers.table_file import Cell, check_suffix, read_table

__all__ = ["Cell", "read_table", "write_table"]

XLSX_CELL_LIMIT = 32_767


def write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Write header + rows, then read the file back and compare the count."""
    suffix = check_suffix(path, error=ExportError)
    if suffix == ".xlsx":
        _check_cell_lengths(path, header, rows)  # before any file exists
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
            give_usual_mode(temp, path)
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot write the file: {exc}", path=path) from None


def _write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    from openpyxl import Workbook  # deferred: ~100 ms, only exports need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    book.save(path)


def _check_cell_lengths(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Refuse text longer than an .xlsx cell holds, naming the row and column."""
    for number, row in enumerate(rows, start=2):
        named = dict(zip(header, row, strict=False))
        what = " ".join(str(named[k]) for k in ("study", "field") if named.get(k))
        for column, cell in named.items():
            text = safe_cell(cell)
            if isinstance(text, str) and len(text) > XLSX_CELL_LIMIT:
                raise ExportError(
                    f"row {number} ({what}), column {column}: {len(text):,} characters, "
                    f"more than an .xlsx cell holds ({XLSX_CELL_LIMIT:,})",
                    path=path,
                    hint="export to .csv, which has no limit",
                )


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    # A byte-order mark first, so Excel reads it as UTF-8 (reading skips it).
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)
