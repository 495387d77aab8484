"""Hook for the risk-of-bias sheets: empty until the RoB store lands.

The risk-of-bias branch fills `rob_tables` with one `Table` per tool in
robvis's layout (`Study, D1..Dn, Overall[, Weight]`, full words), sheet
"RoB <tool>" and `csv_name="rob_<tool>.csv"`; the writer, the Dictionary
and the read-back checks take them like any other table, nothing else
changes.
"""

from __future__ import annotations

from review.exports.load import ExportData
from review.exports.table import Table


def rob_tables(data: ExportData) -> list[Table]:
    """The risk-of-bias tables to export; none yet."""
    return []
