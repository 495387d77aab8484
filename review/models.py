"""Domain objects shared by the core, the CLI and the TUI; no I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

OLD_WARNING_KINDS = {
    "no_authors": "missing_authors",
    "no_year": "missing_year",
    "no_doi": "missing_doi",
    "no_registry_id": "missing_registry_id",
    "no_citation": "missing_citation",
    "no_book": "missing_book",
}
"""Warning names before they were made one family (`missing_<field>`); review
files imported then still hold them and are read under the new names."""


def warning_kind(kind: str) -> str:
    """The current name of an import warning, whichever name it was stored under."""
    return OLD_WARNING_KINDS.get(kind, kind)


class SourceKind(StrEnum):
    """Where PRISMA 2020 counts an import: the three boxes of the flow diagram."""

    DATABASE = "database"
    """Bibliographic databases: MEDLINE, Embase, CENTRAL, Scopus, WoS, CINAHL …"""
    REGISTER = "register"
    """Study registers: ClinicalTrials.gov, ICTRP, ChiCTR …"""
    OTHER = "other"
    """Other methods: websites, organisations, citation searching."""


class OtherMethod(StrEnum):
    """PRISMA 2020 splits 'other methods' into these; only for SourceKind.OTHER."""

    WEBSITE = "website"
    ORGANISATION = "organisation"
    CITATION = "citation"


class Stage(StrEnum):
    """Screening stages, in workflow order."""

    TITLE_ABSTRACT = "title_abstract"
    FULL_TEXT = "full_text"


DecisionValue = Literal["include", "exclude", "maybe"]
EventKind = Literal["screen", "resolve", "undo"]


class DecisionEvent(NamedTuple):
    """One row of the decisions table: a screen, a resolution, or an undo.

    Replayed in (created_at, uid) order (`review.ledger.order`); `id` is the
    row in this file, only a cursor for picking up newer rows. A tuple,
    because opening a living review replays a million of them.
    """

    id: int
    record_key: str
    stage: Stage
    kind: EventKind
    decision: DecisionValue | None
    reasons: tuple[str, ...]
    note: str | None
    reviewer: str
    created_at: str
    uid: str


INCOMPLETE_FILE = "incomplete_file"
"""A record warning about its whole file (e.g. the last RIS record has no `ER`):
the import summary and `review status` show its message, not only its count."""

FILE_WARNING_KINDS = frozenset({INCOMPLETE_FILE})


@dataclass(slots=True, frozen=True)
class RecordWarning:
    """Something a parser could not recover for one record; shown, never hidden."""

    kind: str
    """Short machine-readable kind, e.g. `missing_title`, `repeated_tag`."""
    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class RecordField:
    """One bibliographic field of a record, as `RECORD_FIELDS` declares it."""

    name: str
    type: Any
    """The Python type on `RecordDraft` and `Record`, e.g. `str | None`."""
    json: bool = False
    """Stored as JSON text (lists and mappings)."""
    searchable: bool = False
    """Indexed for full-text search (`records_fts`)."""
    compared: bool = False
    """Read by deduplication (`store.records.dedup_rows`)."""
    shown: bool = True
    """On `Record`, as screens and exports read it; False keeps it in the file only."""


RECORD_FIELDS: tuple[RecordField, ...] = (
    RecordField("title", str | None, searchable=True, compared=True),
    RecordField("vernacular_title", str | None, searchable=True, compared=True),
    RecordField("abstract", str | None, searchable=True),
    RecordField("authors", list[str], json=True, searchable=True, compared=True),
    RecordField("year", int | None, compared=True),
    RecordField("journal", str | None, compared=True),
    RecordField("volume", str | None, compared=True),
    RecordField("issue", str | None, compared=True),
    RecordField("pages", str | None, compared=True),
    RecordField("doi", str | None, compared=True),
    RecordField("pmid", str | None, compared=True),
    RecordField("registry_id", str | None, compared=True),
    RecordField("record_type", str | None, compared=True),
    RecordField("language", str | None),
    RecordField("keywords", list[str], json=True, searchable=True),
    RecordField("url", str | None),
    RecordField("issn", str | None, shown=False),
    RecordField("extra", dict[str, str], json=True, shown=False),
)
"""A record's bibliographic fields, declared once and in the `records` table's
order. The store derives its column lists, its search index and its reads
from this; `RecordDraft` and `Record` spell the fields out for readers and
type checkers, and tests/test_record_fields.py fails when the classes, this
declaration and a new file's `records` table disagree. Besides these, a
record has its identity (`uid`, `key`) and its place in an import
(`source_id`, `position`, `line`, `source_ref`)."""


@dataclass(slots=True)
class RecordDraft:
    """One record as a parser read it, before identity and storage.

    A slotted dataclass rather than a pydantic model: importers build
    100k of these per file and validation happens once, at the store.
    """

    position: int
    """1-based index of the record in its file."""
    line: int | None = None
    """Line of the file where the record starts (None for binary formats)."""
    title: str | None = None
    vernacular_title: str | None = None
    """Title in the original language when the main title is a translation."""
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    """'Family, Given' where the source allows it, in source order."""
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    """Bare DOI, lower-case, without `https://doi.org/`."""
    pmid: str | None = None
    registry_id: str | None = None
    """Trial registration number, e.g. NCT01234567."""
    source_id: str | None = None
    """The record's own identifier inside its file (accession number, PMID,
    an id column); the ingest falls back to its position."""
    record_type: str | None = None
    language: str | None = None
    keywords: list[str] = field(default_factory=list)
    url: str | None = None
    issn: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    """Fields of the source not mapped above, kept verbatim for traceability."""
    warnings: list[RecordWarning] = field(default_factory=list)

    def warn(self, kind: str, message: str, field: str | None = None) -> None:
        self.warnings.append(RecordWarning(kind, message, field))


class Source(BaseModel):
    """One import batch: a file brought into the review."""

    model_config = ConfigDict(frozen=True)

    id: int
    file_name: str
    file_hash: str
    format: str
    encoding: str
    kind: SourceKind
    method: OtherMethod | None = None
    name: str
    search_date: str | None = None
    imported_at: str
    imported_by: str | None = None
    record_count: int
    warning_count: int


class Record(BaseModel):
    """A stored record as the screens and exports read it."""

    model_config = ConfigDict(frozen=True)

    id: int
    key: str
    """Stable identity across machines: `doi:…`, `pmid:…`, `nct:…` or `tya:…`."""
    source_id: int
    source_name: str
    source_ref: str
    """The record's identifier inside its source file (or `#position`)."""
    line: int | None
    title: str | None
    vernacular_title: str | None
    abstract: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None
    pmid: str | None
    registry_id: str | None
    record_type: str | None
    language: str | None
    keywords: list[str]
    url: str | None
    warnings: list[str]
