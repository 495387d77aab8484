"""The records behind each box of the flow diagram, for a screen that opens them.

A box is named by an id: `<arm>.<box>` for the boxes `PrismaCounts.members`
and `PrismaCounts.records` hold (arm `databases_registers` or
`other_methods`), `<arm>.screening_reason.<reason>` and
`<arm>.exclusion_reason.<reason>` per reason, `<arm>.identified.<kind>` for
databases, registers, websites, organisations and citation searching,
`source.<n>` for the n-th named source, and `included_studies` /
`included_reports`. Every list comes from the same membership the counts
were made from, so a box's list has exactly as many rows as its number.

Boxes of units list one row per unit (its first record, every source of its
records); boxes of records (identified, duplicates) one row per record.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from review.errors import UsageError
from review.ledger.fulltexts import FulltextState
from review.models import OtherMethod, SourceKind, Stage
from review.prisma.arms import Arm
from review.prisma.checks import PrismaError, check_prisma
from review.prisma.counts import NO_REASON_LABEL, PrismaCounts
from review.prisma.load import count_review
from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.screening.state import Outcome, ScreeningState
from review.screening.units import load_state
from review.store import Store

TITLE_ABSTRACT_BOXES = frozenset(
    {"screened", "screening_excluded", "screening_pending", "screening_conflicts"}
)
FULL_TEXT_BOXES = frozenset(
    {
        "sought",
        "not_retrieved",
        "assessed",
        "excluded",
        "assessment_pending",
        "assessment_conflicts",
        "included",
    }
)
RECORD_BOXES = frozenset({"identified", "duplicates"})
EMPTY_BOXES = frozenset({"removed_automation", "removed_other"})
"""Nothing in the ledger removes records before screening yet: always empty."""
REASON_BOXES = {"screening_reason": Stage.TITLE_ABSTRACT, "exclusion_reason": Stage.FULL_TEXT}
KINDS = {
    "database": (SourceKind.DATABASE, None),
    "register": (SourceKind.REGISTER, None),
    "website": (SourceKind.OTHER, OtherMethod.WEBSITE),
    "organisation": (SourceKind.OTHER, OtherMethod.ORGANISATION),
    "citation": (SourceKind.OTHER, OtherMethod.CITATION),
}
"""`<arm>.identified.<kind>` → the sources it sums (`records_from`)."""
_STAGE_NAMES = {Stage.TITLE_ABSTRACT: "title/abstract", Stage.FULL_TEXT: "full text"}
_OUTCOME_WORDS = {
    Outcome.INCLUDE: "included",
    Outcome.EXCLUDE: "excluded",
    Outcome.CONFLICT: "in conflict",
    Outcome.PARTIAL: "partly decided",
    Outcome.UNDECIDED: "not decided",
}


@dataclass(frozen=True)
class BoxRecord:
    """One row of a box's list."""

    record_id: int
    """The record shown (a unit's first record)."""
    unit: str
    """The unit (or study) key."""
    title: str
    year: int | None
    source: str
    """The record's source; for a unit, every source of its records."""
    decision: str
    """Where the unit stands, e.g. 'full text: excluded'."""
    reason: str
    """The settling decision's reasons (the primary first), or why it is in the box."""


class PrismaBoxes:
    """A review's counts, whether they add up (`error`), and each box's records."""

    def __init__(
        self,
        store: Store,
        protocol: Protocol,
        state: ScreeningState,
        counts: PrismaCounts,
    ) -> None:
        self.store, self.protocol, self.state, self.counts = store, protocol, state, counts
        self.error: PrismaError | None = None
        """Why the counts cannot be shown (the CLI refuses with the same error)."""
        try:
            check_prisma(counts)
        except PrismaError as exc:
            self.error = exc
        self._labels = {
            stage: {r.id: r.label for r in protocol.stage(stage).reasons} for stage in Stage
        }
        self._fulltexts: dict[str, FulltextState] | None = None
        self._unit_of: dict[int, str] | None = None

    def reading_from(self, store: Store) -> PrismaBoxes:
        """The same counts, reading records through `store` (a worker's connection)."""
        twin = copy.copy(self)
        twin.store = store
        return twin

    def records(self, box: str) -> list[BoxRecord]:
        """Every row behind `box`, in queue (import) order; `UsageError` for an unknown id."""
        counts = self.counts
        if box in ("included_studies", "included_reports"):
            stage = Stage.FULL_TEXT
            return self.unit_records(
                counts.members.get(box, ()), stage, studies=box == "included_studies"
            )
        if box.startswith("source."):
            return self._source_records(box)
        arm, _, name = box.partition(".")
        if arm not in {a.value for a in Arm}:
            raise UsageError(f"no box {box!r} in the PRISMA diagram")
        if name in RECORD_BOXES:
            return self._record_rows(counts.records.get(box, ()), duplicates=name == "duplicates")
        if name in EMPTY_BOXES:
            return []
        if name.startswith("identified."):
            if (kind := KINDS.get(name.partition(".")[2])) is None:
                raise UsageError(f"no box {box!r} in the PRISMA diagram")
            return self._kind_records(Arm(arm), *kind)
        group, _, _reason = name.partition(".")
        if group in REASON_BOXES:
            return self.unit_records(counts.members.get(box, ()), REASON_BOXES[group])
        if name in TITLE_ABSTRACT_BOXES:
            return self.unit_records(counts.members.get(box, ()), Stage.TITLE_ABSTRACT)
        if name in FULL_TEXT_BOXES:
            return self.unit_records(counts.members.get(box, ()), Stage.FULL_TEXT)
        raise UsageError(f"no box {box!r} in the PRISMA diagram")

    def unit_records(
        self, keys: Iterable[str], stage: Stage | None, *, studies: bool = False
    ) -> list[BoxRecord]:
        """One row per unit: its first record, where it stands at `stage` (at both
        stages when None, as a violation needs)."""
        resolution = self.state.resolved
        units = sorted(
            set(keys),
            key=lambda k: (u.position, k) if (u := resolution.by_key.get(k)) else (1 << 62, k),
        )
        ids: dict[str, list[int]] = {}
        for key in units:
            members = resolution.groups.get(key)
            unit = resolution.by_key.get(key)
            ids[key] = (
                [m.record_id for m in members] if members else [unit.record_id] if unit else []
            )
        rows = self.store.records.rows_for({i for held in ids.values() for i in held})
        reports: dict[str, int] = {}
        if studies:
            for key in self.counts.members.get("included_reports", ()):
                study = resolution.study_of(key)
                reports[study] = reports.get(study, 0) + 1
        out: list[BoxRecord] = []
        for key in units:
            found = [rows[i] for i in ids[key] if i in rows]
            if not found:
                out.append(BoxRecord(0, key, f"(no record under {key})", None, "", "", ""))
                continue
            first = found[0]
            sources = ", ".join(dict.fromkeys(r.source_name for r in found))
            if stage is None:
                both = [self._standing(key, each) for each in Stage]
                decision = "; ".join(d for d, _ in both)
                reason = "; ".join(r for _, r in both if r)
            else:
                decision, reason = self._standing(key, stage)
            if studies:
                n = reports.get(key, 0)
                reason = f"{n} report{'s' if n != 1 else ''} included"
            out.append(BoxRecord(first.id, key, first.title, first.year, sources, decision, reason))
        return out

    def _record_rows(self, record_ids: Iterable[int], *, duplicates: bool) -> list[BoxRecord]:
        """One row per record, with where its unit stands (and which record was kept)."""
        resolution = self.state.resolved
        unit_of = self._units_of_records()
        ids = sorted(record_ids)
        rows = self.store.records.rows_for(ids)
        out: list[BoxRecord] = []
        for record_id in ids:
            row = rows.get(record_id)
            key = unit_of.get(record_id, "")
            if row is None:
                continue
            decision, reason = self._furthest(key)
            if duplicates and (unit := resolution.by_key.get(key)) is not None:
                reason = f"duplicate of record {unit.record_id} ({key})"
            out.append(
                BoxRecord(record_id, key, row.title, row.year, row.source_name, decision, reason)
            )
        return out

    def _source_records(self, box: str) -> list[BoxRecord]:
        try:
            source = self.counts.sources[int(box.partition(".")[2])]
        except (ValueError, IndexError):
            raise UsageError(f"no box {box!r} in the PRISMA diagram") from None
        wanted = {
            s.id
            for s in self.store.imports.sources()
            if (str(s.kind), str(s.method) if s.method else None, s.name)
            == (source.kind, source.method, source.name)
        }
        return self._records_of_sources(wanted)

    def _kind_records(
        self, arm: Arm, kind: SourceKind, method: OtherMethod | None
    ) -> list[BoxRecord]:
        wanted = {
            s.id
            for s in self.store.imports.sources()
            if s.kind == kind and (method is None or s.method == method)
        }
        if (arm is Arm.DBR) != (kind is not SourceKind.OTHER):
            raise UsageError(f"no box {arm.value}.identified.{kind.value} in the PRISMA diagram")
        return self._records_of_sources(wanted)

    def _records_of_sources(self, source_ids: set[int]) -> list[BoxRecord]:
        of_record = self.store.records.source_ids()
        return self._record_rows(
            (r for r, s in of_record.items() if s in source_ids), duplicates=False
        )

    def _units_of_records(self) -> dict[int, str]:
        if self._unit_of is None:
            resolution = self.state.resolved
            unit_of: dict[int, str] = {}
            for unit in resolution.units:
                members = resolution.groups.get(unit.key)
                for record_id in [m.record_id for m in members] if members else [unit.record_id]:
                    unit_of[record_id] = unit.key
            self._unit_of = unit_of
        return self._unit_of

    def _furthest(self, key: str) -> tuple[str, str]:
        """Where a unit stands at the last stage it reached."""
        if self.state.outcome(key, Stage.TITLE_ABSTRACT) is Outcome.INCLUDE:
            return self._standing(key, Stage.FULL_TEXT)
        return self._standing(key, Stage.TITLE_ABSTRACT)

    def _standing(self, key: str, stage: Stage) -> tuple[str, str]:
        outcome = self.state.outcome(key, stage)
        word = _OUTCOME_WORDS[outcome]
        # Only an exclusion lists reasons: `final` replays the unit again.
        final = self.state.final(key, stage) if outcome is Outcome.EXCLUDE else None
        if final is not None:
            labels = self._labels[stage]
            reasons = [labels.get(r, r) for r in final.reasons] or [NO_REASON_LABEL]
            reason = "; ".join(reasons)
        else:
            reason = ""
        if stage is Stage.FULL_TEXT and outcome is not Outcome.EXCLUDE:
            held = self._held_fulltexts().get(key)
            if held is not None and held.status == "not_retrieved":
                word = "not retrieved" if outcome is Outcome.UNDECIDED else word
                reason = "full text marked not retrieved" + (f": {held.note}" if held.note else "")
        return f"{_STAGE_NAMES[stage]}: {word}", reason

    def _held_fulltexts(self) -> dict[str, FulltextState]:
        """Full-text state by unit key (a mark under any of its record keys)."""
        if self._fulltexts is None:
            resolution = self.state.resolved
            self._fulltexts = {}
            for record_key, held in self.store.fulltexts.all().items():
                unit = resolution.unit_key(record_key)
                if self._fulltexts.get(unit) is None or held.status == "attached":
                    self._fulltexts[unit] = held
        return self._fulltexts


def load_boxes(
    store: Store, *, previous_studies: int = 0, previous_reports: int = 0
) -> PrismaBoxes:
    """The counts with what opens their boxes; `error` is set (not raised)
    when they do not add up, so a screen can show the units involved."""
    protocol = review_protocol(store)
    state = load_state(store, protocol)
    counts = count_review(
        store,
        protocol,
        state,
        previous_studies=previous_studies,
        previous_reports=previous_reports,
    )
    return PrismaBoxes(store, protocol, state, counts)
