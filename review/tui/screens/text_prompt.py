"""Ask for one line of text: a note, a label, a file path, a name."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.widgets import Input, Static

from review.tui.screens.type_ahead import TypeAheadScreen


class PromptInput(Input):
    """The prompt's line: Enter closes the prompt as the key is read, so the
    keys typed after it (already on their way here) are passed on, not typed in."""

    async def _on_key(self, event: Key) -> None:
        screen = self.screen
        if isinstance(screen, TextPrompt):
            if screen.pass_on(event):
                return
            if event.key == "enter":
                event.stop()
                event.prevent_default()
                screen.dismiss(self.value.strip())
                return
        await super()._on_key(event)


class TextPrompt(TypeAheadScreen[str | None]):
    """Dismisses with the text typed (stripped, maybe empty), or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(
        self, title: str, *, placeholder: str = "", value: str = "", help: str = ""
    ) -> None:
        super().__init__()
        self.prompt_title = title
        self.placeholder = placeholder
        self.value = value
        self.help = help

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog"):
            yield Static(self.prompt_title, id="prompt-title", markup=False)
            yield PromptInput(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(self.help or "Enter saves · Esc cancels", id="prompt-help", markup=False)

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)

    _typed_ahead = False
    """Whether a key typed ahead has already changed the text."""

    def type_ahead(self, event: Key) -> bool:
        """Text typed before the input had focus goes into it; Enter saves.

        The first key replaces a text the prompt opened with, as it does once
        the input has the focus (it selects all on focus): a fast typist's
        support note or row name must come out as a slow one's, not appended.
        """
        field = self.query(Input).first() if self.query(Input) else None
        text = field.value if field is not None else self.value
        if event.key == "enter":
            self.dismiss(text.strip())
            return True
        if event.key != "backspace" and not (event.is_printable and event.character):
            return False
        if not self._typed_ahead:
            text = ""
            self._typed_ahead = True
        if event.key == "backspace":
            text = text[:-1]
        else:
            text += event.character or ""
        if field is not None:
            field.select_on_focus = False  # the focus must not select what was typed
            field.value = text
            field.cursor_position = len(text)
        else:
            self.value = text
        return True
