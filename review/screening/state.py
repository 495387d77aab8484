"""Screening state: who decided what, what is in conflict, what each queue holds.

Pure: built from the records' unit keys and the append-only decision events
the store returns, and updated one event at a time as the screen makes new
ones. Rules, stated once here so screens, commands and exports agree:

- Events take effect in the ledger's replay order, (created_at, uid), never
  in the order a file stored them: merged files give one state.
- A reviewer's current decision on a unit at a stage is the top of their
  stack of events: `screen` and `resolve` push, `undo` pops the newest.
- A unit needs `reviewers_per_record` independent decisions. Once it has
  them, the decisions agree (maybe counts as include) or it is a conflict.
  At full text, two exclusions with different first reasons conflict too:
  PRISMA reports one reason per report.
- A `resolve` event (by a third reviewer or by consensus) settles a unit at
  a stage whatever the screening decisions say; the newest one wins.
- Which records a unit covers is the ledger's resolver (`review.ledger.resolver`).
- Maybe counts as include for progression: a unit whose title/abstract
  outcome is include or maybe reaches the full-text queue.
- Blind screening shows a reviewer only their own decisions until the unit
  has all the decisions it needs.
"""

from __future__ import annotations

from bisect import insort
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from review.ledger.order import order_key
from review.ledger.resolver import Resolution, Unit
from review.models import DecisionEvent, Stage
from review.screening.agreement import Agreement, agreement

__all__ = ["Filter", "Outcome", "PairAgreement", "ReviewerCounts", "ScreeningState", "Unit"]


class Outcome(StrEnum):
    """Where a unit stands at one stage, across reviewers."""

    UNDECIDED = "undecided"
    PARTIAL = "partial"
    """Some, not all, of the decisions it needs."""
    INCLUDE = "include"
    EXCLUDE = "exclude"
    CONFLICT = "conflict"


class Filter(StrEnum):
    """The views a reviewer can narrow the screening list to."""

    QUEUE = "queue"
    """What this reviewer still has to decide (the default)."""
    UNDECIDED = "undecided"
    MINE = "mine"
    INCLUDED = "included"
    EXCLUDED = "excluded"
    MAYBE = "maybe"
    CONFLICTS = "conflicts"
    ALL = "all"


class _UnitStage(dict[str, list[DecisionEvent]]):
    """One unit at one stage: each reviewer's events in replay order, undos
    included. Their standing decisions are folded when asked for (logs hold
    one to three events), so a million events load without a second copy."""

    __slots__ = ()

    def add(self, event: DecisionEvent) -> None:
        """Fold one event in; one that sorts before events already here (merged
        from another file) takes its place in the log, and a copy is ignored."""
        log = self.get(event.reviewer)
        if log is None:
            self[event.reviewer] = [event]
            return
        last = log[-1]
        if event.created_at > last.created_at or (
            event.created_at == last.created_at and event.uid > last.uid
        ):
            log.append(event)
        elif all(held.uid != event.uid for held in log):
            insort(log, event, key=order_key)

    def stack(self, reviewer: str) -> list[DecisionEvent]:
        """The reviewer's standing screens and resolutions, newest last."""
        return standing_events(self.get(reviewer, ()))

    def current(self) -> dict[str, DecisionEvent]:
        """Each reviewer's newest standing event (screen or resolve)."""
        out = {}
        for who, log in self.items():
            if stack := standing_events(log):
                out[who] = stack[-1]
        return out

    def screens(self) -> dict[str, DecisionEvent]:
        """Each reviewer's current screening decision, resolutions aside."""
        out: dict[str, DecisionEvent] = {}
        for who, log in self.items():
            for event in reversed(standing_events(log)):
                if event.kind == "screen":
                    out[who] = event
                    break
        return out

    def resolution(self) -> DecisionEvent | None:
        standing = [e for e in self.current().values() if e.kind == "resolve"]
        return max(standing, key=order_key) if standing else None


def standing_events(log: Sequence[DecisionEvent]) -> list[DecisionEvent]:
    """Replay one reviewer's log of one unit (in replay order): screens and
    resolutions push, an undo pops; what is left stands."""
    if len(log) == 1 and log[0].kind != "undo":
        return list(log)
    stack: list[DecisionEvent] = []
    for event in log:
        if event.kind == "undo":
            if stack:
                stack.pop()
        else:
            stack.append(event)
    return stack


def progresses(decision: str | None) -> bool:
    """Include and maybe move on to the next stage; exclude does not."""
    return decision in ("include", "maybe")


class ScreeningState:
    """Every unit's decisions at both stages, replayed from events."""

    def __init__(
        self,
        resolution: Resolution,
        events: Iterable[DecisionEvent] = (),
        *,
        reviewers_per_record: int = 2,
        blind: bool = True,
    ) -> None:
        self.resolved = resolution
        """Record → unit → study, from the ledger's resolver."""
        self.units: list[Unit] = resolution.units
        self.by_key: dict[str, Unit] = resolution.by_key
        self.required = reviewers_per_record
        self.blind = blind
        self._stages: dict[Stage, dict[str, _UnitStage]] = {stage: {} for stage in Stage}
        self._touched: set[str] = set()
        """Units any event names, at any stage."""
        self.last_event_id = 0
        self._load(events)

    # -- events -------------------------------------------------------------

    def unit_key(self, key: str) -> str:
        """The unit an event naming `key` is about (a record key before a merge, say)."""
        return self.resolved.unit_key(key)

    def _load(self, events: Iterable[DecisionEvent]) -> None:
        """`apply` for every event, inlined: a living review opens with a million."""
        alias, touched, stages = self.resolved.alias, self._touched.add, self._stages
        last_id = self.last_event_id
        for event in events:
            key = alias.get(event.record_key) or event.record_key
            touched(key)
            units = stages[event.stage]
            held = units.get(key)
            if held is None:
                units[key] = _UnitStage({event.reviewer: [event]})
            elif (log := held.get(event.reviewer)) is not None and event.created_at > (
                log[-1].created_at
            ):
                log.append(event)  # the usual case: events arrive in replay order
            else:
                held.add(event)
            if event.id > last_id:
                last_id = event.id
        self.last_event_id = last_id

    def apply(self, event: DecisionEvent) -> None:
        """Fold one event in, in any order: replay order is the ledger's."""
        key = self.resolved.alias.get(event.record_key) or event.record_key
        self._touched.add(key)
        units = self._stages[event.stage]
        held = units.get(key)
        if held is None:
            held = units[key] = _UnitStage()
        held.add(event)
        if event.id > self.last_event_id:
            self.last_event_id = event.id

    # -- one unit -----------------------------------------------------------

    def decision_of(self, key: str, stage: Stage, reviewer: str) -> DecisionEvent | None:
        """The reviewer's standing decision (a screen or their resolution)."""
        state = self._stages[stage].get(key)
        return state.current().get(reviewer) if state else None

    def screen_of(self, key: str, stage: Stage, reviewer: str) -> DecisionEvent | None:
        state = self._stages[stage].get(key)
        return state.screens().get(reviewer) if state else None

    def decisions(self, key: str, stage: Stage) -> dict[str, DecisionEvent]:
        """Every reviewer's current screening decision on the unit."""
        state = self._stages[stage].get(key)
        return state.screens() if state else {}

    def resolution(self, key: str, stage: Stage) -> DecisionEvent | None:
        state = self._stages[stage].get(key)
        return state.resolution() if state else None

    def visible_decisions(self, key: str, stage: Stage, reviewer: str) -> dict[str, DecisionEvent]:
        """What `reviewer` may see: only their own until the unit is complete, when blind."""
        screens = self.decisions(key, stage)
        if not self.blind or self.outcome(key, stage) not in (Outcome.UNDECIDED, Outcome.PARTIAL):
            return screens
        return {who: event for who, event in screens.items() if who == reviewer}

    def outcome(self, key: str, stage: Stage) -> Outcome:
        return self.standing(key, stage)[0]

    def standing(
        self, key: str, stage: Stage
    ) -> tuple[Outcome, DecisionEvent | None, dict[str, DecisionEvent]]:
        """The unit's outcome, its resolution and each reviewer's current
        screen, from one replay of its logs (`outcome`, `resolution` and
        `decisions` each replay them: exports ask for all three of 100k units)."""
        held = self._stages[stage].get(key)
        if held is None:
            return Outcome.UNDECIDED, None, {}
        screens: dict[str, DecisionEvent] = {}
        resolutions: list[DecisionEvent] = []
        for who, log in held.items():
            stack = standing_events(log)
            if stack and stack[-1].kind == "resolve":
                resolutions.append(stack[-1])
            for event in reversed(stack):
                if event.kind == "screen":
                    screens[who] = event
                    break
        resolved = max(resolutions, key=order_key) if resolutions else None
        return self._outcome(resolved, list(screens.values()), stage), resolved, screens

    def _outcome(
        self, resolved: DecisionEvent | None, screens: list[DecisionEvent], stage: Stage
    ) -> Outcome:
        """The one rule: a resolution settles; else the screens, once enough
        reviewers decided, agree or conflict."""
        if resolved is not None:
            return Outcome.INCLUDE if progresses(resolved.decision) else Outcome.EXCLUDE
        if not screens:
            return Outcome.UNDECIDED
        if len(screens) < self.required:
            return Outcome.PARTIAL
        if len({progresses(e.decision) for e in screens}) > 1:
            return Outcome.CONFLICT
        if not progresses(screens[0].decision):
            if stage is Stage.FULL_TEXT and len({e.reasons[:1] for e in screens}) > 1:
                return Outcome.CONFLICT
            return Outcome.EXCLUDE
        return Outcome.INCLUDE

    def final(self, key: str, stage: Stage) -> DecisionEvent | None:
        """The event that settles the unit: the resolution, or (agreed) the first screen."""
        outcome, resolved, screens = self.standing(key, stage)
        if resolved is not None:
            return resolved
        if outcome in (Outcome.INCLUDE, Outcome.EXCLUDE):
            return min(screens.values(), key=order_key)
        return None

    def eligible(self, key: str, stage: Stage) -> bool:
        """Title/abstract: every unit. Full text: units that passed title/abstract."""
        if stage is Stage.TITLE_ABSTRACT:
            return True
        return self.outcome(key, Stage.TITLE_ABSTRACT) is Outcome.INCLUDE

    def needs(self, key: str, stage: Stage, reviewer: str) -> bool:
        """Whether the unit is in `reviewer`'s queue: eligible, not yet decided
        by them, and short of the decisions it needs."""
        if not self.eligible(key, stage) or self.resolution(key, stage) is not None:
            return False
        screens = self.decisions(key, stage)
        return reviewer not in screens and len(screens) < self.required

    # -- lists and counts ---------------------------------------------------

    def matching(
        self,
        stage: Stage,
        reviewer: str,
        view: Filter = Filter.QUEUE,
    ) -> Iterator[Unit]:
        """Units of a view at a stage, in queue order."""
        for unit in self.units:
            if self.eligible(unit.key, stage) and self.in_view(unit.key, stage, reviewer, view):
                yield unit

    def in_view(self, key: str, stage: Stage, reviewer: str, view: Filter) -> bool:
        """Whether a unit belongs to one of the reviewer's views (eligibility aside)."""
        if view is Filter.QUEUE:
            return self.needs(key, stage, reviewer)
        if view is Filter.ALL:
            return True
        if view is Filter.CONFLICTS:
            return self.outcome(key, stage) is Outcome.CONFLICT
        mine = self.screen_of(key, stage, reviewer)
        if view is Filter.UNDECIDED:
            return mine is None
        if view is Filter.MINE:
            return mine is not None
        wanted = {Filter.INCLUDED: "include", Filter.EXCLUDED: "exclude", Filter.MAYBE: "maybe"}
        return mine is not None and mine.decision == wanted[view]

    def untouched(self, key: str) -> bool:
        """No decision event at any stage names this unit."""
        return key not in self._touched

    def unit_counts(self, key: str, stage: Stage, reviewer: str) -> Counter[str]:
        """One unit's share of a reviewer's progress counts, so a screen can
        update its totals by the difference one decision made instead of
        recounting 100k units."""
        if self.untouched(key):
            # Nobody has decided anything on it: answered without replaying.
            fresh = stage is Stage.TITLE_ABSTRACT
            return Counter(eligible=1, to_do=1) if fresh else Counter()
        share: Counter[str] = Counter()
        if not self.eligible(key, stage):
            return share
        share["eligible"] = 1
        if (event := self.screen_of(key, stage, reviewer)) is not None:
            share["done"] = 1
            share[event.decision or ""] = 1
        elif self.needs(key, stage, reviewer):
            share["to_do"] = 1
        if self.outcome(key, stage) is Outcome.CONFLICT:
            share["conflicts"] = 1
        return share

    def outcomes(self, stage: Stage) -> Counter[Outcome]:
        """How many eligible units stand where, at one stage."""
        return Counter(
            self.outcome(unit.key, stage) for unit in self.units if self.eligible(unit.key, stage)
        )

    def counts_by_reviewer(self, stage: Stage, reviewer: str) -> Counter[str]:
        """How many units the reviewer currently includes, excludes, marks maybe."""
        return Counter(
            event.decision or ""
            for state in self._stages[stage].values()
            if (event := state.screens().get(reviewer)) is not None
        )

    def screens_by(self, stage: Stage, reviewer: str) -> Iterator[tuple[str, DecisionEvent]]:
        """The reviewer's standing screening decisions at a stage, by unit key
        (only units with events are visited)."""
        for key, state in self._stages[stage].items():
            if (event := state.screens().get(reviewer)) is not None:
                yield key, event

    def reviewers(self, stage: Stage) -> list[str]:
        """Everyone who screened at this stage, in order of first appearance."""
        seen: dict[str, None] = {}
        for states in self._stages[stage].values():
            for who in states.screens():
                seen.setdefault(who, None)
        return list(seen)

    def agreement(self, stage: Stage) -> list[PairAgreement]:
        """Cohen's kappa and friends for every pair of reviewers who both
        screened at least one unit at this stage (maybe counted as include)."""
        people = sorted(self.reviewers(stage))
        result = []
        for i, first in enumerate(people):
            for second in people[i + 1 :]:
                pairs = []
                for state in self._stages[stage].values():
                    screens = state.screens()
                    if first in screens and second in screens:
                        a, b = screens[first].decision, screens[second].decision
                        pairs.append((a or "", b or ""))
                if pairs:
                    result.append(PairAgreement(stage, first, second, agreement(pairs)))
        return result


@dataclass(frozen=True, slots=True)
class ReviewerCounts:
    """One reviewer's progress at one stage."""

    eligible: int
    done: int
    to_do: int
    included: int
    excluded: int
    maybe: int
    conflicts: int

    @classmethod
    def from_counter(cls, counts: Counter[str]) -> ReviewerCounts:
        return cls(
            eligible=counts["eligible"],
            done=counts["done"],
            to_do=counts["to_do"],
            included=counts["include"],
            excluded=counts["exclude"],
            maybe=counts["maybe"],
            conflicts=counts["conflicts"],
        )


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Agreement of two reviewers at one stage."""

    stage: Stage
    first: str
    second: str
    stats: Agreement
