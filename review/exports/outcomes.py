"""The Outcomes sheet: the meta-analysis table, one row per included study ×
result row (outcome × timepoint × comparison), with metafor's column names.

`readxl::read_excel(path, sheet = "Outcomes")` gives a data frame that
`metafor::escalc` takes as it is: `ai bi ci di n1i n2i` (2×2), `m1i sd1i
n1i m2i sd2i n2i` (continuous), `xi ni` (proportions), `yi vi sei`
(precomputed, on the log scale for ratios). Where a form maps fields to these
names (`FormField.metafor`) their values land here; missing halves of a 2×2
table are derived (bi = n1i − ai, di = n2i − ci, or n from a + b).

`measure` says what the row's data are ready for, by the first complete set:
`RR` for a 2×2 table (OR and RD come from the same columns), `MD` for
continuous summaries (SMD when scales differ), `PLO` for a proportion, `HR`
/ `OR` / `RR` for a ratio estimate with its 95% CI — then `yi` is the log
ratio and `vi` is computed from the CI: sei = (log upper − log lower) / (2 ×
1.959964), vi = sei² — and `GEN` for a `yi` given with `vi` or `sei`. An
incomplete row keeps a blank measure. Blanks are empty, never 0.

Studies whose design the protocol lists under `synthesis.narrative_only`
are left out (the Dictionary says which and how many rows).

`arm_1` / `arm_2` are the ids of the arms a row compares (from its
comparison, `extraction.shared_arms`) and `shared_arm` the arm it shares
with another row of the same study, outcome and timepoint: metafor's
`vcalc(grp1 = arm_1, grp2 = arm_2)` models that covariance, or the shared
group's n is split. The Dictionary and `review export` say how many rows
share one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from review.exports.extracted import StudyValues, study_values
from review.exports.load import ExportData
from review.exports.table import Column, Table
from review.extraction.fields import Typed
from review.extraction.final import narrative_only
from review.extraction.labels import row_names
from review.extraction.shared_arms import (
    ResultRow,
    RowArms,
    SharedArms,
    find_shared_arms,
    study_result_rows,
)
from review.ledger.entities import Entity
from review.protocol.form import RESULT_KEY_FIELDS, FormFieldRef
from review.wording import counted

Z_975 = 1.959963984540054
"""The standard normal's 97.5th percentile: a 95% CI spans ± this many SEs."""

KEYS = (
    Column("study", "Study key (joins the Studies sheet)"),
    Column("label", "First author's family name and year: metafor's `slab`"),
    Column("outcome", "Outcome (the form's option id)"),
    Column("timepoint", "Timepoint as extracted"),
    Column("comparison", "Comparison: arms as named in the study"),
    Column(
        "result",
        "The result row's name in the extraction form; robvis's Study for a per-result "
        "tool (RoB 2) is `label · result`",
    ),
    Column("result_id", "The result row's stable id (joins rob_long.csv's result_id)"),
    Column(
        "arm_1",
        "Group 1's arm: the id of the arm the comparison names first (instance_id in "
        "`review extraction export`); blank when no arm row has that name",
    ),
    Column("arm_2", "Group 2's arm: the id of the arm the comparison names second"),
    Column(
        "shared_arm",
        "The arm (arm_1 or arm_2, group 2's when both) this comparison shares with another "
        "row of the same study, outcome and timepoint; blank when none. Pooling such rows "
        "as they are counts the arm twice: split its n, or vcalc(grp1 = arm_1, grp2 = arm_2)",
    ),
    Column(
        "measure",
        "What the row is ready for: RR (2×2; OR/RD from the same columns), MD "
        "(continuous; SMD when scales differ), PLO (proportion), HR/OR/RR (ratio "
        "estimate: yi and vi on the log scale), GEN (yi given); blank when incomplete",
    ),
)
METAFOR = (
    Column("ai", "2×2: events, group 1 (experimental)", "participants"),
    Column("bi", "2×2: non-events, group 1 (n1i − ai when not extracted)", "participants"),
    Column("ci", "2×2: events, group 2 (control)", "participants"),
    Column("di", "2×2: non-events, group 2 (n2i − ci when not extracted)", "participants"),
    Column("n1i", "Group 1 size (2×2 and continuous)", "participants"),
    Column("n2i", "Group 2 size (2×2 and continuous)", "participants"),
    Column("m1i", "Continuous: mean, group 1", "the outcome's unit"),
    Column("sd1i", "Continuous: standard deviation, group 1", "the outcome's unit"),
    Column("m2i", "Continuous: mean, group 2", "the outcome's unit"),
    Column("sd2i", "Continuous: standard deviation, group 2", "the outcome's unit"),
    Column("xi", "Proportion: events (single group)", "participants"),
    Column("ni", "Proportion: group size", "participants"),
    Column("yi", "Effect size; for HR/OR/RR estimates the log of the ratio", "log for ratios"),
    Column("vi", "Sampling variance of yi; for ratio estimates sei²", "yi's unit squared"),
    Column("sei", "Standard error of yi; for ratio estimates from the 95% CI", "yi's unit"),
    Column("estimate", "Ratio estimate as reported (HR, OR or RR)", "ratio"),
    Column("ci_lower", "Lower 95% confidence limit of the estimate, as reported", "ratio"),
    Column("ci_upper", "Upper 95% confidence limit of the estimate, as reported", "ratio"),
)
METAFOR_NAMES = tuple(column.name for column in METAFOR)
_ESTIMATES = ("hr", "or", "rr")


@dataclass(frozen=True)
class ResultGroup:
    """A `repeat: outcome_timepoint` group with its fields by role."""

    key: str
    metafor: dict[str, FormFieldRef]
    keys: dict[str, FormFieldRef]
    other: list[FormFieldRef]


def result_groups(data: ExportData) -> list[ResultGroup]:
    out: dict[str, ResultGroup] = {}
    for ref in data.protocol.all_form_fields():
        if ref.group is None or ref.group.repeat != "outcome_timepoint":
            continue
        key = f"{ref.section.id}.{ref.group.id}"
        group = out.setdefault(key, ResultGroup(key, {}, {}, []))
        if ref.field.metafor:
            group.metafor[ref.field.metafor] = ref
        elif ref.field.id in RESULT_KEY_FIELDS:
            group.keys[ref.field.id] = ref
        else:
            group.other.append(ref)
    return list(out.values())


def extra_columns(groups: list[ResultGroup]) -> list[tuple[str, FormFieldRef]]:
    """The results groups' other fields (definition, population …), by field id."""
    taken = {c.name for c in (*KEYS, *METAFOR)}
    out: list[tuple[str, FormFieldRef]] = []
    for group in groups:
        for ref in group.other:
            if ref.field.id not in taken:
                taken.add(ref.field.id)
                out.append((ref.field.id, ref))
    return out


def outcomes_table(data: ExportData, values: dict[str, StudyValues] | None = None) -> Table:
    groups = result_groups(data)
    extra = extra_columns(groups)
    held = values if values is not None else study_values(data)
    rows, left_out, unsettled, shared = _build(data, groups, extra, held)
    notes: list[str] = []
    if unsettled:
        studies = len({study for study, _ in unsettled})
        notes.append(
            f"{counted(len(unsettled), 'result row')} of {counted(studies, 'study', 'studies')} "
            f"hold{'s' if len(unsettled) == 1 else ''} values the "
            "extractors have not agreed on: left blank here (a row's measure too, when they "
            "are its numbers) until the agreed value is recorded (`review extract`, d)."
        )
    narrative = data.protocol.synthesis.narrative_only
    if narrative:
        notes.append(
            f"Designs described narratively and left out: {', '.join(narrative)} "
            f"({counted(left_out[0], 'result row')} of "
            f"{counted(left_out[1], 'study', 'studies')} not listed)."
        )
    columns = [*KEYS, *METAFOR]
    columns += [Column(name, ref.field.label, ref.field.unit or "") for name, ref in extra]
    return Table(
        "Outcomes",
        columns,
        lambda: iter(rows),
        len(rows),
        csv_name="outcomes.csv",
        notes=tuple(notes),
        warnings=tuple(line for line in (shared.summary(), shared.unmatched_summary()) if line),
        width={"study": 30, "measure": 9},
    )


def _build(
    data: ExportData,
    groups: list[ResultGroup],
    extra: list[tuple[str, FormFieldRef]],
    held: Mapping[str, StudyValues],
) -> tuple[list[list[object]], tuple[int, int], set[tuple[str, str]], SharedArms]:
    """The rows; result rows and studies left out as narrative; (study, result
    id) of rows holding a value some extractor entered but none is final; and
    the arms each row compares."""
    pooled: list[tuple[str, StudyValues, list[tuple[ResultGroup, Entity]]]] = []
    skipped_rows = skipped_studies = 0
    keyed: list[ResultRow] = []
    arms: dict[str, list[Entity]] = {}
    for study in data.included:
        got = held[study.key]
        entities = [(g, e) for g in groups for e in got.rows.get(g.key, [])]
        if narrative_only(data.protocol, got):
            skipped_rows += len(entities)
            skipped_studies += 1
            continue
        if entities:
            pooled.append((study.key, got, entities))
            keyed_rows, arms[study.key] = study_result_rows(data.protocol, study.key, got)
            keyed += keyed_rows
    shared = find_shared_arms(keyed, arms)
    rows: list[list[object]] = []
    unsettled: set[tuple[str, str]] = set()
    for key, got, entities in pooled:
        label = data.study_labels[key]
        names = row_names(entity for _, entity in entities)
        for group, entity in entities:
            arm = shared.arms(entity.id)
            rows.append(_row(key, label, names[entity.id], group, entity, got.values, extra, arm))
            if any(instance == entity.id for _, instance in got.unsettled):
                unsettled.add((key, entity.id))
    return rows, (skipped_rows, skipped_studies), unsettled, shared


def _row(
    study: str,
    label: str,
    name: str,
    group: ResultGroup,
    entity: Entity,
    values: Mapping[tuple[str, str], Typed],
    extra: list[tuple[str, FormFieldRef]],
    arms: RowArms,
) -> list[object]:
    def get(ref: FormFieldRef | None) -> Typed | None:
        return None if ref is None else values.get((ref.key, entity.id))

    numbers = {name: _number(get(ref)) for name, ref in group.metafor.items()}
    cells, measure = effect_columns(numbers)
    keys = [get(group.keys.get(name)) for name in RESULT_KEY_FIELDS]
    row: list[object] = [study, label, *keys, name, entity.id, arms.arm_1, arms.arm_2]
    row += [arms.shared, measure]
    row += [cells.get(name) for name in METAFOR_NAMES]
    row += [get(ref) for _, ref in extra]  # another group's fields stay blank
    return row


def effect_columns(given: Mapping[str, float | None]) -> tuple[dict[str, float | None], str | None]:
    """metafor's columns from the mapped values, and the row's measure."""
    n = {k: v for k, v in given.items() if v is not None}
    out: dict[str, float | None] = {k: n.get(k) for k in ("ai", "bi", "ci", "di", "n1i", "n2i")}
    out.update({k: n.get(k) for k in ("m1i", "sd1i", "m2i", "sd2i", "xi", "ni", "yi", "vi", "sei")})
    for name in ("ci_lower", "ci_upper"):
        out[name] = n.get(name)
    estimate_name = next((k for k in _ESTIMATES if k in n), None)
    out["estimate"] = n.get(estimate_name) if estimate_name else None
    _complete_two_by_two(out)
    measure: str | None = None
    if all(out[k] is not None for k in ("ai", "bi", "ci", "di", "n1i", "n2i")):
        measure = "RR"
    elif all(out[k] is not None for k in ("m1i", "sd1i", "m2i", "sd2i", "n1i", "n2i")):
        measure = "MD"
    elif out["xi"] is not None and out["ni"] is not None:
        measure = "PLO"
    elif estimate_name and _log_ratio(out):
        measure = estimate_name.upper()
    elif out["yi"] is not None and (out["vi"] is not None or out["sei"] is not None):
        measure = "GEN"
        if out["vi"] is None and out["sei"] is not None:
            out["vi"] = out["sei"] ** 2
        elif out["sei"] is None and out["vi"] is not None and out["vi"] >= 0:
            out["sei"] = math.sqrt(out["vi"])
    return out, measure


def _complete_two_by_two(out: dict[str, float | None]) -> None:
    """Fill the half of a 2×2 table that the other half implies."""
    for events, rest, total in (("ai", "bi", "n1i"), ("ci", "di", "n2i")):
        e, r, t = out[events], out[rest], out[total]
        if e is None:
            continue
        if r is None and t is not None and t >= e:
            out[rest] = t - e
        elif t is None and r is not None:
            out[total] = e + r


def _log_ratio(out: dict[str, float | None]) -> bool:
    """yi, sei and vi from a ratio and its 95% CI; False when they cannot be."""
    estimate, low, high = out["estimate"], out["ci_lower"], out["ci_upper"]
    if estimate is None or estimate <= 0:
        return False
    out["yi"] = math.log(estimate)
    if low is None or high is None or not 0 < low < high:
        return False  # yi alone: no variance, so no measure
    sei = (math.log(high) - math.log(low)) / (2 * Z_975)
    out["sei"], out["vi"] = sei, sei**2
    return True


def _number(value: Typed | None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value
