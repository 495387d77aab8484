"""The Dictionary sheet: every column of every other sheet with what it
holds and its unit, after a few lines about the export itself (when, from
what, whether it is a draft, what each sheet left out)."""

from __future__ import annotations

from collections.abc import Sequence

from review import __version__
from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.prisma.text import progress_line
from review.wording import counted

COLUMNS = (
    Column("sheet", "The sheet (and CSV) the column is in"),
    Column("column", "The column's name as written; blank for a line about the whole sheet"),
    Column("meaning", "What the column holds"),
    Column("unit", "Unit of a number, where it has one"),
)


def dictionary_table(data: ExportData, tables: Sequence[Table], *, exported_at: str) -> Table:
    rows: list[list[object]] = [
        ["(export)", None, f"{data.title}: exported by review {__version__} at {exported_at}", None]
    ]
    if data.draft:
        rows.append(
            [
                "(export)",
                None,
                f"DRAFT: the review is in progress ({progress_line(data.prisma)}); "
                "counts and included studies will change",
                None,
            ]
        )
    for table in tables:
        where = f"{table.sheet} ({table.csv_name})" if table.csv_name else table.sheet
        rows.append([table.sheet, None, f"{where}: {counted(table.count, 'row')}", None])
        rows += [[table.sheet, None, note, None] for note in (*table.notes, *table.warnings)]
        rows += [[table.sheet, c.name, c.meaning, c.unit or None] for c in table.columns]
    return Table(
        "Dictionary",
        COLUMNS,
        lambda: iter(rows),
        len(rows),
        width={"meaning": 80, "column": 24, "sheet": 12},
    )
