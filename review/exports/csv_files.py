"""The CSVs (records.csv, studies.csv, outcomes.csv, prisma.csv): UTF-8 with
a byte-order mark, comma-separated, CRLF line ends (RFC 4180), one file per
table with a `csv_name`. Without the mark Excel reads a CSV in the
computer's legacy code page and shows Müller as MÃ¼ller; R's read.csv (in a
UTF-8 locale), readr and pandas skip it. Cells follow `cells.csv_cell`:
escaped like the workbook, but never cut."""

from __future__ import annotations

import csv
from pathlib import Path

from review.exports.cells import Cell
from review.exports.sample import sample_positions
from review.exports.table import Table

CSV_ENCODING = "utf-8-sig"
"""UTF-8, with a byte-order mark written first (and skipped on reading)."""

Written = tuple[list[str], int, dict[int, list[str]]]
"""(header, data rows, sampled rows as text by 0-based position)."""


class Mirror:
    """A table's CSV, written row by row alongside its sheet so the rows are
    produced and converted once for both (`xlsx.write_xlsx`)."""

    def __init__(self, path: Path, table: Table) -> None:
        self.path, self.header = path, table.header
        self.wanted = sample_positions(table.count)
        self.samples: dict[int, list[str]] = {}
        self.count = 0

    def __enter__(self) -> Mirror:
        self._out = self.path.open("w", encoding=CSV_ENCODING, newline="")
        self._writer = csv.writer(self._out, lineterminator="\r\n")
        self._writer.writerow(self.header)
        return self

    def add(self, cells: list[Cell]) -> None:
        """One row, already through `csv_cell`."""
        if self.count in self.wanted:
            self.samples[self.count] = [as_text(cell) for cell in cells]
        self._writer.writerow(cells)
        self.count += 1

    def __exit__(self, *exc: object) -> None:
        self._out.close()

    @property
    def written(self) -> Written:
        return self.header, self.count, self.samples


def read_back(path: Path, expected: Written) -> Written:
    """Header, row count and sampled rows of a written CSV."""
    csv.field_size_limit(1 << 30)
    wanted = expected[2]
    header: list[str] = []
    samples: dict[int, list[str]] = {}
    count = -1
    with path.open(encoding=CSV_ENCODING, newline="") as handle:
        for count, row in enumerate(csv.reader(handle), start=-1):
            if count == -1:
                header = row
            elif count in wanted:
                samples[count] = row
    return header, count + 1, samples


def as_text(cell: Cell) -> str:
    """A cell as the csv module writes it."""
    return "" if cell is None else str(cell)
