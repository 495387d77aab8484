"""One reviewer's extraction form for one study: what a screen wraps.

Every change is stored at once as an event (`store.extraction`,
`store.entities`), so quitting or a crash loses nothing confirmed. A value
is parsed and checked before anything is written; an invalid one raises a
UsageError naming the field and what it accepts, and nothing is stored.

Whose values the form shows: with one extractor per study the form is the
study's (the newest entry by anyone); with two each extractor fills their
own, and while the protocol says `blind` neither sees the other's until the
comparison (`others` is then empty). Rows (arms, results) are shared by both
extractors: values are kept apart, the list of rows is one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from review.errors import Problem, UsageError
from review.extraction import compare, fields
from review.extraction.checks import FormProblem, check_form
from review.extraction.compare import Difference
from review.extraction.fields import FieldValueError, Typed
from review.extraction.form import (
    GROUP_ATTR,
    STUDY_LEVEL,
    GroupSpec,
    group_key_of,
    group_of,
    is_name_field,
    rows_by_group,
)
from review.extraction.studies import Status, require_included, statuses
from review.extraction.values import Change, ValueEvent, Values
from review.ledger.entities import Entity
from review.ledger.fulltexts import FulltextState
from review.protocol.form import FormFieldRef, Section
from review.protocol.models import Protocol
from review.store import Store
from review.store.extraction import NewValue
from review.wording import counted


class IncompleteFormError(UsageError):
    """`complete()` refused: the form still has problems, all listed."""

    def __init__(self, study_key: str, found: list[FormProblem]) -> None:
        super().__init__(
            f"{study_key}: {counted(len(found), 'problem')} to fix before the form is complete",
            field="status",
            hint="fix each field listed, then complete the study again",
            problems=[Problem(p.message, field=_where(p)) for p in found],
        )
        self.form_problems = found


@dataclass(frozen=True)
class FormCell:
    """A field of the form as this reviewer sees it."""

    value: Typed | None
    text: str
    source: str | None


class ExtractionSession:
    """`reviewer`'s form for `study_key`. Pass `included` (the included study
    keys, e.g. from `load_included`) when the caller has it, to skip reading
    the screening state."""

    def __init__(
        self,
        store: Store,
        protocol: Protocol,
        reviewer: str,
        study_key: str,
        *,
        included: Iterable[str] | None = None,
    ) -> None:
        if not reviewer or not reviewer.strip():
            raise UsageError("a reviewer name is needed to extract", field="reviewer")
        require_included(
            store,
            protocol,
            study_key,
            included,
            hint="extraction opens studies included at full text; "
            "see `review extraction status FILE`",
        )
        self.store = store
        self.protocol = protocol
        self.reviewer = reviewer.strip()
        self.study_key = study_key
        self.extractors = protocol.extraction.reviewers_per_study
        self.blind = self.extractors == 2 and protocol.extraction.is_blind
        self.refs: dict[str, FormFieldRef] = {ref.key: ref for ref in protocol.all_form_fields()}
        self.values = Values(store.extraction.value_events(study_key))
        self._status_events = store.extraction.status_events(study_key)
        self._load_rows()

    # -- the form -------------------------------------------------------------

    @property
    def sections(self) -> list[Section]:
        return self.protocol.extraction.sections

    def rows(self, group_key: str) -> list[Entity]:
        """A repeating group's live rows, in list order."""
        return list(self._rows.get(group_key, []))

    def row(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def cell(self, field_key: str, instance: str = STUDY_LEVEL) -> FormCell:
        ref = self._ref(field_key)
        if is_name_field(ref):
            entity = self._by_id.get(instance)
            name = entity.name if entity else None
            return FormCell(name, name or "", None)
        event = self._event(field_key, instance)
        value = fields.from_json(event.value) if event else None
        source = event.source if event else None
        return FormCell(value, fields.format_value(ref.field, value), source)

    def value(self, field_key: str, instance: str = STUDY_LEVEL) -> Typed | None:
        return self.cell(field_key, instance).value

    def form_values(self) -> dict[tuple[str, str], Typed]:
        """(field, instance) → value, the form as this reviewer sees it."""
        out: dict[tuple[str, str], Typed] = {}
        for ref in self.refs.values():
            group = group_key_of(ref)
            instances = [STUDY_LEVEL] if group is None else [e.id for e in self._rows[group]]
            for instance in instances:
                value = self.value(ref.key, instance)
                if value is not None:
                    out[(ref.key, instance)] = value
        return out

    def others(self, field_key: str, instance: str = STUDY_LEVEL) -> dict[str, Typed]:
        """Other extractors' values of a field; empty while extraction is blind."""
        if self.blind:
            return {}
        out = {}
        for who in self.values.reviewers_of(self.study_key):
            event = self.values.event(who, (self.study_key, field_key, instance))
            value = fields.from_json(event.value) if event else None
            if who != self.reviewer and value is not None:
                out[who] = value
        return out

    def full_texts(self, report_keys: Iterable[str] = ()) -> list[FulltextState]:
        """The attached full texts of the study and its reports, the study's own
        first: what the extractor reads the numbers from."""
        held = self.store.fulltexts.all()
        keys = dict.fromkeys([self.study_key, *report_keys])
        return [held[k] for k in keys if k in held and held[k].status == "attached"]

    def history(self, field_key: str, instance: str = STUDY_LEVEL) -> list[Change]:
        """The field's audit trail, old → new, every extractor and the agreed value."""
        return self.values.history((self.study_key, field_key, instance))

    def differences(self) -> list[Difference]:
        """Where the study's first two extractors differ, for the comparison
        view (open it once both have completed: it is not blind)."""
        who = self.values.reviewers_of(self.study_key)
        if len(who) < 2:
            return []
        entities = self.store.entities.entities(self.study_key, include_removed=True)
        return compare.differences(
            self.protocol, self.values, self.study_key, who[0], who[1], entities
        )

    # -- values ---------------------------------------------------------------

    def set_value(
        self,
        field_key: str,
        instance: str,
        raw: object,
        source: str | None = None,
        *,
        agreed: bool = False,
    ) -> bool:
        """Check and store one field; returns whether an event was stored.

        `source` None keeps the current source note, '' clears it. `agreed`
        records the consensus of dual extraction instead of an own entry.
        """
        ref = self._ref(field_key)
        self._check_instance(ref, instance)
        try:
            value = fields.parse(ref.field, raw)
        except FieldValueError as exc:
            raise UsageError(
                str(exc), field=field_key, hint=f"{ref.field.label}: {fields.accepted(ref.field)}"
            ) from None
        if is_name_field(ref) and not agreed:
            if value is None:
                raise UsageError("an arm needs a name", field=field_key, hint="type its name")
            return self.rename_row(instance, str(value))
        held = (
            self.values.agreed_event((self.study_key, field_key, instance))
            if agreed
            else self._event(field_key, instance)
        )
        old_source = held.source if held else None
        new_source = old_source if source is None else (source.strip() or None)
        old_value = fields.from_json(held.value) if held else None
        if old_value == value and type(old_value) is type(value) and old_source == new_source:
            return False
        [uid] = self.store.extraction.append_values(
            [
                NewValue(
                    self.study_key,
                    field_key,
                    instance,
                    fields.to_json(value),
                    new_source,
                    "agreed" if agreed else "value",
                )
            ],
            reviewer=self.reviewer,
        )
        self._fold(uid)
        return True

    def clear(self, field_key: str, instance: str = STUDY_LEVEL) -> bool:
        return self.set_value(field_key, instance, None)

    # -- rows -----------------------------------------------------------------

    def add_row(self, group_key: str, name: str) -> str:
        """A new row of a repeating group; returns its id."""
        spec = self._group(group_key)
        entity_id = self.store.entities.create(
            self.study_key,
            spec.kind,
            name,
            reviewer=self.reviewer,
            attrs={GROUP_ATTR: spec.key},
        )
        self._load_rows()
        return entity_id

    def copy_row(self, entity_id: str, name: str) -> str:
        """A new row with the values of `entity_id` (as this reviewer sees
        them), created and filled in one transaction."""
        source_row = self._require_row(entity_id)
        group_key = self._group_key_of_row(source_row)
        spec = self._group(group_key)
        copies = [
            (ref.key, self._event(ref.key, entity_id))
            for ref in self.refs.values()
            if group_key_of(ref) == group_key and not is_name_field(ref)
        ]
        with self.store.write():
            new_id = self.store.entities.create(
                self.study_key,
                spec.kind,
                name,
                reviewer=self.reviewer,
                attrs={GROUP_ATTR: spec.key},
            )
            uids = self.store.extraction.append_values(
                [
                    NewValue(self.study_key, key, new_id, event.value, event.source)
                    for key, event in copies
                    if event is not None and event.value is not None
                ],
                reviewer=self.reviewer,
            )
        for uid in uids:
            self._fold(uid)
        self._load_rows()
        return new_id

    def rename_row(self, entity_id: str, name: str) -> bool:
        self._require_row(entity_id)
        renamed = self.store.entities.rename(entity_id, name, reviewer=self.reviewer)
        self._load_rows()
        return renamed is not None

    def remove_row(self, entity_id: str) -> bool:
        """Take a row off the form (for both extractors); its values are kept
        for a restore."""
        self._require_row(entity_id)
        removed = self.store.entities.remove(entity_id, reviewer=self.reviewer)
        self._load_rows()
        return removed is not None

    # -- completion -----------------------------------------------------------

    def problems(self) -> list[FormProblem]:
        return check_form(self.protocol, self.form_values(), self._rows)

    @property
    def status(self) -> Status:
        """This reviewer's status on the study."""
        found = statuses(
            [self.study_key], self.values.events_of(self.reviewer), self._status_events
        )[self.study_key]
        return found.get(self.reviewer, Status.NOT_STARTED)

    def complete(self, note: str | None = None) -> str:
        """Mark the form complete; refused (IncompleteFormError) while it has problems."""
        found = self.problems()
        if found:
            raise IncompleteFormError(self.study_key, found)
        return self._append_status("complete", note)

    def reopen(self, note: str | None = None) -> str:
        return self._append_status("reopened", note)

    # -- helpers --------------------------------------------------------------

    def _append_status(self, status: str, note: str | None) -> str:
        uid = self.store.extraction.append_status(
            self.study_key, status, reviewer=self.reviewer, note=note
        )
        self._status_events = self.store.extraction.status_events(self.study_key)
        return uid

    def _load_rows(self) -> None:
        entities = self.store.entities.entities(self.study_key)
        self._rows = rows_by_group(self.protocol, entities)
        self._by_id = {e.id: e for rows in self._rows.values() for e in rows}

    def _fold(self, uid: str) -> None:
        event = self.store.extraction.value_event(uid)
        if event is not None:
            self.values.apply(event)

    def _event(self, field_key: str, instance: str) -> ValueEvent | None:
        """The event whose value this reviewer's form shows."""
        key = (self.study_key, field_key, instance)
        if self.extractors == 1:
            return self.values.newest_event(key)
        return self.values.event(self.reviewer, key)

    def _ref(self, field_key: str) -> FormFieldRef:
        ref = self.refs.get(field_key)
        if ref is None:
            raise UsageError(
                f"no field {field_key!r} in the extraction form",
                field=field_key,
                hint="fields are named section.field or section.group.field, e.g. "
                "study.study_design",
            )
        return ref

    def _group(self, group_key: str) -> GroupSpec:
        try:
            spec = group_of(self.protocol, group_key)
        except KeyError as exc:
            raise UsageError(str(exc.args[0]), field="group") from None
        if not spec.repeating:
            raise UsageError(
                f"{group_key} does not repeat",
                field="group",
                hint="rows are added to repeating groups only",
            )
        return spec

    def _group_key_of_row(self, entity: Entity) -> str:
        for key, rows in self._rows.items():
            if any(row.id == entity.id for row in rows):
                return key
        raise UsageError(f"{entity.name!r} is not a row of this form", field="instance")

    def _require_row(self, entity_id: str) -> Entity:
        entity = self._by_id.get(entity_id)
        if entity is None:
            raise UsageError(
                f"no live row {entity_id!r} in this study's form",
                field="instance",
                hint="pick a row from the form; a removed row is restored first",
            )
        return entity

    def _check_instance(self, ref: FormFieldRef, instance: str) -> None:
        group = group_key_of(ref)
        if group is None:
            if instance != STUDY_LEVEL:
                raise UsageError(
                    f"{ref.key} is answered once per study, not per row", field=ref.key
                )
            return
        if instance not in {e.id for e in self._rows[group]}:
            raise UsageError(
                f"{ref.key} needs a row of {group}: {instance!r} is not one",
                field=ref.key,
                hint="add a row first, or pick one of the group's rows",
            )


def _where(found: FormProblem) -> str:
    return f"{found.field} [{found.row}]" if found.row else found.field
