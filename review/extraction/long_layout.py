"""The long layout: one row per value, for spreadsheets and scripts.

Columns `study, reviewer, section, field, instance_id, instance, value,
unit, source, status`. `field` is the key after its section
(`study_design`, `arm.rt_dose_gy`); `instance_id` the row's entity id and
`instance` its name ('' for fields answered once); `reviewer` is `agreed`
for dual extraction's consensus; `status` the reviewer's status on the
study (informational, ignored on import).

Import is all or nothing: every row is checked first and every problem
listed with its row, column, field and the rule broken; nothing is written
unless all rows are valid, and then in one transaction. A row's reviewer is
whose entry it is (blank: the importing reviewer). A blank value is
skipped, never a clear. A row naming a row id this review does not hold, or
none, goes to the live row of that name, or to a new row created once.
Values already current are not stored again, so importing twice changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol as TypingProtocol

from review.errors import ImportFormatError, Problem
from review.extraction import fields
from review.extraction.fields import FieldValueError, Typed
from review.extraction.form import GROUP_ATTR, group_key_of, group_of, is_name_field, rows_by_group
from review.extraction.long_files import Cell, read_table, write_table
from review.extraction.studies import Status, load_included, statuses
from review.extraction.values import Values
from review.ledger.entities import Entity, name_key
from review.protocol.form import FormFieldRef
from review.protocol.models import Protocol
from review.store import Store
from review.store.extraction import NewValue
from review.wording import counted

COLUMNS = (
    "study",
    "reviewer",
    "section",
    "field",
    "instance_id",
    "instance",
    "value",
    "unit",
    "source",
    "status",
)
NEEDED = ("study", "field", "value")
AGREED = "agreed"
"""The `reviewer` of a consensus value."""


@dataclass(frozen=True)
class LongRow:
    study: str
    reviewer: str
    section: str
    field: str
    instance_id: str
    instance: str
    value: Typed
    unit: str
    source: str
    status: str

    def cells(self, ref: FormFieldRef) -> list[Cell]:
        """Cells as written: numbers stay numbers, the rest as a reviewer types it."""
        value: Cell = (
            self.value
            if isinstance(self.value, int | float) and not isinstance(self.value, bool)
            else fields.format_value(ref.field, self.value)
        )
        return [
            self.study,
            self.reviewer,
            self.section,
            self.field,
            self.instance_id,
            self.instance,
            value,
            self.unit,
            self.source,
            self.status,
        ]


@dataclass
class ImportResult:
    values: int = 0
    rows_created: int = 0
    unchanged: int = 0
    studies: set[str] = field(default_factory=set)


def export_rows(store: Store, protocol: Protocol) -> list[tuple[LongRow, FormFieldRef]]:
    """Every current value of every live row, each reviewer's then the agreed
    ones, by study, reviewer and form order."""
    refs = {ref.key: ref for ref in protocol.all_form_fields()}
    order = {key: n for n, key in enumerate(refs)}
    value_events = store.extraction.value_events()
    values = Values(value_events)
    entities = store.entities.entities()
    live = {e.id: e for e in entities}
    studies = {key for key, _, _ in values.newest()} | {key for key, _, _ in values.agreed()}
    status = statuses(studies, value_events, store.extraction.status_events())
    out: list[tuple[LongRow, FormFieldRef]] = []
    registers: list[tuple[str, dict[tuple[str, str, str], Typed], dict[tuple[str, str, str], str]]]
    registers = [(who, values.of(who), values.sources(who)) for who in values.reviewers]
    registers.append((AGREED, values.agreed(), values.sources(None)))
    for who, held, sources in registers:
        for (study, key, instance), value in held.items():
            ref = refs.get(key)
            if ref is None or (instance and instance not in live):
                continue  # a field the protocol dropped, or a removed row
            row_name = live[instance].name if instance else ""
            state = status.get(study, {}).get(who, Status.NOT_STARTED) if who != AGREED else ""
            out.append(
                (
                    LongRow(
                        study,
                        who,
                        ref.section.id,
                        key[len(ref.section.id) + 1 :],
                        instance,
                        row_name,
                        value,
                        ref.field.unit or "",
                        sources.get((study, key, instance), ""),
                        str(state),
                    ),
                    ref,
                )
            )
    rank = {e.id: n for n, e in enumerate(entities)}
    out.sort(
        key=lambda item: (
            item[0].study,
            item[0].reviewer == AGREED,
            item[0].reviewer,
            rank.get(item[0].instance_id, -1),
            order[item[1].key],
        )
    )
    return out


def export_long(store: Store, protocol: Protocol, target: Path) -> int:
    """Write every value to `target` (.xlsx or .csv); returns the row count."""
    rows = export_rows(store, protocol)
    write_table(target, COLUMNS, [row.cells(ref) for row, ref in rows])
    return len(rows)


def import_long(store: Store, protocol: Protocol, path: Path, *, reviewer: str) -> ImportResult:
    """Read a long-layout file into the review, all or nothing."""
    header, rows = read_table(path)
    planner = _Planner(store, protocol, reviewer, path)
    planner.check_header(header)
    for number, row in rows:
        planner.add(number, row)
    if planner.problems:
        raise ImportFormatError(
            f"{counted(len(planner.problems), 'problem')} in the file; nothing was imported",
            path=path,
            hint="fix the rows listed (row numbers as the spreadsheet shows them) and import again",
            problems=planner.problems,
        )
    return planner.apply()


class _Planner:
    """Checks rows against the form, the included studies and their rows, and
    holds what to write until every row has been checked."""

    def __init__(self, store: Store, protocol: Protocol, reviewer: str, path: Path) -> None:
        self.store, self.protocol, self.reviewer, self.path = store, protocol, reviewer, path
        self.refs = {ref.key: ref for ref in protocol.all_form_fields()}
        self.included = {study.key for study in load_included(store, protocol)}
        # Studies excluded after extraction keep their values and are exported:
        # a round trip takes them back.
        self.included |= set(store.extraction.studies_with_values())
        self.values = Values(store.extraction.value_events())
        self.names = store.reviewers.spellings()
        """A `reviewer` cell is one of these when it differs only by case or spacing."""
        entities = store.entities.entities()
        self.rows: dict[str, dict[str, list[Entity]]] = {}
        for study in self.included:
            of_study = [e for e in entities if e.study_key == study]
            self.rows[study] = rows_by_group(protocol, of_study)
        self.problems: list[Problem] = []
        self.new_rows: dict[tuple[str, str, str], tuple[str, str]] = {}
        """(study, group, name key) → (placeholder, name) of rows to create."""
        self.planned: dict[tuple[str, str, str, str], tuple[int, NewValue]] = {}
        """(register, study, field, instance) → (row number, value)."""
        self.unchanged = 0

    def check_header(self, header: list[str]) -> None:
        for name in NEEDED:
            if name not in header:
                self.problems.append(
                    Problem(
                        f"no {name!r} column",
                        line=1,
                        field=name,
                        hint=f"columns: {', '.join(COLUMNS)}",
                    )
                )
        for name in header:
            if name and name not in COLUMNS:
                self.problems.append(
                    Problem(
                        f"unknown column {name!r}",
                        line=1,
                        field=name,
                        hint=f"columns: {', '.join(COLUMNS)}",
                    )
                )

    def add(self, number: int, row: dict[str, Cell]) -> None:
        def text(column: str) -> str:
            cell = row.get(column)
            return "" if cell is None else fields.cell_text(cell)

        def problem(column: str, message: str, hint: str | None = None) -> None:
            self.problems.append(Problem(message, line=number, field=column, hint=hint))

        study = text("study")
        if study not in self.included:
            problem(
                "study",
                f"unknown study {study!r}: not an included study of this review"
                if study
                else "no study",
                "name studies by key, as `review extraction status FILE` lists them",
            )
            return
        section, field_name = text("section"), text("field")
        key = f"{section}.{field_name}" if section else field_name
        ref = self.refs.get(key) or (self.refs.get(field_name) if section == "" else None)
        if ref is None:
            problem(
                "field",
                f"unknown field {key!r} in the extraction form",
                "section + field as exported, e.g. study + study_design, arms + arm.rt_dose_gy",
            )
            return
        who = text("reviewer")
        who = (who if who == AGREED else self.names.take(who)) if who else self.reviewer
        unit = text("unit")
        if unit and ref.field.unit and unit != ref.field.unit:
            problem(
                "unit",
                f"{ref.key}: unit {unit!r}, but the form records {ref.field.unit!r}",
                "convert the value to the form's unit",
            )
        instance = self._instance(ref, study, text("instance_id"), text("instance"), problem)
        if instance is None:
            return
        raw = row.get("value")
        try:
            value = fields.parse(ref.field, raw)
        except FieldValueError as exc:
            problem("value", f"{ref.key}: {exc}", fields.accepted(ref.field))
            return
        if value is None:
            return
        if is_name_field(ref):
            if name_key(str(value)) != name_key(text("instance")):
                problem("value", f"{ref.key}: an arm's name is its row: put it in `instance`")
            return
        source = text("source") or None
        register = AGREED if who == AGREED else who
        slot = (register, study, ref.key, instance)
        if slot in self.planned:
            problem(
                "field",
                f"{ref.key}: the same field of the same row as row "
                f"{self.planned[slot][0]} for {register}",
            )
            return
        held = (
            self.values.agreed_event((study, ref.key, instance))
            if register == AGREED
            else self.values.event(register, (study, ref.key, instance))
        )
        if held is not None and fields.from_json(held.value) == value and held.source == source:
            self.unchanged += 1
            return
        new = NewValue(
            study,
            ref.key,
            instance,
            fields.to_json(value),
            source,
            "agreed" if register == AGREED else "value",
            self.reviewer if register == AGREED else register,
        )
        self.planned[slot] = (number, new)

    def _instance(
        self, ref: FormFieldRef, study: str, row_id: str, name: str, problem: _ProblemSink
    ) -> str | None:
        group = group_key_of(ref)
        if group is None:
            if row_id or name:
                problem(
                    "instance",
                    f"{ref.key} is answered once per study: leave instance_id and instance blank",
                )
                return None
            return ""
        rows = self.rows[study].get(group, [])
        for row in rows:
            if row.id == row_id:
                return row.id
        if not name:
            problem(
                "instance_id" if row_id else "instance",
                f"{ref.key}: no row {row_id!r} in {study}; name the row in `instance` to create it"
                if row_id
                else f"{ref.key}: which row? name it in `instance`",
            )
            return None
        for row in rows:
            if name_key(row.name) == name_key(name):
                return row.id
        slot = (study, group, name_key(name))
        if slot not in self.new_rows:
            self.new_rows[slot] = (f"new:{len(self.new_rows)}", " ".join(name.split()))
        return self.new_rows[slot][0]

    def apply(self) -> ImportResult:
        result = ImportResult(unchanged=self.unchanged)
        with self.store.write():
            created: dict[str, str] = {}
            for (study, group, _), (placeholder, name) in self.new_rows.items():
                spec = group_of(self.protocol, group)
                created[placeholder] = self.store.entities.create(
                    study, spec.kind, name, reviewer=self.reviewer, attrs={GROUP_ATTR: group}
                )
            values = [
                new._replace(instance=created.get(new.instance, new.instance))
                for _, new in sorted(self.planned.values(), key=lambda item: item[0])
            ]
            self.store.extraction.append_values(values, reviewer=self.reviewer)
        result.values = len(values)
        result.rows_created = len(created)
        result.studies = {value.study_key for value in values}
        return result


class _ProblemSink(TypingProtocol):
    def __call__(self, column: str, message: str, hint: str | None = None) -> None: ...
