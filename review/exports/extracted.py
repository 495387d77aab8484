"""The extraction values the synthesis uses: each included study's final
values (the agreed value, else the only or shared extractor's) and the live
rows of its repeating groups, read once for the Studies and Outcomes sheets."""

from __future__ import annotations

from dataclasses import dataclass

from review.exports.load import ExportData
from review.extraction.compare import final_values
from review.extraction.fields import Typed
from review.extraction.form import rows_by_group
from review.extraction.values import Values
from review.ledger.entities import Entity
from review.protocol.form import FormFieldRef


@dataclass(frozen=True)
class StudyValues:
    """One included study's final values and its rows per repeating group."""

    values: dict[tuple[str, str], Typed]
    """(field key, instance) → value; instance '' for fields answered once."""
    rows: dict[str, list[Entity]]
    """`section.group` → live rows in list order."""
    unsettled: frozenset[tuple[str, str]] = frozenset()
    """(field key, instance) some extractor entered that has no final value:
    dual extractors who differ, or one of two not done, with nothing agreed.
    The sheets leave these blank and say how many."""


def study_values(data: ExportData) -> dict[str, StudyValues]:
    """Final values of every included study, by study key."""
    store, protocol = data.store, data.protocol
    values = Values(store.extraction.value_events())
    extractors = protocol.extraction.reviewers_per_study
    entities: dict[str, list[Entity]] = {}
    for entity in store.entities.entities():
        entities.setdefault(entity.study_key, []).append(entity)
    out: dict[str, StudyValues] = {}
    for study in data.included:
        final = final_values(values, study.key, extractors=extractors)
        entered = {
            (field, instance)
            for who in values.reviewers_of(study.key)
            for (_, field, instance) in values.of(who, study.key)
        }
        out[study.key] = StudyValues(
            final,
            rows_by_group(protocol, entities.get(study.key, [])),
            frozenset(entered - final.keys()),
        )
    return out


def design_ref(data: ExportData) -> FormFieldRef | None:
    """The per-study field recording the design (the risk-of-bias map's), if any."""
    wanted = data.protocol.risk_of_bias.design_field
    for ref in data.protocol.all_form_fields():
        if ref.group is None and ref.field.id == wanted:
            return ref
    return None
