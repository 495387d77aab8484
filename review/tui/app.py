"""The review App: holds the open review and switches between its screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input

from review.config import Settings
from review.errors import ReviewError
from review.models import Stage
from review.review_file import review_protocol, review_title
from review.store import Store
from review.tui.commands import COMMANDS, ReviewCommands
from review.tui.keymap import apply_keymap
from review.tui.screens.home import HomeScreen
from review.tui.screens.start import StartScreen
from review.tui.screens.type_ahead import TypeAheadScreen
from review.tui.terminal_watch import watch_terminal
from review.tui.widgets.keys_panel import KeysPanel, hide_keys, show_keys
from review.wording import counted

if (
    TYPE_CHECKING
):  # the screens below are imported when first opened: start-up pays only for the home
    from review.screening.session import ScreeningSession
    from review.tui.screens.records import RecordsScreen
    from review.tui.screens.reviewer_prompt import ReviewerNamed

EXTRACTION_LIST = "list"
"""`extraction=` value opening the list of included studies rather than one form."""


class ReviewApp(App[None]):
    """One review at a time; the start screen when none is open yet."""

    CSS_PATH = "review.tcss"
    TITLE = "review"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "toggle_help", "Keys", key_display="?", id="app.help"),
        Binding(
            "ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.palette"
        ),
        Binding("escape", "back", "Back", show=False, id="app.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | q | Quit (decisions are saved as they are made). |
    | ?, f1 | Show or hide the keys of the current screen. |
    | ctrl+p | The command palette: every screen and action by name. |
    | escape | Back (to the home screen), where the screen has no use for it. |
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        reviewer: str | None = None,
        folder: Path | None = None,
        settings: Settings | None = None,
        screening: Stage | Literal["next"] | None = None,
        extraction: str | None = None,
        action: str | None = None,
    ) -> None:
        super().__init__()
        self._open_action = action
        """An app action to run once the review is open (`review rob open`)."""
        self.store = store
        """The open review; the app closes it when another is opened."""
        self.reviewer = reviewer
        self.folder = folder or Path.cwd()
        """Where the start screen looks for review files and builds the sample."""
        self.settings = settings or Settings()
        self._open_screening = screening
        """Open the screening screen right away (`review screen`): at this stage,
        or `next`, where the reviewer has records to screen."""
        self._open_extraction = extraction
        """Open extraction right away (`review extract`): `list`, or a study key."""

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette entries, less those `ReviewCommands` names with
        this app's words (Keys, Quit): one entry each in the palette."""
        ours = {command.name for command in COMMANDS}
        for command in super().get_system_commands(screen):
            if command.title not in ours:
                yield command

    def format_title(self, title: str, sub_title: str) -> Content:
        """Who and which file first, then the review's title: a long title is
        what the header's ellipsis cuts, never the reviewer's name."""
        if not sub_title:
            return Content(title)
        return Content.assemble((sub_title, "bold"), (" — ", "dim"), Content(title).stylize("dim"))

    def on_key(self, event: events.Key) -> None:
        """A key no binding took, typed ahead of the dialog now on top, goes to it
        (see `review.tui.screens.type_ahead`); so does a character typed ahead
        of a search box (`/` then the words): it reached the table focused when
        it arrived, and a focused Input never lets a character of its own go."""
        if isinstance(self.screen, TypeAheadScreen) and self.screen.type_ahead(event):
            # Textual runs this before App's own key handler: keep that one from
            # reading the same key again against the screen the dialog uncovers.
            event.prevent_default()
            event.stop()
        elif isinstance(self.focused, Input) and event.is_printable and event.character:
            self.focused.insert_text_at_cursor(event.character)
            event.prevent_default()  # nor is it a key of the screen (`s`, `m`, `x`)
            event.stop()

    def on_mount(self) -> None:
        watch_terminal(self)
        apply_keymap(self, self.settings)
        if self.store is None:
            self.push_screen(StartScreen(self.folder), self._review_chosen)
            return
        self._set_titles(self.store)
        # The home is the base of every review: Esc from a screen opened
        # straight away (`review screen`, `review extract`) comes back to it.
        self.push_screen(HomeScreen(self.store))
        self._say_removed_imports(self.store)
        if self._open_screening is not None:
            # Straight to screening: the records table is built only when asked for.
            self.open_screening(None if self._open_screening == "next" else self._open_screening)
        elif self._open_extraction is not None:
            study = self._open_extraction
            self.open_extraction(None if study == EXTRACTION_LIST else study)
        if self._open_action:
            self.call_later(self.run_action, self._open_action)

    def _say_removed_imports(self, store: Store) -> None:
        """Once, what opening the file cleaned up (an import killed half-way)."""
        for line in store.removed_imports:
            self.notify(line[:1].upper() + line[1:], severity="warning", timeout=15)
        store.removed_imports = []

    # -- actions (the command palette runs these too) -----------------------

    async def action_records(self) -> None:
        await self._records_screen()

    async def action_search(self) -> None:
        if screen := await self._records_screen():
            screen.action_focus_search()

    async def action_sources(self) -> None:
        if screen := await self._records_screen():
            screen.action_toggle_sources()

    def action_screening(self, stage: str | None = None) -> None:
        """Screening as the app's reviewer: at `stage` (`title_abstract`,
        `full_text`), or where they have records to screen."""
        self.open_screening(Stage(stage) if stage else None)

    async def action_home(self) -> None:
        """Back to the home screen, closing every screen above it."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            await self.pop_screen()
        if not isinstance(self.screen, HomeScreen) and self.store is not None:
            await self.push_screen(HomeScreen(self.store))

    async def action_back(self) -> None:
        """Esc on a screen that does not use it goes back one screen, but
        never past the home (or the start screen)."""
        if len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen | StartScreen):
            await self.pop_screen()

    def refresh_titles(self) -> None:
        """The header again, after an import changed the counts."""
        if self.store is not None:
            self._set_titles(self.store)

    def action_conflicts(self) -> None:
        from review.tui.screens.conflicts import ConflictsScreen

        if (session := self._session(Stage.TITLE_ABSTRACT)) is not None:
            self.push_screen(ConflictsScreen(session))

    def action_agreement(self) -> None:
        from review.screening.units import load_state
        from review.tui.screens.info import InfoScreen
        from review.tui.widgets.agreement_table import AGREEMENT_NOTE, agreement_table

        if self.store is None:
            self.notify("Open a review first", severity="warning")
            return
        try:
            state = load_state(self.store, review_protocol(self.store))
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        pairs = [pair for stage in Stage for pair in state.agreement(stage)]
        body = Group(agreement_table(pairs), Text(""), Text(AGREEMENT_NOTE, style="dim"))
        self.push_screen(InfoScreen("Agreement between reviewers", body))

    def open_screening(self, stage: Stage | None) -> None:
        """The screening screen for the app's reviewer, asking their name if unknown;
        `None` opens the stage where they have records to screen."""
        from review.tui.screens.screening import ScreeningScreen

        if self.reviewer is None:
            self._ask_reviewer("Who is screening?", lambda: self.open_screening(stage))
            return
        if (session := self._session(stage)) is not None:
            self.push_screen(ScreeningScreen(session))

    def action_extraction(self) -> None:
        self.open_extraction(None)

    def open_extraction(self, study_key: str | None) -> None:
        """The included studies for the app's reviewer (asking their name if
        unknown), and the form of `study_key` over them when given."""
        from review.extraction.session import ExtractionSession
        from review.tui.screens.extraction_list import ExtractionListScreen, form_screen

        if self.reviewer is None:
            self._ask_reviewer("Who is extracting?", lambda: self.open_extraction(study_key))
            return
        if self.store is None:
            self.notify("Open a review first", severity="warning")
            return
        try:
            studies = ExtractionListScreen(self.store, review_protocol(self.store), self.reviewer)
            self.push_screen(studies)
            if study_key is not None:
                session = ExtractionSession(self.store, studies.protocol, self.reviewer, study_key)
                self.push_screen(form_screen(session, None))
        except ReviewError as exc:
            self.notify(str(exc), severity="error")

    def _ask_reviewer(self, question: str, then: Callable[[], None]) -> None:
        from review.tui.screens.reviewer_prompt import reviewer_prompt

        def named(name: str | None) -> None:
            if name:
                self._reviewer_named(name)
                then()

        self.push_screen(reviewer_prompt(question), named)

    def on_reviewer_named(self, message: ReviewerNamed) -> None:
        """A screen asked the name itself (duplicates): every later screen uses it."""
        self._reviewer_named(message.name)

    def _reviewer_named(self, name: str) -> None:
        self.reviewer = name
        if self.store is not None:
            self._set_titles(self.store)

    def _session(self, stage: Stage | None) -> ScreeningSession | None:
        from review.screening.session import ScreeningSession, next_work

        if self.store is None:
            self.notify("Open a review first", severity="warning")
            return None
        try:
            protocol = review_protocol(self.store)
            if stage is None:
                return next_work(self.store, protocol, self.reviewer or "")
            return ScreeningSession(self.store, protocol, self.reviewer or "", stage)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return None

    def action_risk_of_bias(self, summary: bool = False) -> None:
        """The risk-of-bias list (or its summary) for the app's reviewer."""
        from review.tui.screens.rob_list import RobListScreen
        from review.tui.screens.rob_summary import RobSummaryScreen

        if self.store is None:
            self.notify("Open a review first", severity="warning")
        elif summary:
            self.push_screen(RobSummaryScreen(self.store))
        elif self.reviewer is None:
            self._ask_reviewer("Who is assessing?", self.action_risk_of_bias)
        else:
            self.push_screen(RobListScreen(self.store, self.reviewer))

    def action_prisma(self) -> None:
        """The PRISMA 2020 flow diagram of the open review."""
        from review.tui.screens.prisma import PrismaScreen

        if self.store is None:
            self.notify("Open a review first", severity="warning")
        elif not isinstance(self.screen, PrismaScreen):
            self.push_screen(PrismaScreen(self.store))

    def action_export(self) -> None:
        """The export screen: `review export`'s choices, run in a worker."""
        from review.tui.screens.export import ExportScreen

        if self.store is None:
            self.notify("Open a review first", severity="warning")
        elif not isinstance(self.screen, ExportScreen):
            self.push_screen(ExportScreen(self.store))

    async def action_duplicates(self) -> None:
        from review.tui.screens.duplicates import DuplicatesScreen

        if self.store is None:
            self.notify("Open a review first", severity="warning")
            return
        if not isinstance(self.screen, DuplicatesScreen):
            await self.push_screen(DuplicatesScreen(self.store, self.reviewer))

    def action_more(self) -> None:
        """Every command with no screen of its own, by hot key; each opens its dialog."""
        from review.tui.screens.choice_picker import ChoicePicker
        from review.tui.tasks import TASKS

        def chosen(task_id: str | None) -> None:
            if task_id:
                self.action_task(task_id)

        choices = [(t.id, f"{t.title}  (review {t.command})", t.key) for t in TASKS]
        self.push_screen(ChoicePicker("More commands (key or Enter)", choices), chosen)

    def action_task(self, task_id: str) -> None:
        """The dialog of a command with no screen of its own (`review.tui.tasks`),
        asking the reviewer's name first when the command records one."""
        from review.tui.screens.task_dialog import TaskDialog
        from review.tui.tasks import BY_ID

        task = BY_ID[task_id]
        if self.store is None:
            self.notify("Open a review first", severity="warning")
        elif task.needs_reviewer and self.reviewer is None:
            self._ask_reviewer("Who is this recorded under?", lambda: self.action_task(task_id))
        else:
            self.push_screen(TaskDialog(task, self.store.path, self.reviewer, self.folder))

    def action_start(self) -> None:
        if not isinstance(self.screen, StartScreen):
            start = StartScreen(self.folder, can_go_back=self.store is not None)
            self.push_screen(start, self._review_chosen)

    def action_toggle_help(self) -> None:
        (hide_keys if self.screen.query(KeysPanel) else show_keys)(self.screen)

    def action_show_help_panel(self) -> None:  # also Textual's own "Keys" entries
        show_keys(self.screen)

    def action_hide_help_panel(self) -> None:
        hide_keys(self.screen)

    # -- switching reviews --------------------------------------------------

    async def _review_chosen(self, store: Store | None) -> None:
        if store is None:
            return
        previous, self.store = self.store, store
        self._set_titles(store)
        # Screens of the previous review hold its closed store: leave them all.
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(HomeScreen(store))
        self._say_removed_imports(store)
        if previous is not None and previous is not store:
            previous.close()

    async def _records_screen(self) -> RecordsScreen | None:
        """The records screen on top, leaving the start screen if it is there."""
        from review.tui.screens.records import RecordsScreen

        if isinstance(self.screen, StartScreen) and self.store is not None:
            await self.screen.dismiss(None)
        if isinstance(self.screen, RecordsScreen):
            return self.screen
        if self.store is None:
            self.notify("Open a review first", severity="warning")
            return None
        records = RecordsScreen(self.store)
        await self.push_screen(records)
        return records

    def _set_titles(self, store: Store) -> None:
        """`ann · rt-io.db · 180 records imported`: records as imported, where
        screening counts what is screened (duplicates and shared ids once)."""
        self.title = review_title(store)
        if self.reviewer:  # `alice` works as the review's `Alice`, told once
            self.reviewer, note = store.reviewers.resolve(self.reviewer, "Working")
            if note:
                self.notify(note, timeout=8)
        parts = [f"{counted(store.records.record_count(), 'record')} imported"]
        if self.title != store.path.name:
            parts.insert(0, store.path.name)
        if self.reviewer:
            parts.insert(0, self.reviewer)
        self.sub_title = " · ".join(parts)
