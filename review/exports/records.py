"""The Records sheet: every record of the review, one row each.

A record's unit (what one screening decision covers) and study come from
the resolver; decisions, reasons and notes per stage from the replayed
screening state, one group of columns per reviewer who screened at that
stage; the final decision is the stage's outcome for the record's unit
(blank at full text for units that never reached it). Records stream from
the store in id order, so 100k of them are never all in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.models import Stage

BIBLIOGRAPHIC = (
    Column("title", "Title as imported"),
    Column("vernacular_title", "Title in the original language, when the title is a translation"),
    Column("authors", "Authors, 'Family, Given', separated by '; '"),
    Column("year", "Publication year", "year"),
    Column("journal", "Journal or source title"),
    Column("volume", "Volume"),
    Column("issue", "Issue"),
    Column("pages", "Pages"),
    Column("doi", "DOI, bare and lower-case"),
    Column("pmid", "PubMed id"),
    Column("registry_id", "Trial registration number (NCT, ChiCTR, ISRCTN …)"),
    Column("record_type", "Type of publication as the source gives it"),
    Column("language", "Language"),
    Column("keywords", "Keywords, separated by '; '"),
    Column("url", "Link"),
    Column("abstract", "Abstract (cut with a note in review.xlsx past 32,767 characters)"),
)
IDENTITY = (
    Column("record_id", "The record's id in this review file"),
    Column("key", "Stable identity: doi:…, pmid:…, reg:… or tya: (title + year + author)"),
    Column("unit", "Key of the unit one screening decision covers (duplicates share it)"),
    Column("study", "Key of the study the record reports (its main unit's key)"),
    Column("source", "Name of the import (search) the record came from"),
    Column("source_kind", "database, register or other (PRISMA 2020's identification boxes)"),
    Column("source_method", "For other methods: website, organisation or citation"),
    Column("source_file", "File the record was imported from"),
    Column("source_ref", "The record's id inside that file (or #position)"),
)
TRAILING = (
    Column("labels", "The reviewers' labels on the record or its unit, separated by '; '"),
    Column("full_text", "attached or not_retrieved (blank: never sought)"),
)


def column_part(name: str) -> str:
    """A reviewer's name as part of a column name: lower case, `_` between words."""
    return re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_") or "reviewer"


def reviewer_columns(data: ExportData) -> list[tuple[Stage, str, str]]:
    """(stage, reviewer, column prefix) for everyone who screened, per stage."""
    out: list[tuple[Stage, str, str]] = []
    for stage in Stage:
        taken: set[str] = set()
        for reviewer in sorted(data.state.reviewers(stage)):
            part = column_part(reviewer)
            while part in taken:
                part += "_"
            taken.add(part)
            out.append((stage, reviewer, f"{stage.value}_{part}"))
    return out


def records_table(data: ExportData) -> Table:
    reviewers = reviewer_columns(data)
    columns = [*IDENTITY, *BIBLIOGRAPHIC, *TRAILING]
    for stage in Stage:
        columns += [
            Column(
                f"{stage.value}_final",
                f"{_STAGE[stage]}: the unit's outcome — include, exclude, conflict, "
                "partial (some decisions missing) or undecided; blank when not reached",
            ),
            Column(
                f"{stage.value}_final_reason",
                f"{_STAGE[stage]}: the reason ids of a final exclusion",
            ),
            Column(
                f"{stage.value}_resolved_by", f"{_STAGE[stage]}: who settled it by a resolution"
            ),
        ]
    for stage, reviewer, prefix in reviewers:
        who = f"{_STAGE[stage]}, {reviewer}"
        columns += [
            Column(f"{prefix}_decision", f"{who}: include, exclude or maybe"),
            Column(f"{prefix}_reason", f"{who}: exclusion reason ids, separated by '; '"),
            Column(f"{prefix}_note", f"{who}: notes, separated by ' | '"),
        ]
    return Table(
        "Records",
        columns,
        lambda: _rows(data, reviewers),
        data.store.records.record_count(),
        csv_name="records.csv",
        width={"title": 60, "abstract": 80, "authors": 40},
    )


_STAGE = {Stage.TITLE_ABSTRACT: "Title/abstract", Stage.FULL_TEXT: "Full text"}
_STAGE_INDEX = {Stage.TITLE_ABSTRACT: 0, Stage.FULL_TEXT: 1}
_BIBLIOGRAPHIC_NAMES = tuple(column.name for column in BIBLIOGRAPHIC)


def _rows(data: ExportData, reviewers: list[tuple[Stage, str, str]]) -> Iterator[list[object]]:
    store, state = data.store, data.state
    resolution = state.resolved
    sources = {source.id: source for source in store.imports.sources()}
    labels = data.labels
    fulltexts = store.fulltexts.all()
    notes: dict[tuple[str, Stage, str], list[str]] = {}
    for note in store.screening.all_notes():
        unit = resolution.unit_key(note.record_key)
        notes.setdefault((unit, note.stage, note.reviewer), []).append(note.text)
    for record in store.records.export_rows():
        record_id, key = record["id"], record["key"]
        unit = resolution.unit_of_record(record_id, key)
        source = sources[record["source_id"]]
        row: list[object] = [
            record_id,
            key,
            unit,
            resolution.study_of(unit),
            source.name,
            source.kind.value,
            source.method,
            source.file_name,
            record["source_ref"],
        ]
        row += [record[name] for name in _BIBLIOGRAPHIC_NAMES]
        held = labels.get(unit) or labels.get(key) or ()
        if unit != key and unit in labels and key in labels:
            held = labels[unit] | labels[key]
        fulltext = fulltexts.get(unit) or fulltexts.get(key)
        row += [sorted(held), fulltext.status if fulltext else None]
        stages = data.facts(unit)
        for facts in stages:
            row += [
                facts.outcome.value if facts.outcome else None,
                list(facts.reasons) or None,
                facts.resolved_by,
            ]
        for stage, reviewer, _ in reviewers:
            event = stages[_STAGE_INDEX[stage]].screens.get(reviewer)
            texts = notes.get((unit, stage, reviewer), [])
            if event is not None and event.note:
                texts = [event.note, *texts]
            row += [
                event.decision if event else None,
                list(event.reasons) if event and event.reasons else None,
                " | ".join(texts) or None,
            ]
        yield row
