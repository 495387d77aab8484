"""Full-text screening's own actions: attach a report, mark it not retrieved,
link reports of one study. Mixed into `ScreeningSession`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from review.fulltext import fulltext_location
from review.models import Stage
from review.screening.retrieval import check_can_mark_not_retrieved
from review.screening.state import ScreeningState, Unit
from review.store import Store
from review.store.fulltexts import FulltextState


class FullTextMixin:
    """The session's full-text methods; `ScreeningSession` provides the state."""

    store: Store
    reviewer: str
    stage: Stage
    state: ScreeningState
    _counts: Counter[str]
    _studies: dict[str, str] | None
    _not_retrieved: set[str]
    _share: Callable[[str], Counter[str]]
    _require_current: Callable[[], Unit]
    _advance_from: Callable[[Unit], None]

    @property
    def current(self) -> Unit | None:
        raise NotImplementedError  # the session's cursor

    def fulltext(self, unit: Unit | None = None) -> FulltextState | None:
        unit = unit or self.current
        return self.store.fulltexts.get(unit.key) if unit else None

    def fulltext_summary(self, unit: Unit) -> str | None:
        held = self.fulltext(unit)
        if held is None:
            return None
        if held.status == "not_retrieved":
            return "not retrieved" + (f" ({held.note})" if held.note else "")
        return f"{held.location}"

    def study_of(self, unit: Unit) -> str | None:
        """The study this report is linked to, when it is linked to another's."""
        if self._studies is None:
            self._studies = self.store.studies.links()
        study = self._studies.get(unit.key)
        return study if study and study != unit.key else None

    def attach_fulltext(self, location: str) -> None:
        """Attach a PDF path (made absolute, must exist) or URL to the current unit."""
        unit = self._require_current()
        where = fulltext_location(location)
        self.store.fulltexts.attach(unit.key, where, reviewer=self.reviewer)
        self._set_not_retrieved(unit, False)

    def mark_not_retrieved(self, note: str | None = None) -> None:
        """PRISMA's 'reports not retrieved': the unit leaves the full-text queue."""
        unit = self._require_current()
        check_can_mark_not_retrieved(self.state, unit.key, unit.key)
        self.store.fulltexts.mark_not_retrieved(unit.key, reviewer=self.reviewer, note=note)
        self._set_not_retrieved(unit, True)
        if self.stage is Stage.FULL_TEXT:
            self._advance_from(unit)

    def link_study(self, other: str) -> str:
        """Link the current report to the study of `other` (a record id or key)."""
        unit = self._require_current()
        other_key = self.store.records.key_for(other)
        other_key = self.state.unit_key(other_key)
        self.store.studies.link(unit.key, other_key, reviewer=self.reviewer)
        self._studies = None
        return other_key

    def _set_not_retrieved(self, unit: Unit, missing: bool) -> None:
        if self.stage is not Stage.FULL_TEXT:
            return
        before = self._share(unit.key)
        if missing:
            self._not_retrieved.add(unit.key)
        else:
            self._not_retrieved.discard(unit.key)
        self._counts.subtract(before)
        self._counts.update(self._share(unit.key))
