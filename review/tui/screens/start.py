"""The start screen: open the sample, create a review or open a file."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from review.errors import ReviewError
from review.review_file import create_review, open_review
from review.sample import SAMPLE_NAME, open_or_build_sample
from review.store import Store
from review.tui.discovery import review_files
from review.tui.widgets.key_footer import KeyFooter


class StartScreen(Screen[Store | None]):
    """Where a review is chosen; dismissed with the opened store, or None to go back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,ctrl+s", "open_sample", "Sample review", id="start.sample"),
        Binding("n,ctrl+n", "focus_create", "New review", id="start.new"),
        Binding("o,ctrl+o", "focus_open", "Open file", id="start.open"),
        Binding("escape", "back", "Back", id="start.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | s, ctrl+s | Open the sample review (built on first use). |
    | n, ctrl+n | Go to the new-review form (the ctrl keys work while typing). |
    | o, ctrl+o | Go to the open-a-file form. |
    | escape | Back to the open review, if there is one. |
    """

    def __init__(self, folder: Path, *, can_go_back: bool = False) -> None:
        super().__init__()
        self.folder = folder
        self.can_go_back = can_go_back
        self.found = review_files(folder)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="start"):
            yield Static(
                "Open a review to begin. Everything is saved as you go, in one file per review.",
                id="start-intro",
            )
            with Vertical(id="sample-section", classes="start-section"):
                yield Label("Sample review", classes="start-heading")
                yield Static(
                    "Five real, messy records about radiotherapy with immunotherapy in head "
                    f"and neck cancer, under the sample protocol; saved as {SAMPLE_NAME} here.",
                    classes="start-help",
                )
                yield Button("Open the sample review", id="open-sample", variant="primary")
            if self.found:
                with Vertical(id="found-section", classes="start-section"):
                    yield Label("Review files in this folder", classes="start-heading")
                    yield OptionList(
                        *(Option(path.name, id=str(path)) for path in self.found), id="found"
                    )
            with Vertical(id="create-section", classes="start-section"):
                yield Label("New review", classes="start-heading")
                with Horizontal(classes="start-field"):
                    yield Label("File", classes="start-label")
                    yield Input(placeholder="my-review.db", id="new-file")
                with Horizontal(classes="start-field"):
                    yield Label("Protocol", classes="start-label")
                    yield Input(placeholder="protocols/my-protocol.yaml", id="new-protocol")
                yield Button("Create", id="create")
            with Vertical(id="open-section", classes="start-section"):
                yield Label("Open a file", classes="start-heading")
                with Horizontal(classes="start-field"):
                    yield Label("File", classes="start-label")
                    yield Input(placeholder="path/to/review.db", id="open-path")
                yield Button("Open", id="open-file")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        self.query_one("#found" if self.found else "#open-sample").focus()

    # -- actions ------------------------------------------------------------

    def action_open_sample(self) -> None:
        path = self.folder / SAMPLE_NAME
        if not path.exists():
            self.notify(f"Building the sample review in {path} …")
        self._build_sample(path)

    def action_focus_create(self) -> None:
        self.query_one("#new-file", Input).focus()

    def action_focus_open(self) -> None:
        self.query_one("#open-path", Input).focus()

    def action_back(self) -> None:
        if self.can_go_back:
            self.dismiss(None)

    @on(Button.Pressed, "#open-sample")
    def _sample_pressed(self) -> None:
        self.action_open_sample()

    @on(OptionList.OptionSelected, "#found")
    def _found_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._open(Path(event.option.id))

    @on(Input.Submitted, "#new-file")
    def _file_named(self) -> None:
        self.query_one("#new-protocol", Input).focus()

    @on(Input.Submitted, "#new-protocol")
    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        name = self.query_one("#new-file", Input).value.strip()
        protocol = self.query_one("#new-protocol", Input).value.strip()
        if not name or not protocol:
            self.notify("Name the new review file and its protocol file", severity="warning")
            self.query_one("#new-protocol" if name else "#new-file", Input).focus()
            return
        path = self._resolve(name)
        if not path.suffix:
            path = path.with_suffix(".db")
        try:
            store = create_review(path, self._resolve(protocol))
        except ReviewError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self.dismiss(store)

    @on(Input.Submitted, "#open-path")
    @on(Button.Pressed, "#open-file")
    def _open_pressed(self) -> None:
        name = self.query_one("#open-path", Input).value.strip()
        if not name:
            self.notify("Type the path of a review file", severity="warning")
            self.query_one("#open-path", Input).focus()
            return
        self._open(self._resolve(name))

    # -- helpers ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sample")
    def _build_sample(self, path: Path) -> None:
        """Build off the event loop (parsing the seeds), then open on it.

        The store is closed in this thread because a SQLite connection
        cannot move between threads; the screen opens its own.
        """
        try:
            open_or_build_sample(path).close()
        except ReviewError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=15)
            return
        self.app.call_from_thread(self._open, path)

    def _open(self, path: Path) -> None:
        try:
            store = open_review(path)
        except ReviewError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self.dismiss(store)

    def _resolve(self, text: str) -> Path:
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.folder / path
