"""Moving along one reviewer's queue: the trail of records shown, the next
unit of the view, skipping, and the prioritised order.

A mixin of `ScreeningSession`, which holds the state; kept apart because
where the cursor goes next is its own set of rules (skipped units wait
behind every other, a new ranking starts from its top).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain

from review.screening.state import Filter, ScreeningState, Unit
from review.store import Store


class QueueMoves:
    """The session's cursor; `ScreeningSession` provides the state and filters."""

    store: Store
    state: ScreeningState
    view: Filter
    search: str
    label: str | None
    with_warnings: bool
    _search_ids: set[int] | None
    _trail: list[int]
    _at: int
    _skipped: dict[str, None]
    _order: Sequence[int] | None
    _rank: Sequence[int] | None
    _from_top: bool
    _shows: Callable[[Unit], bool]

    @property
    def current(self) -> Unit | None:
        raise NotImplementedError  # the session's cursor

    def next(self) -> Unit | None:
        """Forward along the trail, else the next unit of the view (wrapping
        round in the queue so skipped records come back)."""
        if self._at < len(self._trail) - 1:
            self._at += 1
            return self.current
        start = self._rank_of(self._trail[self._at]) + 1 if self._at >= 0 else 0
        found = self._find(start, wrap=self.view is Filter.QUEUE, skip=self._here())
        if found is not None:
            self._go_to(found)
        return self.current

    def skip(self) -> Unit | None:
        """Leave the current unit for later and move on: it comes back after
        every unit not skipped, in the order skipped, whatever the view."""
        if (unit := self.current) is not None:
            self._skipped.pop(unit.key, None)
            self._skipped[unit.key] = None
        return self.next()

    def previous(self) -> Unit | None:
        """Back to the record shown before this one (decided or not)."""
        if self._at > 0:
            self._at -= 1
        return self.current

    def set_view(
        self,
        view: Filter | None = None,
        *,
        search: str | None = None,
        label: str | None = None,
        with_warnings: bool | None = None,
    ) -> Unit | None:
        """Change the view, search or filters and go to the first unit they show.

        `None` leaves a setting as it is; an empty search or label clears it.
        """
        if view is not None:
            self.view = view
        if search is not None:
            self.search = search.strip()
            self._search_ids = (
                self.store.records.search_record_ids(self.search) if self.search else None
            )
        if label is not None:
            self.label = label or None
        if with_warnings is not None:
            self.with_warnings = with_warnings
        self._trail, self._at = [], -1
        self._go_to(self._first())
        return self.current

    def set_order(self, order: Sequence[int] | None, rank: Sequence[int] | None) -> None:
        """Offer the queue in this order of unit positions (`rank` maps a
        position to its index in it) from the next record on; None: import order.
        Used by prioritised screening, for the queue view only."""
        self._order, self._rank = order, rank
        self._from_top = order is not None
        """The next move starts at the top of the new order, not after the current record."""

    def _advance_from(self, unit: Unit) -> None:
        index = unit.position
        found = self._find(self._rank_of(index) + 1, wrap=self.view is Filter.QUEUE, skip=index)
        if found is not None:
            self._go_to(found)
        elif not self._shows(unit):
            self._trail, self._at = [], -1

    def _go_to(self, index: int | None) -> None:
        if index is None:
            return
        del self._trail[self._at + 1 :]
        if not self._trail or self._trail[-1] != index:
            self._trail.append(index)
        self._at = len(self._trail) - 1

    def _back_to(self, index: int) -> None:
        """Undo's move: step back along the trail to where the unit was shown,
        so ← then goes to the record before it, as it would without the undo;
        a unit not on the trail (decided in an earlier session) is added to it."""
        for at in range(len(self._trail) - 1, -1, -1):
            if self._trail[at] == index:
                self._at = at
                return
        self._go_to(index)

    def _here(self) -> int | None:
        return self._trail[self._at] if self._at >= 0 else None

    def _ordered(self) -> bool:
        return self._order is not None and self.view is Filter.QUEUE

    def _rank_of(self, position: int) -> int:
        """Where a unit stands in the queue's order (its position, unprioritised);
        after a new order, -1 so that the search starts at its top."""
        if not self._ordered() or self._rank is None:
            return position
        if self._from_top:
            self._from_top = False
            return -1
        return self._rank[position]

    def _first(self) -> int | None:
        """The first unit of the view (in the queue, skipped ones last)."""
        return self._find(0, wrap=self.view is Filter.QUEUE)

    def _find(self, start: int, *, wrap: bool, skip: int | None = None) -> int | None:
        """The first unit shown from rank `start` on; `wrap` (the queue) goes
        round and leaves skipped units for last, in the order they were skipped."""
        units = self.state.units
        ranks: Iterable[int] = range(start, len(units))
        if wrap:
            ranks = chain(ranks, range(0, min(start, len(units))))
        order = self._order if self._ordered() else None
        later: list[int] = []
        for rank in ranks:
            index = order[rank] if order is not None else rank
            if index != skip and self._shows(units[index]):
                if not wrap or units[index].key not in self._skipped:
                    return index
                later.append(index)
        if not later:
            return None
        skipped = {key: n for n, key in enumerate(self._skipped)}
        return min(later, key=lambda index: skipped[units[index].key])
