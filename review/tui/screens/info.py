"""A read-only panel over the current screen: a record's history, agreement."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class InfoScreen(ModalScreen[None]):
    """Shows `body` under `title`; Esc or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="info.close"),
    ]

    def __init__(self, title: str, body: RenderableType | Content) -> None:
        super().__init__()
        self.info_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="info-dialog") as dialog:
            dialog.border_title = self.info_title
            yield Static(self.body, id="info-body")
            yield Static("Esc closes", id="info-help")

    def action_close(self) -> None:
        self.dismiss(None)
