"""One reviewer screening one stage: the queue, the cursor, and every write.

The screening screen is a thin view over this class, so everything a
reviewer does with keys can be done (and tested) without Textual. Each
decision is its own transaction, committed before the cursor moves on;
counts are updated by the one unit a decision touched, never recounted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial

from review.dedup.canonical import canonical_record
from review.errors import UsageError
from review.models import DecisionEvent, DecisionValue, Record, Stage
from review.protocol.models import Protocol, ScreeningStage
from review.record_reading import ReadingField, reading_fields
from review.screening.fulltext import FullTextMixin
from review.screening.moves import QueueMoves
from review.screening.progress import not_retrieved_units, reviewer_progress
from review.screening.state import Filter, Outcome, ReviewerCounts, Unit
from review.screening.units import load_state
from review.store import Store
from review.store.screening import Note

_RECENT = 200
"""Events read first when looking for the decision to undo."""


class ScreeningSession(QueueMoves, FullTextMixin):
    """A reviewer's place in one stage's queue, over a live review file."""

    def __init__(self, store: Store, protocol: Protocol, reviewer: str, stage: Stage) -> None:
        if not reviewer or not reviewer.strip():
            raise UsageError(
                "screening needs a reviewer name",
                hint="pass --reviewer NAME, set REVIEW_REVIEWER, or set reviewer in the config",
            )
        self.store = store
        self.protocol = protocol
        self.reviewer = reviewer.strip()
        self.stage = stage
        self.view = Filter.QUEUE
        self.search: str = ""
        self.label: str | None = None
        self.with_warnings = False
        self._search_ids: set[int] | None = None
        self._warning_ids: set[int] | None = None
        self._labels: dict[str, set[str]] | None = None
        self.state = load_state(store, protocol)
        self._studies: dict[str, str] | None = None
        self._not_retrieved: set[str] = set()
        if stage is Stage.FULL_TEXT:
            self._not_retrieved = not_retrieved_units(self.state, store.fulltexts.all())
        self._counts = self._recount()
        self._trail: list[int] = []
        self._at = -1
        self._skipped: dict[str, None] = {}
        """Unit keys skipped, oldest first: they wait behind every other unit,
        also after the view changes."""
        self._members: dict[str, list[str]] = {}
        """Unit key → the other keys events may name it by (before a merge)."""
        self._order: Sequence[int] | None = None
        self._rank: Sequence[int] | None = None
        self._from_top = False
        self.on_apply: Callable[[str], None] | None = None
        """Told the unit key of every event folded in (prioritisation keeps its labels so)."""
        for key, unit_key in self.state.resolved.alias.items():
            self._members.setdefault(unit_key, []).append(key)
        self._go_to(self._find(0, wrap=False))

    # -- what the screen shows ----------------------------------------------

    @property
    def stage_settings(self) -> ScreeningStage:
        return getattr(self.protocol.screening.stages, self.stage.value)  # type: ignore[no-any-return]

    @property
    def current(self) -> Unit | None:
        return self.state.units[self._trail[self._at]] if self._at >= 0 else None

    @property
    def counts(self) -> ReviewerCounts:
        return ReviewerCounts.from_counter(self._counts)

    def record(self, unit: Unit | None = None) -> Record | None:
        """What the reviewer reads: a duplicate group's canonical record (best
        metadata of its members), else the unit's first record."""
        unit = unit or self.current
        if unit is None:
            return None
        members = self.state.resolved.groups.get(unit.key)
        if members:
            return canonical_record(
                [self.store.records.record(m.record_id) for m in members], unit.key
            )
        return self.store.records.record(unit.record_id)

    def reading_fields(self, unit: Unit | None = None) -> list[ReadingField]:
        """Register fields (conditions, interventions, outcomes, phase, status,
        enrolment…) and other stored fields worth reading, from every record
        the decision covers."""
        unit = unit or self.current
        if unit is None:
            return []
        members = self.state.resolved.groups.get(unit.key)
        ids = [m.record_id for m in members] if members else [unit.record_id]
        return reading_fields(self.store.records.record_extra(i) for i in ids)

    def my_decision(self, unit: Unit | None = None) -> DecisionEvent | None:
        unit = unit or self.current
        return self.state.screen_of(unit.key, self.stage, self.reviewer) if unit else None

    def visible_decisions(self, unit: Unit | None = None) -> dict[str, DecisionEvent]:
        """Decisions this reviewer may see (their own only, while blind)."""
        unit = unit or self.current
        if unit is None:
            return {}
        return self.state.visible_decisions(unit.key, self.stage, self.reviewer)

    def outcome(self, unit: Unit | None = None) -> Outcome | None:
        unit = unit or self.current
        return self.state.outcome(unit.key, self.stage) if unit else None

    def notes(self, unit: Unit | None = None) -> list[Note]:
        """Notes on the unit; others' notes stay hidden while screening is blind."""
        unit = unit or self.current
        if unit is None:
            return []
        notes = self.store.screening.notes(unit.key, self.stage)
        if set(self.visible_decisions(unit)) <= {self.reviewer} and self.state.blind:
            notes = [note for note in notes if note.reviewer == self.reviewer]
        return notes

    def history(self, unit: Unit | None = None) -> list[DecisionEvent]:
        """Every decision event on the unit at this stage that the reviewer may see."""
        unit = unit or self.current
        if unit is None:
            return []
        visible = set(self.visible_decisions(unit)) | {self.reviewer}
        keys = [unit.key, *self._members.get(unit.key, ())]
        return [
            event
            for event in self.store.screening.decisions(stage=self.stage, record_keys=keys)
            if event.reviewer in visible or event.kind == "resolve"
        ]

    def reports(self, unit: Unit) -> int:
        """How many imported records this decision covers (same key or duplicate group)."""
        return self.state.resolved.size(unit.key)

    def units(self) -> list[Unit]:
        """Every unit of the current view, search and filters, in queue order."""
        return [unit for unit in self.state.units if self._shows(unit)]

    # -- deciding -----------------------------------------------------------

    def decide(
        self, decision: DecisionValue, reasons: Iterable[str] = (), note: str | None = None
    ) -> DecisionEvent:
        """Record the reviewer's decision on the current unit, then move on."""
        unit = self._require_current()
        reasons = self.check_reasons(decision, list(reasons))
        event = self._write(unit, decision, reasons, note, kind="screen")
        self._advance_from(unit)
        return event

    def check_reasons(self, decision: DecisionValue, reasons: list[str]) -> list[str]:
        """Reasons only on exclusions, known to the protocol, and present when required."""
        settings = self.stage_settings
        if decision != "exclude":
            return []
        for reason in reasons:
            settings.reason(reason)  # KeyError names the known ids
        if settings.reason_required and not reasons:
            raise UsageError(
                f"an exclusion at {self.stage.value.replace('_', ' ')} needs a reason",
                field=f"screening.stages.{self.stage.value}.reasons",
                hint="pick one of: " + ", ".join(r.id for r in settings.reasons),
            )
        return reasons

    def resolve(
        self, unit: Unit, decision: DecisionValue, reasons: Iterable[str] = (), note: str = ""
    ) -> DecisionEvent:
        """Settle a conflict (third reviewer or consensus) as its own event."""
        reasons = self.check_reasons(decision, list(reasons))
        return self._write(unit, decision, reasons, note or None, kind="resolve")

    def undo(self) -> Unit | None:
        """Undo the reviewer's newest standing decision at this stage and show
        that record again; None when there is nothing to undo."""
        for event in self._mine_newest_first():
            key = self.state.unit_key(event.record_key)
            standing = self.state.decision_of(key, self.stage, self.reviewer)
            if standing is not None and standing.uid == event.uid:
                unit = self.state.by_key[key]
                self._write(unit, None, [], None, kind="undo")
                self._back_to(self.state.by_key[key].position)
                return unit
        return None

    def add_note(self, text: str) -> None:
        unit = self._require_current()
        if text.strip():
            self.store.screening.add_note(
                unit.key, self.stage, text.strip(), reviewer=self.reviewer
            )

    def toggle_label(self, label: str) -> bool:
        """Add the label to the current unit, or remove it; True when now on."""
        unit = self._require_current()
        labels = self.labels_of(unit)
        on = label not in labels
        self.store.screening.set_label(unit.key, label, reviewer=self.reviewer, on=on)
        self._labels = None
        return on

    def labels_of(self, unit: Unit | None = None) -> set[str]:
        unit = unit or self.current
        return set(self._all_labels().get(unit.key, set())) if unit else set()

    def all_labels(self) -> list[str]:
        return sorted({label for held in self._all_labels().values() for label in held})

    def for_stage(self, stage: Stage) -> ScreeningSession:
        """A fresh session of the same reviewer at another stage."""
        return ScreeningSession(self.store, self.protocol, self.reviewer, stage)

    def conflicts(self) -> list[Unit]:
        return list(self.state.matching(self.stage, self.reviewer, Filter.CONFLICTS))

    def refresh(self) -> int:
        """Fold in decisions another process made since we last looked."""
        events = self.store.screening.decisions(self.state.last_event_id)
        for event in events:
            self._apply(event)
        return len(events)

    # -- internals ----------------------------------------------------------

    def _mine_newest_first(self) -> Iterator[DecisionEvent]:
        """The reviewer's screens and resolutions at this stage, newest first.

        The one undo looks for is almost always among the newest few, so
        those are read first rather than a reviewer's whole history.
        """
        mine = partial(
            self.store.screening.decisions,
            reviewer=self.reviewer,
            stage=self.stage,
            newest_first=True,
        )
        recent = mine(limit=_RECENT)
        yield from (event for event in recent if event.kind != "undo")
        if len(recent) == _RECENT:  # read on only when none of those was standing
            yield from (event for event in mine()[_RECENT:] if event.kind != "undo")

    def _write(
        self,
        unit: Unit,
        decision: DecisionValue | None,
        reasons: list[str],
        note: str | None,
        *,
        kind: str,
    ) -> DecisionEvent:
        self.refresh()
        event = self.store.screening.record_decision(
            unit.key,
            self.stage,
            decision,
            reviewer=self.reviewer,
            reasons=reasons,
            note=note,
            kind=kind,  # type: ignore[arg-type]
        )
        self._apply(event)
        return event

    def _apply(self, event: DecisionEvent) -> None:
        key = self.state.unit_key(event.record_key)
        # A title/abstract event can change whether a unit reaches full text.
        touches = event.stage is self.stage or self.stage is Stage.FULL_TEXT
        before = self._share(key) if touches and key in self.state.by_key else Counter[str]()
        self.state.apply(event)
        if touches and key in self.state.by_key:
            self._counts.subtract(before)
            self._counts.update(self._share(key))
        if self.on_apply is not None:
            self.on_apply(key)

    def _share(self, key: str) -> Counter[str]:
        if key in self._not_retrieved:
            return Counter()
        return self.state.unit_counts(key, self.stage, self.reviewer)

    def _recount(self) -> Counter[str]:
        """Counts over every unit (the home and `review status` count the same way)."""
        return reviewer_progress(self.state, self.stage, self.reviewer, self._not_retrieved)

    def _shows(self, unit: Unit) -> bool:
        if unit.key in self._not_retrieved and self.view is not Filter.ALL:
            return False
        if self._search_ids is not None and unit.record_id not in self._search_ids:
            return False
        if self.label is not None and self.label not in self._all_labels().get(unit.key, ()):
            return False
        if self.with_warnings:
            if self._warning_ids is None:
                self._warning_ids = self.store.records.record_ids_with_warnings()
            if unit.record_id not in self._warning_ids:
                return False
        return self.state.in_view(unit.key, self.stage, self.reviewer, self.view) and (
            self.state.eligible(unit.key, self.stage)
        )

    def _all_labels(self) -> dict[str, set[str]]:
        if self._labels is None:
            self._labels = self.store.screening.labels(self.state.resolved.alias)
        return self._labels

    def _require_current(self) -> Unit:
        if (unit := self.current) is None:
            raise UsageError("no record is open: the list is empty")
        return unit


def next_work(store: Store, protocol: Protocol, reviewer: str) -> ScreeningSession:
    """The reviewer's session at the stage where they have records to screen:
    title/abstract while its queue has any, then full text."""
    session = ScreeningSession(store, protocol, reviewer, Stage.TITLE_ABSTRACT)
    if session.counts.to_do == 0:
        full_text = session.for_stage(Stage.FULL_TEXT)
        if full_text.counts.to_do:
            return full_text
    return session
