"""Every box of the PRISMA 2020 flow diagram, counted from the ledger.

Pure: built from the imports, the resolver (record → unit → study), the
replayed screening state, the full-text states and the protocol's reasons,
never from typed-in numbers. Rules, stated once here:

- *Records* are what the searches returned (one per imported record);
  *units* are what one screening decision covers (the resolver's records
  sharing an identifier or merged as duplicates); *reports* are units that
  reached full text; *studies* are units plus the reports linked to them.
- A unit belongs to the databases-and-registers arm when any of its records
  came from a database or register, otherwise to the other-methods arm.
  Duplicates of an arm are its records minus its units, so a citation-search
  record that a database also found is a duplicate in the other-methods arm
  (`arms` says which records those are).
- PRISMA 2020 draws no screening for other methods (identified → sought);
  this tool screens those records at title/abstract too, and the counts
  keep them (`ArmCounts.duplicates`, `screening_excluded` …) so every
  arm's arithmetic can be checked and shown beside the diagram.
- Reports not retrieved: units whose full text is marked not retrieved, or
  excluded at full text with the protocol's `not_retrieved` reason.
- Records removed by automation tools or for other reasons before
  screening: nothing in the ledger removes records that way yet, so 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from review.ledger.fulltexts import FulltextState
from review.ledger.resolver import Resolution
from review.models import Source, SourceKind, Stage
from review.prisma.arms import DBR_KINDS, Arm, assign_arms
from review.protocol.models import Protocol
from review.screening.state import Outcome, ScreeningState

NO_REASON = "not_recorded"
"""Reason id of exclusions that carry none (title/abstract reasons are optional)."""
NO_REASON_LABEL = "No reason recorded"


@dataclass(frozen=True, slots=True)
class SourceCount:
    """Records identified from one named source (imports with one name summed)."""

    name: str
    kind: str
    """'database', 'register' or 'other'."""
    method: str | None
    """For other methods: 'website', 'organisation' or 'citation'."""
    records: int
    """As the imports counted them when they were read."""
    stored: int
    """Records of these imports in the file now; differs only in a damaged file."""


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """One exclusion reason with the number of units it excluded (primary reason only)."""

    id: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class ArmCounts:
    """One column of the diagram, from records identified to reports included."""

    identified: int
    """Records from this arm's sources."""
    duplicates: int
    """Records of the arm beyond the units they form."""
    screened: int
    """Units at title/abstract."""
    screening_excluded: int
    screening_reasons: tuple[ReasonCount, ...]
    screening_pending: int
    """Units not yet settled at title/abstract: undecided, partial or in conflict."""
    screening_conflicts: int
    sought: int
    """Units included at title/abstract: reports sought for retrieval."""
    not_retrieved: int
    assessed: int
    """Reports sought and not marked not retrieved: assessed for eligibility."""
    excluded: int
    """Reports excluded at full text (one primary reason each)."""
    exclusion_reasons: tuple[ReasonCount, ...]
    assessment_pending: int
    """Reports assessed but not yet settled at full text."""
    assessment_conflicts: int
    included: int
    """Reports included at full text."""
    removed_automation: int = 0
    removed_other: int = 0


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Units the ledger puts in two boxes that exclude each other."""

    box: str
    message: str
    units: tuple[str, ...]
    hint: str


@dataclass(frozen=True)
class PrismaCounts:
    """Every box of the PRISMA 2020 flow diagram, and the units behind each."""

    sources: tuple[SourceCount, ...]
    dbr: ArmCounts
    other: ArmCounts
    new_studies: int
    new_reports: int
    previous_studies: int = 0
    previous_reports: int = 0
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Box name (e.g. 'databases_registers.sought', or per reason
    'databases_registers.exclusion_reason.design') → the unit keys it counts,
    so an error can name them and a screen can open them."""
    records: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Boxes that count records rather than units ('<arm>.identified',
    '<arm>.duplicates') → the record ids they count."""
    contradictions: tuple[Contradiction, ...] = ()

    def records_from(self, kind: SourceKind, method: str | None = None) -> int:
        """Records identified from one kind of source (and other method)."""
        return sum(
            s.records
            for s in self.sources
            if s.kind == kind.value and (method is None or s.method == method)
        )

    def unspecified_other(self) -> tuple[SourceCount, ...]:
        """Other-methods imports without a method: PRISMA 2020 has no box for them."""
        return tuple(s for s in self.sources if s.kind == SourceKind.OTHER.value and not s.method)

    def named(self, kind: SourceKind) -> tuple[SourceCount, ...]:
        return tuple(s for s in self.sources if s.kind == kind.value)

    @property
    def total_studies(self) -> int:
        return self.new_studies + self.previous_studies

    @property
    def total_reports(self) -> int:
        return self.new_reports + self.previous_reports

    @property
    def screening_pending(self) -> int:
        return self.dbr.screening_pending + self.other.screening_pending

    @property
    def assessment_pending(self) -> int:
        return self.dbr.assessment_pending + self.other.assessment_pending

    @property
    def in_progress(self) -> bool:
        """Some unit is not settled yet: the diagram is a draft."""
        return bool(self.screening_pending or self.assessment_pending)

    def as_json(self) -> dict[str, Any]:
        """The numbers as `review prisma --json` prints them (keys in the README)."""
        return {
            "in_progress": self.in_progress,
            "awaiting_screening": self.screening_pending,
            "awaiting_full_text_decision": self.assessment_pending,
            "identification": {
                "databases": self.records_from(SourceKind.DATABASE),
                "registers": self.records_from(SourceKind.REGISTER),
                "websites": self.records_from(SourceKind.OTHER, "website"),
                "organisations": self.records_from(SourceKind.OTHER, "organisation"),
                "citation_searching": self.records_from(SourceKind.OTHER, "citation"),
                "other_unspecified": sum(s.records for s in self.unspecified_other()),
                "sources": [
                    {"name": s.name, "kind": s.kind, "method": s.method, "records": s.records}
                    for s in self.sources
                ],
            },
            Arm.DBR.value: _arm_json(self.dbr),
            Arm.OTHER.value: _arm_json(self.other),
            "included": {
                "new_studies": self.new_studies,
                "new_reports": self.new_reports,
                "previous_studies": self.previous_studies,
                "previous_reports": self.previous_reports,
                "total_studies": self.total_studies,
                "total_reports": self.total_reports,
            },
        }


def _arm_json(arm: ArmCounts) -> dict[str, Any]:
    def reasons(items: tuple[ReasonCount, ...]) -> list[dict[str, Any]]:
        return [{"id": r.id, "label": r.label, "count": r.count} for r in items]

    return {
        "records_identified": arm.identified,
        "duplicates_removed": arm.duplicates,
        "removed_by_automation": arm.removed_automation,
        "removed_other_reasons": arm.removed_other,
        "records_screened": arm.screened,
        "records_excluded": arm.screening_excluded,
        "records_excluded_reasons": reasons(arm.screening_reasons),
        "records_awaiting_screening": arm.screening_pending,
        "records_in_conflict": arm.screening_conflicts,
        "reports_sought": arm.sought,
        "reports_not_retrieved": arm.not_retrieved,
        "reports_assessed": arm.assessed,
        "reports_excluded": arm.excluded,
        "reports_excluded_reasons": reasons(arm.exclusion_reasons),
        "reports_awaiting_decision": arm.assessment_pending,
        "reports_in_conflict": arm.assessment_conflicts,
        "reports_included": arm.included,
    }


_PENDING = (Outcome.UNDECIDED, Outcome.PARTIAL, Outcome.CONFLICT)


def count_prisma(
    *,
    sources: Iterable[Source],
    source_of_record: Mapping[int, int],
    resolution: Resolution,
    state: ScreeningState,
    fulltexts: Mapping[str, FulltextState],
    protocol: Protocol,
    previous_studies: int = 0,
    previous_reports: int = 0,
) -> PrismaCounts:
    """Count every box; contradictions are collected for `check_prisma`, not raised."""
    source_list = list(sources)
    kind_of_source = {s.id: str(s.kind) for s in source_list}
    stored = Counter(source_of_record.values())
    arms = assign_arms(resolution, kind_of_source, source_of_record)
    arm_of = arms.arm_of

    not_retrieved_marks = _not_retrieved_units(fulltexts, resolution)
    ta_reasons = _labels(protocol, Stage.TITLE_ABSTRACT)
    ft_reasons = _labels(protocol, Stage.FULL_TEXT)
    retrieval_reason = next(
        (r.id for r in protocol.stage(Stage.FULL_TEXT).reasons if r.not_retrieved), None
    )

    boxes: dict[str, set[str]] = {}
    reasons: dict[str, Counter[str]] = {}
    contradictions: list[Contradiction] = []
    stale: list[str] = []
    assessed_missing: list[str] = []

    def put(arm: Arm, box: str, key: str) -> None:
        boxes.setdefault(f"{arm.value}.{box}", set()).add(key)

    for unit in resolution.units:
        key, arm = unit.key, arm_of[unit.key]
        put(arm, "screened", key)
        ta = state.outcome(key, Stage.TITLE_ABSTRACT)
        ft = state.outcome(key, Stage.FULL_TEXT)
        if ta is not Outcome.INCLUDE:
            if ft in (Outcome.INCLUDE, Outcome.EXCLUDE):
                stale.append(key)
            if ta is Outcome.EXCLUDE:
                put(arm, "screening_excluded", key)
                why = _tally(reasons, f"{arm.value}.screening", state, key, Stage.TITLE_ABSTRACT)
                put(arm, f"screening_reason.{why}", key)
            else:
                put(arm, "screening_pending", key)
                if ta is Outcome.CONFLICT:
                    put(arm, "screening_conflicts", key)
            continue
        put(arm, "sought", key)
        final = state.final(key, Stage.FULL_TEXT)
        primary = final.reasons[0] if final and final.reasons else None
        marked = key in not_retrieved_marks
        if ft is Outcome.EXCLUDE and retrieval_reason and primary == retrieval_reason:
            put(arm, "not_retrieved", key)
            continue
        if marked and ft in (Outcome.INCLUDE, Outcome.EXCLUDE):
            assessed_missing.append(key)
        if marked and ft not in (Outcome.INCLUDE, Outcome.EXCLUDE):
            put(arm, "not_retrieved", key)
            continue
        put(arm, "assessed", key)
        if ft is Outcome.EXCLUDE:
            put(arm, "excluded", key)
            why = _tally(reasons, f"{arm.value}.assessment", state, key, Stage.FULL_TEXT)
            put(arm, f"exclusion_reason.{why}", key)
        elif ft is Outcome.INCLUDE:
            put(arm, "included", key)
        else:
            put(arm, "assessment_pending", key)
            if ft is Outcome.CONFLICT:
                put(arm, "assessment_conflicts", key)

    if stale:
        contradictions.append(
            Contradiction(
                "reports assessed for eligibility",
                "a full-text decision stands on units not included at title/abstract",
                tuple(sorted(stale)),
                "settle title/abstract for them (resolve) or undo the full-text decisions",
            )
        )
    if assessed_missing:
        contradictions.append(
            Contradiction(
                "reports not retrieved",
                "marked not retrieved, yet decided at full text",
                tuple(sorted(assessed_missing)),
                "attach the full text (`review fulltext attach`) or undo the full-text decision",
            )
        )

    included = boxes.get(f"{Arm.DBR.value}.included", set()) | boxes.get(
        f"{Arm.OTHER.value}.included", set()
    )
    studies = {resolution.study_of(key) for key in included}
    boxes["included_studies"] = studies
    boxes["included_reports"] = included

    def arm_counts(arm: Arm) -> ArmCounts:
        def n(box: str) -> int:
            return len(boxes.get(f"{arm.value}.{box}", ()))

        identified = sum(
            s.record_count for s in source_list if (str(s.kind) in DBR_KINDS) == (arm is Arm.DBR)
        )
        return ArmCounts(
            identified=identified,
            duplicates=len(arms.identified[arm]) - n("screened"),
            screened=n("screened"),
            screening_excluded=n("screening_excluded"),
            screening_reasons=_reason_counts(reasons.get(f"{arm.value}.screening"), ta_reasons),
            screening_pending=n("screening_pending"),
            screening_conflicts=n("screening_conflicts"),
            sought=n("sought"),
            not_retrieved=n("not_retrieved"),
            assessed=n("assessed"),
            excluded=n("excluded"),
            exclusion_reasons=_reason_counts(reasons.get(f"{arm.value}.assessment"), ft_reasons),
            assessment_pending=n("assessment_pending"),
            assessment_conflicts=n("assessment_conflicts"),
            included=n("included"),
        )

    return PrismaCounts(
        sources=_source_counts(source_list, stored),
        dbr=arm_counts(Arm.DBR),
        other=arm_counts(Arm.OTHER),
        new_studies=len(studies),
        new_reports=len(included),
        previous_studies=previous_studies,
        previous_reports=previous_reports,
        members={box: frozenset(keys) for box, keys in boxes.items()},
        records={
            f"{arm.value}.{box}": frozenset(ids)
            for box, held in (("identified", arms.identified), ("duplicates", arms.duplicates))
            for arm, ids in held.items()
        },
        contradictions=tuple(contradictions),
    )


def _source_counts(sources: list[Source], stored: Counter[int]) -> tuple[SourceCount, ...]:
    """One line per (kind, method, name), in import order: two MEDLINE files are one MEDLINE."""
    merged: dict[tuple[str, str | None, str], list[int]] = {}
    for s in sources:
        method = str(s.method) if s.method else None
        held = merged.setdefault((str(s.kind), method, s.name), [0, 0])
        held[0] += s.record_count
        held[1] += stored.get(s.id, 0)
    return tuple(
        SourceCount(name, kind, method, records, in_file)
        for (kind, method, name), (records, in_file) in merged.items()
    )


def _not_retrieved_units(
    fulltexts: Mapping[str, FulltextState], resolution: Resolution
) -> set[str]:
    """Units whose full text is marked not retrieved and attached under none of their keys."""
    attached: set[str] = set()
    missing: set[str] = set()
    for record_key, held in fulltexts.items():
        unit = resolution.unit_key(record_key)
        (attached if held.status == "attached" else missing).add(unit)
    return missing - attached


def _tally(
    reasons: dict[str, Counter[str]], box: str, state: ScreeningState, key: str, stage: Stage
) -> str:
    """Count the settling decision's first reason (PRISMA gives one reason per
    unit) and return it."""
    final = state.final(key, stage)
    primary = final.reasons[0] if final and final.reasons else NO_REASON
    reasons.setdefault(box, Counter())[primary] += 1
    return primary


def _labels(protocol: Protocol, stage: Stage) -> dict[str, str]:
    return {r.id: r.label for r in protocol.stage(stage).reasons}


def _reason_counts(counts: Counter[str] | None, labels: dict[str, str]) -> tuple[ReasonCount, ...]:
    """In the protocol's order (the order reviewers test them), then reasons the
    protocol no longer lists (labelled by their id), then 'no reason recorded'."""
    if not counts:
        return ()
    order = {reason: n for n, reason in enumerate(labels)}
    ranked = sorted(counts, key=lambda r: (r == NO_REASON, r not in order, order.get(r, 0), r))
    return tuple(
        ReasonCount(r, NO_REASON_LABEL if r == NO_REASON else labels.get(r, r), counts[r])
        for r in ranked
    )
