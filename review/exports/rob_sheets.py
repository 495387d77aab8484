"""The risk-of-bias sheets: one per tool, in robvis's layout.

`Study, D1..Dn, Overall` in full words, the table `review rob export`
writes as `<tool>.csv` (the same rows, from `review.rob.reports`), so the
workbook's sheet and robvis's file cannot disagree. Assessments not yet
complete enough for robvis are left out and named in the Dictionary.
"""

from __future__ import annotations

from functools import partial

from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.rob.reports import robvis_table, summarise


def rob_tables(data: ExportData) -> list[Table]:
    """One table per tool with at least one assessment in the review."""
    tables = []
    for summary in summarise(data.store, data.protocol, data.included):
        header, rows, left_out = robvis_table(summary)
        tool = summary.tool
        columns = [
            Column("Study", "the study, as robvis labels it"),
            *(Column(name, f"{tool.name}: judgement, in robvis's words") for name in header[1:]),
        ]
        notes: tuple[str, ...] = (
            f"{tool.name} ({tool.id}), robvis's layout: rob_traffic_light(read.csv(...)).",
        )
        if left_out:
            notes += (f"Not complete yet, so left out: {', '.join(left_out)}.",)
        tables.append(
            Table(
                sheet=f"RoB {tool.id}"[:31],
                columns=columns,
                rows=partial(list, rows),
                count=len(rows),
                csv_name=f"rob_{tool.id}.csv",
                notes=notes,
            )
        )
    return tables
