"""The Studies sheet: one row per included study, with its reports and the
study-level extraction fields (those answered once per study).

A study is included when any of its units is included at full text; its
reports are every record of its main unit and of the units linked to it.
Values are the synthesis values (`extracted.study_values`): with dual
extraction a field the two extractors have not agreed on stays blank.
"""

from __future__ import annotations

from collections.abc import Iterator

from review.exports.extracted import StudyValues, study_values
from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.extraction.form import STUDY_LEVEL
from review.extraction.studies import overall, report_record_ids, statuses
from review.models import Stage
from review.protocol.form import FormFieldRef
from review.screening.state import Outcome
from review.wording import counted

FIXED = (
    Column("study", "Study key: the key of the study's main unit (joins Records and Outcomes)"),
    Column("label", "First author's family name and year, for forest plots"),
    Column("record_id", "The main record's id in this review file"),
    Column("title", "Title of the main record"),
    Column("year", "Year of the main record", "year"),
    Column(
        "reports",
        "Reports of the study included at full text (a report's duplicate records count "
        "once): these add up to PRISMA's reports of included studies",
        "reports",
    ),
    Column(
        "report_record_ids", "Record ids of all its reports and their duplicates, separated by '; '"
    ),
    Column("extraction_status", "not started, in progress or complete (across extractors)"),
)


def study_fields(data: ExportData) -> list[tuple[str, FormFieldRef]]:
    """(column name, field) of every field answered once per study, in form order;
    a field id used in two sections is prefixed with its section."""
    refs = [
        ref
        for ref in data.protocol.all_form_fields()
        if ref.group is None or not ref.group.is_repeating
    ]
    taken = {column.name for column in FIXED}
    seen: dict[str, int] = {}
    for ref in refs:
        seen[ref.field.id] = seen.get(ref.field.id, 0) + 1
    out = []
    for ref in refs:
        name = ref.field.id
        if seen[name] > 1 or name in taken:
            name = f"{ref.section.id}_{name}"
        out.append((name, ref))
    return out


_KIND_NOTE = {
    "choice": " (the option's id)",
    "multi_choice": " (option ids, separated by '; ')",
    "yes_no": " (yes or no)",
    "date": " (ISO date: YYYY-MM-DD, YYYY-MM or YYYY)",
}


def studies_table(data: ExportData, values: dict[str, StudyValues] | None = None) -> Table:
    fields = study_fields(data)
    columns = [*FIXED]
    for name, ref in fields:
        meaning = ref.field.label + _KIND_NOTE.get(ref.field.type, "")
        columns.append(Column(name, meaning, ref.field.unit or ""))
    held = values if values is not None else study_values(data)
    unsettled = sum(any(i == STUDY_LEVEL for _, i in held[s.key].unsettled) for s in data.included)
    notes = (
        (
            f"{counted(unsettled, 'study', 'studies')} hold{'s' if unsettled == 1 else ''} "
            "values the extractors have not agreed on: left "
            "blank here until the agreed value is recorded (`review extract`, d).",
        )
        if unsettled
        else ()
    )
    return Table(
        "Studies",
        columns,
        lambda: _rows(data, fields, held),
        len(data.included),
        csv_name="studies.csv",
        notes=notes,
        width={"title": 60, "study": 30},
    )


def _rows(
    data: ExportData, fields: list[tuple[str, FormFieldRef]], held: dict[str, StudyValues]
) -> Iterator[list[object]]:
    store, protocol = data.store, data.protocol
    resolution = data.state.resolved
    status = statuses(
        (s.key for s in data.included),
        store.extraction.value_events(),
        store.extraction.status_events(),
    )
    for study in data.included:
        record = store.records.record(study.record_id)
        reports = report_record_ids(resolution, study.key)
        units = [study.key, *(u for u, s in resolution.links.items() if s == study.key)]
        included = sum(data.state.outcome(u, Stage.FULL_TEXT) is Outcome.INCLUDE for u in units)
        values = held[study.key].values
        row: list[object] = [
            study.key,
            data.study_labels[study.key],
            study.record_id,
            record.title or record.vernacular_title,
            record.year,
            included,
            [str(r) for r in reports],
            overall(status.get(study.key, {}), protocol.extraction.reviewers_per_study).value,
        ]
        row += [values.get((ref.key, STUDY_LEVEL)) for _, ref in fields]
        yield row
