"""Data extraction: forms per included study, their values checked against the
protocol's form, arms and results as repeating rows, one or two extractors.

Pure: values and statuses come from `store.extraction`, rows from
`store.entities`; no SQL, no UI. `session.ExtractionSession` is what a
screen wraps; `long_layout` is the spreadsheet a script or a team reads and
writes.
"""
