"""What a methodologist checks before a study's form counts as complete.

Roles come from the protocol, never from sample field ids: counts and
estimates from `FormField.metafor`, participants randomised and analysed
from the field ids the template names (`N_RANDOMISED`, `N_ANALYSED`), so any
protocol following them is checked. Rules:

- required fields are filled, once per study and in every live row;
- n analysed ≤ n randomised, in the same row (or both once per study);
- events ≤ total: ai, bi ≤ n1i; ci, di ≤ n2i; xi ≤ ni;
- a CI holds its estimate: ci_lower ≤ hr/or/rr ≤ ci_upper;
- standard deviations are above zero;
- a result row's numbers of one shape (2×2, continuous, ratio estimate,
  proportion) are complete once any of them is filled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from review.extraction.fields import Typed, format_value
from review.extraction.form import STUDY_LEVEL, group_key_of
from review.ledger.entities import Entity
from review.protocol.form import FormField, FormFieldRef
from review.protocol.models import Protocol

N_RANDOMISED = ("n_randomised", "n_randomized", "n_enrolled", "n_assigned")
"""Field ids read as participants randomised, enrolled or assigned."""
N_ANALYSED = ("n_analysed", "n_analyzed")
"""Field ids read as participants analysed."""

EVENTS_WITHIN = (("ai", "n1i"), ("bi", "n1i"), ("ci", "n2i"), ("di", "n2i"), ("xi", "ni"))
ESTIMATES = ("hr", "or", "rr")
SHAPES: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = (
    ("2×2 counts", frozenset({"ai", "bi", "ci", "di"}), ("ai", "ci", "n1i", "n2i")),
    (
        "continuous summaries",
        frozenset({"m1i", "sd1i", "m2i", "sd2i"}),
        ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    ),
    (
        "ratio estimate",
        frozenset({"hr", "or", "rr", "ci_lower", "ci_upper"}),
        ("ci_lower", "ci_upper"),
    ),
    ("proportion", frozenset({"xi", "ni"}), ("xi", "ni")),
)
"""Shape name, the columns that start it, the columns it needs (those the form has)."""


@dataclass(frozen=True)
class FormProblem:
    """One problem of a study's form, at one field of one row."""

    field: str
    """The field's dotted key."""
    instance: str
    """The row's entity id, '' for a field answered once."""
    row: str
    """The row's name, '' for a field answered once."""
    message: str

    def render(self) -> str:
        where = f"{self.field} [{self.row}]" if self.row else self.field
        return f"{where}: {self.message}"


Lookup = Mapping[tuple[str, str], Typed]
"""(field key, instance) → value, for one study's form as one reviewer sees it."""


def check_form(
    protocol: Protocol, values: Lookup, rows: Mapping[str, Sequence[Entity]]
) -> list[FormProblem]:
    """Every problem of one study's form, in form order."""
    problems: list[FormProblem] = []
    by_place: dict[str | None, list[FormFieldRef]] = {}
    for ref in protocol.all_form_fields():
        by_place.setdefault(group_key_of(ref), []).append(ref)
    for group, refs in by_place.items():
        instances = (
            [(STUDY_LEVEL, "")] if group is None else [(e.id, e.name) for e in rows.get(group, [])]
        )
        for instance, row in instances:
            problems += _check_place(refs, values, instance, row)
    return problems


def _check_place(
    refs: list[FormFieldRef], values: Lookup, instance: str, row: str
) -> list[FormProblem]:
    found: list[FormProblem] = []

    def problem(ref: FormFieldRef, message: str) -> None:
        found.append(FormProblem(ref.key, instance, row, message))

    def get(ref: FormFieldRef) -> Typed | None:
        return values.get((ref.key, instance))

    for ref in refs:
        if ref.field.required and get(ref) is None:
            problem(ref, "required: fill it in")

    by_id = {ref.field.id: ref for ref in refs}
    randomised = _first(by_id, N_RANDOMISED, values, instance)
    for analysed_id in N_ANALYSED:
        analysed = by_id.get(analysed_id)
        n = _number(get(analysed)) if analysed else None
        if analysed and randomised and n is not None and n > randomised[1]:
            most = _fmt(randomised[0].field, randomised[1])
            problem(
                analysed,
                f"{_fmt(analysed.field, n)} analysed is more than the {most} "
                f"in {randomised[0].key}",
            )

    by_column: dict[str, FormFieldRef] = {
        ref.field.metafor: ref for ref in refs if ref.field.metafor
    }
    numbers: dict[str, float | None] = {col: _number(get(ref)) for col, ref in by_column.items()}
    for events, total in EVENTS_WITHIN:
        e, t = numbers.get(events), numbers.get(total)
        if e is not None and t is not None and e > t:
            total_ref = by_column[total]
            problem(
                by_column[events],
                f"{_fmt(by_column[events].field, e)} events is more than "
                f"the total {_fmt(total_ref.field, t)} ({total_ref.key})",
            )
    low, high = numbers.get("ci_lower"), numbers.get("ci_upper")
    if low is not None and high is not None and low > high:
        problem(by_column["ci_lower"], f"lower CI limit {low:g} is above the upper {high:g}")
    for column in ESTIMATES:
        estimate = numbers.get(column)
        if estimate is None:
            continue
        if (low is not None and estimate < low) or (high is not None and estimate > high):
            problem(
                by_column[column],
                f"estimate {estimate:g} lies outside its CI ({_g(low)} to {_g(high)})",
            )
    for column in ("sd1i", "sd2i"):
        sd = numbers.get(column)
        if sd is not None and sd <= 0:
            problem(by_column[column], f"a standard deviation must be above 0, not {sd:g}")
    filled = {col for col, ref in by_column.items() if get(ref) is not None}
    for name, starts, needs in SHAPES:
        started = filled & starts
        if not started:
            continue
        missing = [col for col in needs if col in by_column and col not in filled]
        if name == "2×2 counts" and {"bi", "di"} <= filled:
            missing = [col for col in missing if col not in ("n1i", "n2i")]  # a, b, c, d given
        if name == "ratio estimate":
            estimate_cols = [col for col in ESTIMATES if col in by_column]
            if estimate_cols and not filled & set(estimate_cols):
                missing.insert(0, estimate_cols[0])
        for column in missing:
            problem(
                by_column[column],
                f"needed with the other {name} of this row "
                f"({', '.join(by_column[c].field.id for c in sorted(started))})",
            )
    return found


def _first(
    by_id: Mapping[str, FormFieldRef], ids: Sequence[str], values: Lookup, instance: str
) -> tuple[FormFieldRef, float] | None:
    for field_id in ids:
        ref = by_id.get(field_id)
        if ref is not None and (n := _number(values.get((ref.key, instance)))) is not None:
            return ref, n
    return None


def _number(value: Typed | None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _fmt(form_field: FormField, value: float) -> str:
    return format_value(form_field, int(value) if value.is_integer() else value)


def _g(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"
