"""The CSVs (records.csv, studies.csv, outcomes.csv, prisma.csv): UTF-8,
comma-separated, CRLF line ends (RFC 4180, what R's read.csv and Excel
both take), one file per table with a `csv_name`. Cells follow
`cells.csv_cell`: escaped like the workbook, but never cut."""

from __future__ import annotations

import csv
from pathlib import Path

from review.exports.cells import Cell, csv_cell
from review.exports.sample import sample_positions
from review.exports.table import Table

Written = tuple[list[str], int, dict[int, list[str]]]
"""(header, data rows, sampled rows as text by 0-based position)."""


def write_csv(path: Path, table: Table) -> Written:
    wanted = sample_positions(table.count)
    samples: dict[int, list[str]] = {}
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(table.header)
        for row in table.rows():
            cells = [csv_cell(value) for value in row]
            if count in wanted:
                samples[count] = [as_text(cell) for cell in cells]
            writer.writerow(cells)
            count += 1
    return table.header, count, samples


def read_back(path: Path, expected: Written) -> Written:
    """Header, row count and sampled rows of a written CSV."""
    csv.field_size_limit(1 << 30)
    wanted = expected[2]
    header: list[str] = []
    samples: dict[int, list[str]] = {}
    count = -1
    with path.open(encoding="utf-8", newline="") as handle:
        for count, row in enumerate(csv.reader(handle), start=-1):
            if count == -1:
                header = row
            elif count in wanted:
                samples[count] = row
    return header, count + 1, samples


def as_text(cell: Cell) -> str:
    """A cell as the csv module writes it."""
    return "" if cell is None else str(cell)
