"""The PRISMA sheet and prisma.csv: the PRISMA2020 R package's own CSV,
filled from the ledger (`review.prisma.template`), so
`PRISMA2020::PRISMA_data(read.csv("prisma.csv"))` reads it as it is and the
numbers are those `review prisma` prints. A whole-number `n` is a number
in review.xlsx."""

from __future__ import annotations

from collections.abc import Iterator

from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.prisma.template import KEY, VALUE, template_rows, values

MEANINGS = {
    "data": "The PRISMA2020 package's key for the box (NA for title boxes)",
    "node": "Node id in the package's diagram",
    "box": "Box id in the package's diagram",
    "description": "What the box counts",
    "boxtext": "Text the diagram shows",
    "tooltips": "Tooltip text in the interactive diagram",
    "url": "Link target in the interactive diagram",
    "n": "The count (or 'Name, n; Name, n' lists of sources and reasons), from the ledger",
}


def prisma_table(data: ExportData) -> Table:
    header, rows = template_rows()
    filled = values(data.prisma)  # refuses counts the package's CSV cannot hold
    columns = [Column(name, MEANINGS.get(name, name)) for name in header]

    def produce() -> Iterator[list[object]]:
        for row in rows:
            n: object = filled.get(row[KEY], row[VALUE])
            if isinstance(n, str) and n.isdigit():
                n = int(n)
            yield [n if name == VALUE else row[name] for name in header]

    return Table(
        "PRISMA",
        columns,
        produce,
        len(rows),
        csv_name="prisma.csv",
        width={"description": 50, "boxtext": 40, "n": 30},
    )
