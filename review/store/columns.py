"""The `records` table's columns, derived from the record's one declaration.

`review.models.RECORD_FIELDS` names each bibliographic field once; this
module turns it into what the SQL needs: the insert column list and row
values, the searchable columns, the SELECT list a `Record` is read from, and
the fields deduplication compares. The schema (migration m001) is frozen
history, never generated from the declaration: tests/test_record_fields.py
checks that the two agree.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from operator import attrgetter
from typing import TYPE_CHECKING, Any, get_origin

from review.models import RECORD_FIELDS, Record

if TYPE_CHECKING:
    from review.store.imports import KeyedRecord

FIELD_NAMES = tuple(f.name for f in RECORD_FIELDS)

KEEPING = ("uid", "key", "source_id", "position", "line", "source_ref")
"""Every record's columns besides its fields: its identity and its place in an import."""

INSERT_COLUMNS = (*KEEPING, *FIELD_NAMES)
"""The `records` columns an import writes after `id`, in the table's order."""

FTS_COLUMNS = tuple(f.name for f in RECORD_FIELDS if f.searchable)
"""The columns of `records_fts`, indexed from the values an import holds."""

FTS_INDEXES = tuple(1 + INSERT_COLUMNS.index(name) for name in FTS_COLUMNS)
"""Where each searchable column sits in a row of (id, *INSERT_COLUMNS)."""

DEDUP_COLUMNS = ("id", "uid", "key", "source_id", *(f.name for f in RECORD_FIELDS if f.compared))
"""What `store.records.dedup_rows` gives for each record, by name."""

_SHOWN = tuple(f.name for f in RECORD_FIELDS if f.shown)

EXPORT_COLUMNS = ("id", "uid", "key", "source_id", "source_ref", *_SHOWN)
"""What `store.records.export_rows` gives for each record, by name."""
_RECORD_NAMES = ("id", "key", "source_id", "source_name", "source_ref", "line", *_SHOWN)

RECORD_SELECT = "r.id, r.key, r.source_id, s.name, r.source_ref, r.line, " + ", ".join(
    f"r.{name}" for name in _SHOWN
)
"""What `to_record` reads, from `records r JOIN sources s ON s.id = r.source_id`."""

_JSON = json.JSONEncoder(ensure_ascii=False).encode
_JSON_FIELDS = {f.name for f in RECORD_FIELDS if f.json}
_RECORD_JSON = tuple(name for name in _RECORD_NAMES if name in _JSON_FIELDS)
_EXPORT_JSON = tuple(name for name in EXPORT_COLUMNS if name in _JSON_FIELDS)
_DEDUP_JSON = tuple(name for name in DEDUP_COLUMNS if name in _JSON_FIELDS)
_FIELD_VALUES = attrgetter(*FIELD_NAMES)
_JSON_AT = {
    len(KEEPING) + i: "{}" if get_origin(f.type) is dict else "[]"
    for i, f in enumerate(RECORD_FIELDS)
    if f.json
}
"""Row index of each JSON field in `insert_values`' row → the JSON of its
empty value, written without encoding."""


def insert_values(record: KeyedRecord, source_id: int) -> tuple[Any, ...]:
    """A parsed record as the values of `INSERT_COLUMNS`, its list and dict
    fields not yet JSON (`encode_json` writes them, in the process that
    stores the row: a parsing process is what a large import waits for)."""
    draft = record.draft
    return (
        record.uid,
        record.key,
        source_id,
        draft.position,
        draft.line,
        draft.source_id or f"#{draft.position}",
        *_FIELD_VALUES(draft),
    )


def encode_json(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row of `insert_values` with its list and dict fields as JSON text."""
    values = list(row)
    for i, empty in _JSON_AT.items():
        values[i] = _json(values[i]) if values[i] else empty
    return tuple(values)


def _json(value: list[str] | dict[str, str]) -> str:
    """`_JSON(value)`, the same text, for a list or dict of strings without
    `json` setting up an encoder per call (a fifth of writing a row)."""
    try:
        if isinstance(value, list):
            return "[" + ", ".join(map(encode_basestring, value)) + "]"
        return (
            "{"
            + ", ".join(
                [f"{encode_basestring(k)}: {encode_basestring(v)}" for k, v in value.items()]
            )
            + "}"
        )
    except TypeError:  # a value that is not a string: json knows what to do
        return _JSON(value)


def to_record(row: tuple[Any, ...], warnings: list[str]) -> Record:
    """A row of `RECORD_SELECT` and the record's warning messages as a `Record`."""
    values = dict(zip(_RECORD_NAMES, row, strict=True))
    for name in _RECORD_JSON:
        values[name] = json.loads(values[name])
    return Record(**values, warnings=warnings)


def dedup_row(row: tuple[Any, ...]) -> dict[str, Any]:
    """A row of `DEDUP_COLUMNS` by name, JSON fields decoded."""
    values = dict(zip(DEDUP_COLUMNS, row, strict=True))
    for name in _DEDUP_JSON:
        values[name] = json.loads(values[name]) if values[name] else []
    return values


def export_row(row: tuple[Any, ...]) -> dict[str, Any]:
    """A row of `EXPORT_COLUMNS` by name, JSON fields decoded."""
    values = dict(zip(EXPORT_COLUMNS, row, strict=True))
    for name in _EXPORT_JSON:
        held = values[name]
        values[name] = json.loads(held) if held and held != "[]" else []
    return values
