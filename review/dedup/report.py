"""The groups report: every record in a duplicate group, as CSV.

Written to a temporary file beside the target and renamed, so a failed write
never leaves half a report; cells that a spreadsheet would run as a formula
are escaped.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from review.errors import ExportError
from review.store import Store

COLUMNS = ("group_id", "record_id", "source_file", "source_record", "decided_by", "reviewer",
           "decided_at")  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_groups_report(store: Store, target: Path) -> int:
    """Write the report; returns how many records it lists."""
    members = store.group_member_rows()
    rows = [
        (
            m.group_key,
            m.record_id,
            m.source_file,
            m.source_ref,
            m.rule or "",
            m.reviewer,
            m.created_at,
        )
        for m in members
    ]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            writer.writerows([safe_cell(value) for value in row] for row in rows)
        os.replace(temp, target)
    except OSError as exc:
        raise ExportError(f"cannot write the report: {exc}", path=target) from None
    return len(rows)


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str):
        value = "".join(ch for ch in value if ch >= " " or ch == "\n")
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value
