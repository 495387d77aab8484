"""Multi-arm studies: result rows whose comparisons share an arm.

A three-arm trial reported as "A vs placebo" and "B vs placebo" gives two
result rows. Pooled together they count the placebo group's participants
twice and treat two correlated estimates as independent (Cochrane Handbook
23.3.4). Which remedy fits — split the shared group's n, combine the arms,
or model the correlation — is the analyst's call, so the export does not
choose: it names the arms each row compares and the one it shares.

A comparison names its arms as the Arms list does, group 1 first as in the
metafor columns: "A vs B" ("versus", "v" and "vs." too). Each name is
matched to one of the study's arm rows by `name_key` (case and spacing
aside) and stands for that arm's stable entity id, the `instance_id` the
extraction export gives its values. A name no arm row has is reported where
it matters, never guessed at.

Two rows share an arm when they belong to the same study, outcome and
timepoint (what one analysis pools), both name the arm, and compare
different pairs: the same pair twice (ITT and per protocol, say) is one
comparison reported twice, which the analyst picks between, not a shared arm.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from review.extraction.final import StudyValues, final_study_values, narrative_only
from review.extraction.form import repeating_groups
from review.ledger.entities import Entity, list_key, name_key
from review.protocol.form import RESULT_KEY_FIELDS
from review.protocol.models import Protocol
from review.store import Store

_VERSUS = re.compile(r"\s+(?:(?i:vs\.?|versus)|v\.?)\s+")
"""`vs`, `VS.`, `versus` in any case; a bare `v` only lower case, as it is
written between two names ("Cohort V vs Cohort I" holds one separator)."""


def comparison_sides(text: str) -> tuple[str, str] | None:
    """("A", "B") from "A vs B"; None for "single arm" or anything not two names."""
    parts = _VERSUS.split(text.strip())
    if len(parts) != 2 or not all(part.strip() for part in parts):
        return None
    return parts[0].strip(), parts[1].strip()


@dataclass(frozen=True)
class ResultRow:
    """One result row as the Outcomes sheet keys it."""

    id: str
    study: str
    outcome: str
    timepoint: str
    comparison: str


@dataclass(frozen=True)
class RowArms:
    """The arms a result row compares, as arm ids, and the one it shares."""

    arm_1: str | None = None
    arm_2: str | None = None
    shared: str | None = None
    """Group 2's arm when both of the row's arms are shared (all pairs of three arms)."""


@dataclass(frozen=True)
class SharedArms:
    """Every result row's arms, and what could not be matched."""

    rows: dict[str, RowArms] = field(default_factory=dict)
    """Result id → its arms (rows without two named arms are absent)."""
    study_of: dict[str, str] = field(default_factory=dict)
    """Result id → study key."""
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    """Study key → names in its comparisons that match none of its arm rows."""

    def arms(self, result_id: str) -> RowArms:
        return self.rows.get(result_id, RowArms())

    def sharing(self) -> list[str]:
        """Result ids of rows that share an arm with another row."""
        return [rid for rid, arms in self.rows.items() if arms.shared is not None]

    def summary(self) -> str | None:
        """The line the Dictionary, the export and `review status` print; None when
        no two comparisons share an arm."""
        rows = self.sharing()
        if not rows:
            return None
        studies = len({self.study_of[rid] for rid in rows})
        control = all(self.rows[rid].shared == self.rows[rid].arm_2 for rid in rows)
        kind = "a control arm" if control else "an arm"
        return (
            f"{len(rows)} comparisons in {_count(studies, 'study', 'studies')} share {kind} "
            "(column shared_arm): pooled together they count its participants twice; "
            "split its n or model the correlation (README: multi-arm studies)"
        )

    def unmatched_summary(self) -> str | None:
        """A line naming comparisons whose arms could not be checked; None when all could."""
        if not self.unmatched:
            return None
        # Each study by key (what `review extract --study` takes) with its names.
        studies = sorted(self.unmatched)
        shown = "; ".join(
            f"{key}: " + ", ".join(f"'{name}'" for name in sorted(set(self.unmatched[key])))
            for key in studies[:3]
        ) + ("; …" if len(studies) > 3 else "")
        n = len(studies)
        verb, whose = ("names", "its") if n == 1 else ("name", "their")
        return (
            f"{_count(n, 'study', 'studies')} with several comparisons of one outcome and "
            f"timepoint {verb} arms not in {whose} Arms list ({shown}): whether they share "
            "an arm cannot be checked; name the arms as listed under Arms, or add them"
        )


def find_shared_arms(rows: Iterable[ResultRow], arms: Mapping[str, Sequence[Entity]]) -> SharedArms:
    """Each row's arm ids from its comparison, and which rows share one.
    `arms` is study key → its arm rows. Names matching no arm are reported
    only where a shared arm is possible: an outcome and timepoint with more
    than one comparison."""
    out = SharedArms()
    lookup = {study: _by_name(found) for study, found in arms.items()}
    # (study, outcome, timepoint) → arm id → the pairs of arms compared beside it
    pairs: dict[tuple[str, str, str], dict[str, set[tuple[str, ...]]]] = {}
    compared: dict[tuple[str, str, str], set[tuple[str, ...]]] = {}
    where: dict[str, tuple[str, str, str]] = {}
    missing: dict[str, list[str]] = {}
    for row in rows:
        sides = comparison_sides(row.comparison)
        if sides is None:
            continue
        names = lookup.get(row.study, {})
        ids = [names.get(name_key(side)) for side in sides]
        out.rows[row.id] = RowArms(ids[0], ids[1])
        out.study_of[row.id] = row.study
        key = where[row.id] = (row.study, name_key(row.outcome), name_key(row.timepoint))
        # An unmatched name stands for itself, so "A vs X" and "A vs P" differ.
        pair = tuple(sorted(i or f"name:{name_key(s)}" for i, s in zip(ids, sides, strict=True)))
        compared.setdefault(key, set()).add(pair)
        missing[row.id] = [side for side, found in zip(sides, ids, strict=True) if found is None]
        for arm in ids:
            if arm is not None:
                pairs.setdefault(key, {}).setdefault(arm, set()).add(pair)
    for rid, found in out.rows.items():
        seen = pairs.get(where[rid], {})
        shared = [a for a in (found.arm_2, found.arm_1) if a is not None and len(seen[a]) > 1]
        if shared:
            out.rows[rid] = RowArms(found.arm_1, found.arm_2, shared[0])
        if missing[rid] and len(compared[where[rid]]) > 1:
            out.unmatched.setdefault(out.study_of[rid], []).extend(missing[rid])
    return out


def study_result_rows(
    protocol: Protocol, study: str, held: StudyValues
) -> tuple[list[ResultRow], list[Entity]]:
    """The study's result rows (outcome, timepoint, comparison as final values)
    and its arm rows, for `find_shared_arms`."""
    rows: list[ResultRow] = []
    arms: list[Entity] = []
    for spec in repeating_groups(protocol):
        entities = held.rows.get(spec.key, [])
        if spec.group.repeat == "arm":
            arms += entities
        elif spec.group.repeat == "outcome_timepoint":
            keys = [f"{spec.key}.{name}" for name in RESULT_KEY_FIELDS]
            for entity in entities:
                outcome, timepoint, comparison = (held.values.get((k, entity.id)) for k in keys)
                if isinstance(comparison, str):
                    rows.append(
                        ResultRow(
                            entity.id, study, str(outcome or ""), str(timepoint or ""), comparison
                        )
                    )
    return rows, arms


def review_shared_arms(store: Store, protocol: Protocol, study_keys: Iterable[str]) -> SharedArms:
    """Shared arms among the studies' pooled result rows (narrative-only designs
    left out, as the Outcomes sheet leaves them), for `review status`."""
    rows: list[ResultRow] = []
    arms: dict[str, list[Entity]] = {}
    for key, held in final_study_values(store, protocol, study_keys).items():
        if not narrative_only(protocol, held):
            found, arms[key] = study_result_rows(protocol, key, held)
            rows += found
    return find_shared_arms(rows, arms)


def _by_name(arms: Sequence[Entity]) -> dict[str, str]:
    """Arm name key → id; the first in list order when merged copies share a name."""
    out: dict[str, str] = {}
    for arm in sorted(arms, key=list_key):
        out.setdefault(name_key(arm.name), arm.id)
    return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
