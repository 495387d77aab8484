"""Exports: what leaves the tool, exact and needing no hand-editing.

`export_review(store, folder)` writes review.xlsx (sheets Records, Studies,
Outcomes, PRISMA, Agreement, the risk-of-bias sheets, Methods when screening
was prioritised or stopped early, Dictionary), records.csv, studies.csv,
outcomes.csv, prisma.csv, included.ris and records.ris — each to a
temporary file, read back and compared with the store, then renamed.
One module per output; the cell rules in `cells`. Pure core: the store's
repositories do the reading, no UI framework.
"""

from review.exports.writer import ExportResult, WrittenFile, export_review

__all__ = ["ExportResult", "WrittenFile", "export_review"]
