"""The conflicts screen: records two reviewers decided differently, settled here.

Both decisions are shown with reasons and notes; the resolution (by a third
reviewer or by consensus) is recorded as its own event, never by changing
either reviewer's decision.
"""

from __future__ import annotations

from textwrap import shorten
from typing import ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from review.errors import ReviewError
from review.models import DecisionValue, Stage
from review.screening.session import ScreeningSession
from review.screening.state import Outcome, Unit
from review.tui.screens.reason_picker import ReasonPicker
from review.tui.screens.stage_picker import STAGE_NAMES, changed_stage, stage_picker
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.key_footer import KeyFooter
from review.tui.widgets.screening_record import ScreeningRecord, ScreeningView

TITLE_CHARS = 90
"""A conflict's title in the list: cut at a word, with an ellipsis, past this."""


class ConflictsScreen(Screen[None]):
    """Every conflict at one stage; include or exclude settles the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "resolve('include')", "Resolve: include", id="conflicts.include"),
        Binding("e", "resolve('exclude')", "Resolve: exclude", id="conflicts.exclude"),
        Binding("g", "stage", "Stage", id="conflicts.stage"),
        Binding("escape", "app.pop_screen", "Back", id="conflicts.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓ | Move between conflicts. |
    | i | Settle as include (asks for an optional note). |
    | e | Settle as exclude: pick the reason, then an optional note. |
    | g | Switch stage. |
    | escape | Back. |
    """

    conflict_list = getters.query_one("#conflict-list", OptionList)
    record_view = getters.query_one("#conflict-record", ScreeningRecord)

    def __init__(self, session: ScreeningSession) -> None:
        super().__init__()
        self.session = session
        self._units: list[Unit] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="conflicts-body"):
            with Vertical(id="conflicts-side"):
                yield Static(id="conflicts-title")
                yield OptionList(id="conflict-list")
            yield ScreeningRecord.for_protocol(self.session.protocol, id="conflict-record")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()
        self.conflict_list.focus()

    def load(self, keep: int = 0) -> None:
        """List the stage's conflicts and show the one at `keep`."""
        self.session.refresh()
        self._units = self.session.conflicts()
        options = []
        for unit in self._units:
            record = self.session.record(unit)
            title = (record.title if record else None) or "(no title)"
            options.append(Option(shorten(title, TITLE_CHARS, placeholder=" …"), id=unit.key))
        self.conflict_list.set_options(options)
        stage = STAGE_NAMES[self.session.stage].lower()
        count = len(self._units)
        self.query_one("#conflicts-title", Static).update(
            f"{count} conflict{'' if count == 1 else 's'} · {stage}"
        )
        if self._units:
            self.conflict_list.highlighted = min(keep, len(self._units) - 1)
            self._show(self._units[self.conflict_list.highlighted or 0])
        else:
            self.record_view.show(None, empty=f"No conflicts at {stage}.{self._elsewhere()}")

    def _elsewhere(self) -> str:
        """' N at full text: g shows them.' when the other stage has conflicts:
        the screen opens at title/abstract, where a full-text conflict is not."""
        other = next(s for s in Stage if s is not self.session.stage)
        count = self.session.state.outcomes(other)[Outcome.CONFLICT]
        if not count:
            return ""
        return f" {count} at {STAGE_NAMES[other].lower()}: g shows them."

    @on(OptionList.OptionHighlighted, "#conflict-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < len(self._units):
            self._show(self._units[event.option_index])

    def _show(self, unit: Unit) -> None:
        record = self.session.record(unit)
        if record is None:
            return
        reasons = {r.id: r.label for r in self.session.stage_settings.reasons}
        self.record_view.show(
            ScreeningView(
                record=record,
                decisions=self.session.state.decisions(unit.key, self.session.stage),
                reviewer=self.session.reviewer,
                outcome="conflict",
                reason_labels=reasons,
                notes=[
                    (n.reviewer, n.text)
                    for n in self.session.store.screening.notes(unit.key, self.session.stage)
                ],
                reports=self.session.reports(unit),
                details=self.session.reading_fields(unit),
            )
        )

    def action_resolve(self, decision: DecisionValue) -> None:
        index = self.conflict_list.highlighted
        if index is None or not self._units:
            self.notify("No conflict to resolve", severity="warning")
            return
        unit = self._units[index]
        settings = self.session.stage_settings

        def with_note(reasons: list[str]) -> None:
            def save(note: str | None) -> None:
                if note is None:
                    return
                try:
                    self.session.resolve(unit, decision, reasons, note)
                except (ReviewError, KeyError) as exc:
                    self.notify(str(exc), severity="error")
                    return
                self.notify(f"Resolved as {decision}")
                self.load(keep=index)

            self.app.push_screen(
                TextPrompt(
                    f"Resolve as {decision}: note (optional)",
                    placeholder="e.g. consensus after discussion; third reviewer",
                ),
                save,
            )

        if decision == "exclude" and settings.reasons:

            def picked(reasons: list[str] | None) -> None:
                if reasons is not None:
                    with_note(reasons)

            self.app.push_screen(
                ReasonPicker(
                    settings.reasons,
                    required=settings.reason_required,
                    stage=STAGE_NAMES[self.session.stage].lower(),
                ),
                picked,
            )
        else:
            with_note([])

    def action_stage(self) -> None:
        def chosen(choice: str | None) -> None:
            if (stage := changed_stage(choice, self.session.stage)) is not None:
                self.session = self.session.for_stage(stage)
                self.load()

        self.app.push_screen(stage_picker(self.session.stage), chosen)
