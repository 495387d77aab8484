"""Which records a spreadsheet's `record` cell names: the record's id in its
source file, a DOI or a PMID.

Another tool's export names records its own way: Rayyan and Covidence keep
the id the search gave them (an accession number, a PMID), a pilot
spreadsheet often a DOI. A DOI (bare, `doi:…` or a doi.org link) is looked
up as a DOI; `pmid:…` as a PMID; anything else as the record's id in its
source file and, when it is all digits, as a PMID too. The answer is every
record found, so the caller can refuse a cell that names records of
different units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from review.store import Store
from review.store.records import RecordMatch

_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_PMID = re.compile(r"^pmid:\s*(\d+)$", re.IGNORECASE)


def lookups(ref: str) -> list[tuple[str, str]]:
    """(column, value) pairs a reference is looked up by."""
    text = ref.strip()
    if doi := _DOI.match(text):
        return [("doi", doi.group(1).lower())]
    if pmid := _PMID.match(text):
        return [("pmid", pmid.group(1))]
    found = [("source_ref", text)]
    if text.isdigit():
        found.append(("pmid", text))
    return found


class RecordFinder:
    """Looks up many references at once: one query per column and 500 values."""

    def __init__(self, store: Store, refs: Iterable[str]) -> None:
        wanted: dict[str, set[str]] = {}
        for ref in refs:
            for column, value in lookups(ref):
                wanted.setdefault(column, set()).add(value)
        self._found = {
            column: store.records.matching(column, values) for column, values in wanted.items()
        }

    def find(self, ref: str, source: str = "") -> list[RecordMatch]:
        """Records `ref` names, in id order, optionally only those from the
        source (import name or file name) `source` names."""
        seen: dict[int, RecordMatch] = {}
        for column, value in lookups(ref):
            for match in self._found.get(column, {}).get(value, ()):
                seen.setdefault(match.record_id, match)
        matches = sorted(seen.values(), key=lambda m: m.record_id)
        if source:
            wanted = source.strip().casefold()
            matches = [
                m for m in matches if wanted in (m.source_name.casefold(), m.source_file.casefold())
            ]
        return matches
