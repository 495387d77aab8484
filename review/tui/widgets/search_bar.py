"""The search bar: the query input and how many records match it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from review.wording import counted


class SearchBar(Horizontal):
    """An input for full-text search beside the count of matching records.

    The input posts `Input.Changed` on every keystroke; the screen decides
    when to search (debounced, in a worker).
    """

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search titles, abstracts, authors, keywords  ( / )", id="search")
        yield Label(id="match-count")

    def show_count(self, matching: int, total: int, *, searching: bool = False) -> None:
        label = self.query_one("#match-count", Label)
        if searching:
            label.update("searching…")
        elif matching == total:
            label.update(f"{counted(total, 'record')}")
        else:
            label.update(f"{matching:,} of {total:,} match")
