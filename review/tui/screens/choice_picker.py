"""Choose one of a few named options (a filter, a stage) by key or arrows."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from review.tui.screens.type_ahead import TypeAheadScreen


class ChoicePicker(TypeAheadScreen[str | None]):
    """`choices` are (id, label, hot key); dismisses with the id, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
    ]

    def __init__(
        self, title: str, choices: list[tuple[str, str, str]], *, current: str = ""
    ) -> None:
        super().__init__()
        self.choice_title = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(
                Content.assemble(
                    (f"{key}  ", "bold"), label, " ●" if ident == self.current else ""
                ),
                id=ident,
            )
            for ident, label, key in self.choices
        ]
        with Vertical(id="choice-dialog"):
            yield Static(self.choice_title, id="choice-title", markup=False)
            yield OptionList(*options, id="choice-list")

    def type_ahead(self, event: Key) -> bool:
        """A choice's hot key picks it."""
        for ident, _, key in self.choices:
            if event.character and event.character == key:
                self.dismiss(ident)
                return True
        return False

    @on(OptionList.OptionSelected, "#choice-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
