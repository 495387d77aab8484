"""Building dedup inputs for tests: bib-dedupe-style rows → DedupRecord, and a small review."""

from __future__ import annotations

from typing import Any

from review.dedup import DedupRecord
from review.dedup.normalise import split_authors
from review.models import RecordDraft, SourceKind
from review.store import KeyedRecord, NewSource, Store


def to_dedup_record(row: dict[str, Any], n: int, *, source_id: int = 1) -> DedupRecord:
    """A bib-dedupe test record (BibTeX-like fields) as the pipeline's input."""

    def text(name: str) -> str | None:
        value = row.get(name)
        value = str(value).strip() if value is not None else ""
        return value if value and value != "UNKNOWN" else None

    year = text("year")
    return DedupRecord(
        id=n,
        uid=f"uid{n}",
        key=f"key{n}",
        source_id=source_id,
        title=text("title"),
        authors=split_authors([row["author"]]) if text("author") else [],
        year=int(year) if year and year.isdigit() else None,
        journal=text("journal") or text("booktitle"),
        volume=text("volume"),
        issue=text("number"),
        pages=text("pages"),
        doi=text("doi"),
        record_type=text("ENTRYTYPE"),
    )


def add_source(store: Store, name: str, drafts: list[RecordDraft]) -> int:
    """Import `drafts` as one source of the review, keyed as the ingest would."""
    from review.identity import record_key

    source = NewSource(
        file_name=f"{name}.ris",
        file_path=f"/searches/{name}.ris",
        file_hash=name,
        file_size=1,
        format="ris",
        encoding="utf-8",
        kind=SourceKind.DATABASE,
        method=None,
        name=name,
        search_date=None,
        imported_by=None,
    )
    records = [
        KeyedRecord(record_key(d, file_hash=name), f"{name}:{d.position}", d) for d in drafts
    ]
    return store.imports.add(source, records).id


def paper(position: int, title: str, **fields: Any) -> RecordDraft:
    """A journal article draft with sensible defaults for the fields not given."""
    defaults: dict[str, Any] = {
        "authors": ["Smith, Jane", "Doe, John"],
        "year": 2020,
        "journal": "Journal of Clinical Oncology",
        "volume": "38",
        "pages": "100-109",
    }
    return RecordDraft(position, title=title, **{**defaults, **fields})
