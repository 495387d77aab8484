"""The screening screen: one record, single keys, every decision saved at once.

A thin view over `ScreeningSession`: each key calls one session method,
which commits before this screen shows the next record.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header

from review.errors import ReviewError
from review.models import DecisionValue, Stage
from review.screening.session import ScreeningSession
from review.screening.state import Filter, Outcome
from review.tui.screens.choice_picker import ChoicePicker
from review.tui.screens.info import InfoScreen
from review.tui.screens.reason_picker import ReasonPicker
from review.tui.screens.records import RecordsScreen
from review.tui.screens.screening_fulltext import FullTextKeys
from review.tui.screens.screening_priority import PriorityMixin
from review.tui.screens.stage_picker import STAGE_NAMES, changed_stage, stage_picker
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.criteria_panel import CriteriaPanel
from review.tui.widgets.key_footer import KeyFooter
from review.tui.widgets.priority_bar import PriorityBar
from review.tui.widgets.screening_progress import ScreeningProgress
from review.tui.widgets.screening_record import ScreeningRecord, ScreeningView
from review.wording import counted

FILTERS = [
    (Filter.QUEUE, "Your queue (undecided by you, still needed)", "q"),
    (Filter.UNDECIDED, "Not decided by you", "u"),
    (Filter.MINE, "Decided by you", "d"),
    (Filter.INCLUDED, "You included", "i"),
    (Filter.EXCLUDED, "You excluded", "e"),
    (Filter.MAYBE, "You marked maybe", "m"),
    (Filter.CONFLICTS, "Conflicts", "c"),
    (Filter.ALL, "Every record at this stage", "a"),
]
REFRESH_SECONDS = 5.0
"""How often decisions from another process (a second reviewer) are folded in."""
FULL_TEXT_ACTIONS = frozenset({"attach", "open_fulltext", "not_retrieved", "link_study"})


class ScreeningScreen(PriorityMixin, FullTextKeys):
    """Screen records of one stage as one reviewer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "decide('include')", "Include", id="screening.include"),
        Binding("e", "exclude", "Exclude", id="screening.exclude"),
        Binding("m", "decide('maybe')", "Maybe", id="screening.maybe"),
        Binding("s", "skip", "Skip", id="screening.skip"),
        Binding("u,ctrl+z", "undo", "Undo", id="screening.undo"),
        Binding("a", "attach", "Attach", id="screening.attach"),
        Binding("o", "open_fulltext", "Open", id="screening.open"),
        Binding("r", "not_retrieved", "Not retrieved", id="screening.not-retrieved"),
        Binding("l", "link_study", "Link", id="screening.link-study"),
        Binding(
            "left",
            "previous",
            "Previous record",
            show=False,
            priority=True,
            id="screening.previous",
        ),
        Binding("right", "next", "Next record", show=False, priority=True, id="screening.next"),
        Binding("n", "note", "Note", id="screening.note"),
        Binding("t", "label", "Label", show=False, id="screening.label"),
        Binding("c", "toggle_criteria", "Criteria", id="screening.criteria"),
        Binding("slash", "search", "Search", show=False, id="screening.search"),
        Binding("f", "filter", "Filter", id="screening.filter"),
        Binding("h", "history", "History", show=False, id="screening.history"),
        Binding("g", "stage", "Stage", show=False, id="screening.stage"),
        Binding("p", "toggle_prioritise", "Prioritise", show=False, id="screening.prioritise"),
        Binding("w", "stopping", "When to stop", show=False, id="screening.stopping"),
        Binding("escape", "back", "Back", show=False, id="screening.back"),
    ]
    """
    Keys not in the footer (← → t / h g) are listed by `?`.

    | Key | Description |
    | :- | :- |
    | i | Include. |
    | e | Exclude, then pick a reason (a number key). |
    | m | Maybe: counts as include for moving on. |
    | s | Skip for now; it comes back at the end of the queue. |
    | u, ctrl+z | Undo your last decision and go back to that record. |
    | ← → | Previous and next record. |
    | n | Add a note to this record. |
    | t | Add or remove a label (tag). |
    | c | Show or hide the eligibility criteria. |
    | / | Search titles, abstracts, authors. |
    | f | Filter: queue, yours, included, excluded, maybe, conflicts, labels, warnings. |
    | h | This record's decision history. |
    | g | Switch stage: title/abstract or full text. |
    | a o r l | Full text: attach a PDF or URL, open it, mark not retrieved, link to a study. |
    | p | Prioritise: most likely relevant first (title/abstract), or back to import order. |
    | w | When to stop: the stopping rule's figures; record that you stop here. |
    | escape | Back to the screen it was opened from (the home, or the records browser). |
    """

    record_view = getters.query_one("#screening-record", ScreeningRecord)
    progress = getters.query_one("#screening-progress", ScreeningProgress)
    criteria = getters.query_one("#criteria", CriteriaPanel)

    def __init__(self, session: ScreeningSession) -> None:
        super().__init__()
        self.session = session
        self._reason_labels: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield ScreeningProgress(id="screening-progress")
        yield PriorityBar(id="priority-bar")
        with Horizontal(id="screening-body"):
            yield ScreeningRecord.for_protocol(self.session.protocol, id="screening-record")
            yield CriteriaPanel(self.session.protocol, id="criteria")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.record_view.focus()
        self.priority_start()
        self.show_current()
        self.set_interval(REFRESH_SECONDS, self._refresh_from_others)
        if self.session.store.location_warning:
            self.notify(self.session.store.location_warning, severity="warning", timeout=15)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Full-text keys only at the full-text stage."""
        if action in FULL_TEXT_ACTIONS:
            return self.session.stage is Stage.FULL_TEXT
        return True

    def action_back(self) -> None:
        """Back to where screening was opened from; opened first, to the records."""
        if len(self.app.screen_stack) > 2:  # the app's blank default screen is first
            self.app.pop_screen()
        else:
            self.app.switch_screen(RecordsScreen(self.session.store))

    # -- showing ------------------------------------------------------------

    def show_current(self) -> None:
        """Render the unit under the cursor and the counts; the one redraw path."""
        session = self.session
        self._reason_labels = {r.id: r.label for r in session.stage_settings.reasons}
        self.progress.show(
            session.counts,
            stage=STAGE_NAMES[session.stage],
            view=self._view_name(),
            maybe_note="maybe counts as include",
        )
        self.priority_tick()
        unit = session.current
        if unit is None:
            self.record_view.show(None, empty=self._empty_message())
            return
        record = session.record(unit)
        assert record is not None
        full_text = session.stage is Stage.FULL_TEXT
        self.record_view.show(
            ScreeningView(
                record=record,
                decisions=session.visible_decisions(unit),
                reviewer=session.reviewer,
                outcome=str(session.outcome(unit) or ""),
                reason_labels=self._reason_labels,
                labels=session.labels_of(unit),
                notes=[(n.reviewer, n.text) for n in session.notes(unit)],
                reports=session.reports(unit),
                details=session.reading_fields(unit),
                fulltext=session.fulltext_summary(unit) if full_text else None,
                study=session.study_of(unit) if full_text else None,
            )
        )

    def _view_name(self) -> str:
        parts = [self.session.view.value]
        if self.session.search:
            parts.append(f"search “{self.session.search}”")
        if self.session.label:
            parts.append(f"label {self.session.label}")
        if self.session.with_warnings:
            parts.append("with warnings")
        return " · ".join(parts)

    def _empty_message(self) -> str:
        session = self.session
        stage = STAGE_NAMES[session.stage].lower()
        if session.view is Filter.QUEUE and not (session.search or session.label):
            if not session.counts.eligible:  # nothing reached this stage: "decided" misleads
                if session.stage is Stage.TITLE_ABSTRACT:
                    return "No records to screen yet: import search results first (home: i)."
                return (
                    "No record has reached full text yet: those included or marked maybe at "
                    "title/abstract come here.\nPress g to go back to title/abstract screening."
                )
            text = f"Your {stage} queue is empty: every record you can screen here is decided."
            conflicts = session.counts.conflicts
            if conflicts:
                text += (
                    f"\n{counted(conflicts, 'conflict')} wait{'s' if conflicts == 1 else ''} for "
                    "resolution (command palette: Conflicts)."
                )
            if session.stage is Stage.TITLE_ABSTRACT:
                text += "\nPress g to go on to full-text screening."
            return text
        return f"Nothing matches this view ({self._view_name()}). Press f to change it."

    # -- deciding -----------------------------------------------------------

    def action_decide(self, decision: DecisionValue, reasons: list[str] | None = None) -> None:
        if self.session.current is None:
            self.notify("Nothing to decide here", severity="warning")
            return
        try:
            self.session.decide(decision, reasons or [])
        except (ReviewError, KeyError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.show_current()

    def action_exclude(self) -> None:
        settings = self.session.stage_settings
        if self.session.current is None:
            self.notify("Nothing to decide here", severity="warning")
            return
        if not settings.reasons:
            self.action_decide("exclude")
            return

        def chosen(reasons: list[str] | None) -> None:
            if reasons is not None:
                self.action_decide("exclude", reasons)

        self.app.push_screen(
            ReasonPicker(
                settings.reasons,
                required=settings.reason_required,
                stage=STAGE_NAMES[self.session.stage].lower(),
            ),
            chosen,
        )

    def action_undo(self) -> None:
        try:
            undone = self.session.undo()
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        if undone is None:
            self.notify("Nothing of yours to undo at this stage")
        self.show_current()

    def action_skip(self) -> None:
        self.session.skip()
        self.show_current()

    def action_next(self) -> None:
        self.session.next()
        self.show_current()

    def action_previous(self) -> None:
        self.session.previous()
        self.show_current()

    # -- notes, labels, criteria --------------------------------------------

    def action_note(self) -> None:
        if self.session.current is None:
            return

        def save(text: str | None) -> None:
            if text:
                self._guard(lambda: self.session.add_note(text))
                self.show_current()

        self.app.push_screen(TextPrompt("Note on this record", placeholder="Your note"), save)

    def action_label(self) -> None:
        if self.session.current is None:
            return
        known = self.session.all_labels()

        def save(label: str | None) -> None:
            if label:
                self._guard(lambda: self.priority_label(label, self.session.toggle_label(label)))
                self.show_current()

        hint = "Known labels: " + ", ".join(known) if known else "e.g. calibration, ask-team"
        self.app.push_screen(
            TextPrompt("Label to add or remove", placeholder="label", help=hint), save
        )

    def action_toggle_criteria(self) -> None:
        self.criteria.display = not self.criteria.display

    # -- finding ------------------------------------------------------------

    def action_search(self) -> None:
        def search(text: str | None) -> None:
            if text is not None:
                self.session.set_view(search=text)
                self.show_current()

        self.app.push_screen(
            TextPrompt(
                "Search titles, abstracts, authors",
                value=self.session.search,
                help="Enter searches · an empty search clears it · Esc cancels",
            ),
            search,
        )

    def action_filter(self) -> None:
        choices = [(view.value, label, key) for view, label, key in FILTERS]
        choices.append(("warnings", "Toggle: only records with import warnings", "w"))
        choices.append(("label", "Only records with a label…", "l"))
        choices.append(("clear", "Clear search, label and warnings filters", "x"))

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.action_view(choice)

        self.app.push_screen(ChoicePicker("Show", choices, current=self.session.view.value), chosen)

    def action_view(self, choice: str) -> None:
        """A filter by name: a `Filter` value, `warnings` (toggle), `label`, `clear`."""
        if choice == "warnings":
            self.session.set_view(with_warnings=not self.session.with_warnings)
        elif choice == "clear":
            self.session.set_view(search="", label="", with_warnings=False)
        elif choice == "label":
            self._ask_label_filter()
            return
        else:
            self.session.set_view(Filter(choice))
        self.show_current()

    def _ask_label_filter(self) -> None:
        known = self.session.all_labels()

        def chosen(label: str | None) -> None:
            if label is not None:
                self.session.set_view(label=label)
                self.show_current()

        hint = "Labels: " + ", ".join(known) if known else "No labels yet"
        self.app.push_screen(TextPrompt("Only records with label", help=hint), chosen)

    def action_history(self) -> None:
        unit = self.session.current
        if unit is None:
            return
        grid = Table(box=None, padding=(0, 1), header_style="bold")
        for column in ("When (UTC)", "Who", "What", "Decision", "Reasons", "Note"):
            grid.add_column(column)
        for event in self.session.history(unit):
            grid.add_row(
                event.created_at[:19].replace("T", " "),
                Text(event.reviewer),
                event.kind,
                event.decision or "",
                Text(", ".join(event.reasons)),
                Text(event.note or ""),
            )
        if not grid.rows:
            grid.add_row("", "", "no decisions yet", "", "", "")
        self.app.push_screen(InfoScreen("Decision history (visible to you)", grid))

    def action_stage(self) -> None:
        def chosen(choice: str | None) -> None:
            if (stage := changed_stage(choice, self.session.stage)) is None:
                return
            try:
                self.session = self.session.for_stage(stage)
            except ReviewError as exc:
                self.notify(str(exc), severity="error")
                return
            self.refresh_bindings()
            self.show_current()

        self.app.push_screen(stage_picker(self.session.stage), chosen)

    # -- helpers ------------------------------------------------------------

    def _refresh_from_others(self) -> None:
        try:
            changed = self.session.refresh()
        except ReviewError:
            return
        if changed:
            unit = self.session.current
            if unit is not None and self.session.outcome(unit) is Outcome.CONFLICT:
                self.notify("This record is now a conflict", severity="warning")
            self.show_current()
