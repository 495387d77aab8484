"""Dual extraction: where two extractors differ, how often they agree, and
the study's final values.

An arm's name is the row itself (`form.is_name_field`), so it is never a
difference. Rows are matched by name (case and spacing aside), not by id: two
extractors working blind in their own copies each create "Nivolumab + RT",
and after a merge those are two entities of one arm. An 'agreed' event,
the consensus recorded after the comparison, wins over either extractor's
value in the final values; without one, a value both extractors entered
alike (or the only extractor's value) is final.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from review.extraction.fields import Typed
from review.extraction.form import STUDY_LEVEL
from review.extraction.values import ValueKey, Values
from review.ledger.entities import Entity, name_key
from review.protocol.models import Protocol

RowMatch = tuple[str, str]
"""(field key, row name key): one field of one row, the same in both copies."""


@dataclass(frozen=True)
class Difference:
    """A field the two extractors filled differently (one may be blank)."""

    field: str
    row: str
    """The row's name, '' for a field answered once."""
    instance: str
    """The row's entity id (the first extractor's when both made one)."""
    first: Typed | None
    second: Typed | None
    agreed: Typed | None
    """The consensus already recorded, if any."""


@dataclass(frozen=True)
class FieldAgreement:
    """How often two extractors entered a field alike."""

    field: str
    same: int
    compared: int
    """Studies × rows where at least one of them filled the field."""

    @property
    def proportion(self) -> float | None:
        return self.same / self.compared if self.compared else None


def by_row_name(
    protocol: Protocol, values: Mapping[ValueKey, Typed], entities: Iterable[Entity]
) -> dict[tuple[str, str, str], tuple[str, Typed]]:
    """(study, field, row name key) → (instance, value), for matching rows by name."""
    names = {entity.id: entity.name for entity in entities}
    out: dict[tuple[str, str, str], tuple[str, Typed]] = {}
    for (study, field, instance), value in values.items():
        row = "" if instance == STUDY_LEVEL else name_key(names.get(instance, instance))
        out.setdefault((study, field, row), (instance, value))
    return out


def differences(
    protocol: Protocol,
    values: Values,
    study_key: str,
    first: str,
    second: str,
    entities: Sequence[Entity],
) -> list[Difference]:
    """Fields of one study where `first` and `second` differ, in form order."""
    names = {entity.id: entity.name for entity in entities}
    mine = by_row_name(protocol, values.of(first, study_key), entities)
    theirs = by_row_name(protocol, values.of(second, study_key), entities)
    agreed = by_row_name(protocol, values.agreed(study_key), entities)
    order = {ref.key: n for n, ref in enumerate(protocol.all_form_fields())}
    out = []
    for key in sorted(set(mine) | set(theirs), key=lambda k: (order.get(k[1], 1e9), k[2])):
        a, b = mine.get(key), theirs.get(key)
        if a is not None and b is not None and a[1] == b[1]:
            continue
        instance = (a or b or ("", None))[0]
        held = agreed.get(key)
        out.append(
            Difference(
                key[1],
                names.get(instance, ""),
                instance,
                a[1] if a else None,
                b[1] if b else None,
                held[1] if held else None,
            )
        )
    return out


def agreement(
    protocol: Protocol,
    values: Values,
    study_keys: Iterable[str],
    entities: Sequence[Entity],
) -> list[FieldAgreement]:
    """Per field, across studies where two extractors entered values."""
    counts: dict[str, list[int]] = {ref.key: [0, 0] for ref in protocol.all_form_fields()}
    for study in study_keys:
        extractors = values.reviewers_of(study)
        if len(extractors) < 2:
            continue
        rows = [e for e in entities if e.study_key == study]
        first = by_row_name(protocol, values.of(extractors[0], study), rows)
        second = by_row_name(protocol, values.of(extractors[1], study), rows)
        for key in set(first) | set(second):
            if key[1] not in counts:
                continue
            a, b = first.get(key), second.get(key)
            counts[key[1]][1] += 1
            counts[key[1]][0] += a is not None and b is not None and a[1] == b[1]
    return [FieldAgreement(field, same, n) for field, (same, n) in counts.items() if n]


def final_values(
    values: Values, study_key: str, *, extractors: int
) -> dict[tuple[str, str], Typed]:
    """(field, instance) → the study's value for the synthesis: the agreed one,
    else the newest entry (one extractor) or the one all extractors share."""
    out: dict[tuple[str, str], Typed] = {}
    if extractors == 1:
        out = {(f, i): v for (_, f, i), v in values.newest(study_key).items()}
    else:
        entries = [values.of(who, study_key) for who in values.reviewers_of(study_key)]
        if entries:
            for key, value in entries[0].items():
                if len(entries) >= extractors and all(e.get(key) == value for e in entries[1:]):
                    out[(key[1], key[2])] = value
    out.update({(f, i): v for (_, f, i), v in values.agreed(study_key).items()})
    return out
