"""Pick the exclusion reason: a number key, or arrows and Enter."""

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

from review.protocol.models import Reason
from review.tui.screens.type_ahead import TypeAheadScreen

NO_REASON = "-"


class ReasonPicker(TypeAheadScreen[list[str] | None]):
    """The stage's reasons in protocol order; dismisses with the chosen ids
    (empty when a reason is optional and none is chosen), or None to cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reasons.cancel"),
    ]

    def __init__(self, reasons: list[Reason], *, required: bool, stage: str) -> None:
        super().__init__()
        self.reasons = reasons
        self.required = required
        self.stage = stage

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        if not self.required:
            options.append(Option(Content.styled("0  No reason", "italic"), id=NO_REASON))
        for number, reason in enumerate(self.reasons, start=1):
            key = str(number) if number < 10 else " "
            text = Content.assemble((f"{key}  ", "bold"), reason.label)
            if reason.help:
                text = Content.assemble(text, ("\n   " + reason.help, "$text-muted"))
            options.append(Option(text, id=reason.id))
        need = "required" if self.required else "optional"
        with Vertical(id="reason-dialog"):
            yield Static(
                Content.assemble(
                    ("Exclude", "bold $text-error"), f" — reason ({need}, {self.stage})"
                ),
                id="reason-title",
            )
            yield OptionList(*options, id="reason-list")
            yield Static("Number or ↑↓ Enter to choose · Esc cancels", id="reason-help")

    def type_ahead(self, event: Key) -> bool:
        """A number picks its reason (0: none, when a reason is optional)."""
        if event.character and event.character.isdigit():
            number = int(event.character)
            if number == 0 and not self.required:
                self.dismiss([])
                return True
            if 1 <= number <= min(len(self.reasons), 9):
                self.dismiss([self.reasons[number - 1].id])
                return True
        return False

    @on(OptionList.OptionSelected, "#reason-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.dismiss([] if chosen == NO_REASON or chosen is None else [chosen])

    def action_cancel(self) -> None:
        self.dismiss(None)
