"""The review App: holds the open review and switches between its screens."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from review.review_file import open_review, review_title
from review.store import Store
from review.tui.commands import ReviewCommands
from review.tui.discovery import review_files
from review.tui.screens.records import RecordsScreen
from review.tui.screens.start import StartScreen


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
    ]
    """
    | Key | Description |
    | :- | :- |
    | q | Quit (decisions are saved as they are made). |
    | ?, f1 | Show or hide the keys of the current screen. |
    | ctrl+p | The command palette: every screen and action by name. |
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        reviewer: str | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        """The open review; the app closes it when another is opened."""
        self.reviewer = reviewer
        self.folder = folder or Path.cwd()
        """Where the start screen looks for review files and builds the sample."""

    def on_mount(self) -> None:
        if self.store is None:
            self.push_screen(StartScreen(self.folder), self._review_chosen)
        else:
            self._set_titles(self.store)
            self.push_screen(RecordsScreen(self.store))

    # -- actions (the command palette runs these too) -----------------------

    async def action_records(self) -> None:
        await self._records_screen()

    async def action_search(self) -> None:
        if screen := await self._records_screen():
            screen.action_focus_search()

    async def action_sources(self) -> None:
        if screen := await self._records_screen():
            screen.action_toggle_sources()

    def action_start(self) -> None:
        if not isinstance(self.screen, StartScreen):
            start = StartScreen(self.folder, can_go_back=self.store is not None)
            self.push_screen(start, self._review_chosen)

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    # -- switching reviews --------------------------------------------------

    async def _review_chosen(self, store: Store | None) -> None:
        if store is None:
            return
        previous, self.store = self.store, store
        self._set_titles(store)
        if isinstance(self.screen, RecordsScreen):
            await self.switch_screen(RecordsScreen(store))
        else:
            await self.push_screen(RecordsScreen(store))
        if previous is not None and previous is not store:
            previous.close()

    async def _records_screen(self) -> RecordsScreen | None:
        """The records screen on top, leaving the start screen if it is there."""
        if isinstance(self.screen, StartScreen) and self.store is not None:
            await self.screen.dismiss(None)
        if isinstance(self.screen, RecordsScreen):
            return self.screen
        self.notify("Open a review first", severity="warning")
        return None

    def _set_titles(self, store: Store) -> None:
        self.title = review_title(store)
        parts = [f"{store.record_count():,} records"]
        if self.title != store.path.name:
            parts.insert(0, store.path.name)
        if self.reviewer:
            parts.append(self.reviewer)
        self.sub_title = " · ".join(parts)


def run(path: Path | None, *, reviewer: str | None) -> None:
    """Open `path`, or the one review file here, or the start screen.

    A `ReviewError` while opening `path` is raised before the app starts,
    so the caller prints it like any command-line error.
    """
    store = None
    if path is not None:
        store = open_review(path)
    elif len(found := review_files(Path.cwd())) == 1:
        store = open_review(found[0])
    app = ReviewApp(store, reviewer=reviewer)
    try:
        app.run()
    finally:
        if app.store is not None:
            app.store.close()
