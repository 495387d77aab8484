"""The record's fields are declared once (`RECORD_FIELDS`): the classes that
spell them out and the `records` table a new file gets must agree with it."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, get_args, get_type_hints

import pytest

from review.dedup import DedupRecord
from review.models import RECORD_FIELDS, Record, RecordDraft, RecordField, SourceKind
from review.store import KeyedRecord, NewSource, Store
from review.store.columns import DEDUP_COLUMNS, FTS_COLUMNS, INSERT_COLUMNS, KEEPING

NAMES = [f.name for f in RECORD_FIELDS]


def _sql_type(field: RecordField) -> str:
    return "INTEGER" if field.type is int or int in get_args(field.type) else "TEXT"


def test_names_are_unique() -> None:
    assert len(set(NAMES)) == len(NAMES)


def test_the_records_table_has_the_declared_columns_in_order(store: Store) -> None:
    info = store.db.execute("PRAGMA table_info(records)").fetchall()
    assert tuple(row[1] for row in info) == ("id", *INSERT_COLUMNS)
    types = {row[1]: row[2] for row in info}
    assert {f.name: types[f.name] for f in RECORD_FIELDS} == {
        f.name: _sql_type(f) for f in RECORD_FIELDS
    }


def test_the_search_index_covers_the_searchable_fields(store: Store) -> None:
    info = store.db.execute("PRAGMA table_info(records_fts)").fetchall()
    assert {row[1] for row in info} == set(FTS_COLUMNS)


def test_record_draft_spells_out_every_field() -> None:
    hints = get_type_hints(RecordDraft)
    # Its place in its file, its id there (stored as `source_ref`), warnings.
    own = {"position", "line", "source_id", "warnings"}
    assert {f.name for f in dataclasses.fields(RecordDraft)} == own | set(NAMES)
    assert {f.name: hints[f.name] for f in RECORD_FIELDS} == {f.name: f.type for f in RECORD_FIELDS}


def test_record_spells_out_every_shown_field() -> None:
    shown = [f for f in RECORD_FIELDS if f.shown]
    own = {"id", "key", "source_id", "source_name", "source_ref", "line", "warnings"}
    assert set(Record.model_fields) == own | {f.name for f in shown}
    assert {f.name: Record.model_fields[f.name].annotation for f in shown} == {
        f.name: f.type for f in shown
    }


def test_dedup_compares_what_is_declared_compared() -> None:
    compared = set(DEDUP_COLUMNS) - {"vernacular_title"}  # folded into `title`
    assert {f.name for f in dataclasses.fields(DedupRecord)} == compared


def test_keeping_columns_are_not_fields() -> None:
    assert not set(KEEPING) & set(NAMES)


@pytest.mark.parametrize("field", [f for f in RECORD_FIELDS if f.json], ids=lambda f: f.name)
def test_json_fields_are_collections(field: RecordField) -> None:
    assert field.type.__origin__ in (list, dict)


def test_every_field_is_stored_and_read_back(store: Store) -> None:
    values: dict[str, Any] = {
        "title": "Nivolumab with radiotherapy",
        "vernacular_title": "纳武利尤单抗联合放疗",
        "abstract": "Background: …",
        "authors": ["Smith, Jane", "Doe, John"],
        "year": 2021,
        "journal": "Oral Oncology",
        "volume": "12",
        "issue": "3",
        "pages": "100-109",
        "doi": "10.1000/x",
        "pmid": "123",
        "registry_id": "NCT01234567",
        "record_type": "JOUR",
        "language": "eng",
        "keywords": ["head and neck", "immunotherapy"],
        "url": "https://example.org/x",
        "issn": "1368-8375",
        "extra": {"AN": "123"},
    }
    assert set(values) == set(NAMES)  # a new field needs a value here
    draft = RecordDraft(1, line=7, source_id="AN123", **values)
    source = NewSource("a.ris", "/a.ris", "h", 1, "ris", "utf-8", SourceKind.DATABASE,
                       None, "A", None, None)  # fmt: skip
    store.imports.add(source, [KeyedRecord("doi:10.1000/x", "uid-1", draft)])

    record = store.records.record(1)
    assert {f.name: getattr(record, f.name) for f in RECORD_FIELDS if f.shown} == {
        f.name: values[f.name] for f in RECORD_FIELDS if f.shown
    }
    assert (record.key, record.source_ref, record.line) == ("doi:10.1000/x", "AN123", 7)
    hidden = [f.name for f in RECORD_FIELDS if not f.shown]
    row = store.db.execute(f"SELECT {', '.join(hidden)} FROM records").fetchone()
    stored = {f.name: values[f.name] for f in RECORD_FIELDS if not f.shown}
    assert dict(zip(hidden, row, strict=True)) == {
        name: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
        for name, v in stored.items()
    }
    [compared] = store.records.dedup_rows()
    assert compared == {"id": 1, "uid": "uid-1", "key": "doi:10.1000/x", "source_id": 1} | {
        name: values[name] for name in DEDUP_COLUMNS[4:]
    }
    assert store.records.search_record_ids("immunotherapy") == {1}
