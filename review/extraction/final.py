"""The extraction values the synthesis uses: each study's final values (the
agreed value, else the only or shared extractor's) and the live rows of its
repeating groups, read once. The export's Studies and Outcomes sheets and
`review status` read them here, so a count in the status and a row in the
workbook come from the same values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from review.extraction.compare import final_values
from review.extraction.fields import Typed
from review.extraction.form import STUDY_LEVEL, rows_by_group
from review.extraction.values import Values
from review.ledger.entities import Entity
from review.protocol.form import FormFieldRef
from review.protocol.models import Protocol
from review.store import Store


@dataclass(frozen=True)
class StudyValues:
    """One study's final values and its rows per repeating group."""

    values: dict[tuple[str, str], Typed]
    """(field key, instance) → value; instance '' for fields answered once."""
    rows: dict[str, list[Entity]]
    """`section.group` → live rows in list order."""
    unsettled: frozenset[tuple[str, str]] = frozenset()
    """(field key, instance) some extractor entered that has no final value:
    dual extractors who differ, or one of two not done, with nothing agreed.
    The sheets leave these blank and say how many."""


def final_study_values(
    store: Store, protocol: Protocol, study_keys: Iterable[str]
) -> dict[str, StudyValues]:
    """Final values of each study, by study key."""
    values = Values(store.extraction.value_events())
    extractors = protocol.extraction.reviewers_per_study
    entities: dict[str, list[Entity]] = {}
    for entity in store.entities.entities():
        entities.setdefault(entity.study_key, []).append(entity)
    out: dict[str, StudyValues] = {}
    for key in study_keys:
        final = final_values(values, key, extractors=extractors)
        entered = {
            (field, instance)
            for who in values.reviewers_of(key)
            for (_, field, instance) in values.of(who, key)
        }
        out[key] = StudyValues(
            final,
            rows_by_group(protocol, entities.get(key, [])),
            frozenset(entered - final.keys()),
        )
    return out


def design_ref(protocol: Protocol) -> FormFieldRef | None:
    """The per-study field recording the design (the risk-of-bias map's), if any."""
    wanted = protocol.risk_of_bias.design_field
    for ref in protocol.all_form_fields():
        if ref.group is None and ref.field.id == wanted:
            return ref
    return None


def narrative_only(protocol: Protocol, held: StudyValues) -> bool:
    """Whether the study's design is one the protocol describes but never pools."""
    design = design_ref(protocol)
    if design is None:
        return False
    return held.values.get((design.key, STUDY_LEVEL)) in set(protocol.synthesis.narrative_only)
