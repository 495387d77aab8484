"""The form's choice editors, applying keys typed ahead in the order typed.

Textual's `Select` and `SelectionList` act on keys through bindings, which the
app checks when the key has come back round to it, against whatever has the
focus *then*; `Select` also moves the focus into its list later (a deferred
`focus()`). The form's Tab moves the focus at once (a priority binding, so
the text typed after it reaches the next field). In a burst (`enter down down
enter tab`, `space down space tab`) the picks therefore came round after the
Tab and were lost, or applied to the next field. These editors apply each key
as it reaches them, so the order typed is the order applied, however fast.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events, on
from textual.widgets import Select, SelectionList
from textual.widgets._select import SelectOverlay


class FormSelect(Select[str]):
    """`Select` whose list follows the keys the select itself receives."""

    _query = ""
    """What was typed since the list opened: jumps to the first option holding it."""

    @property
    def _list(self) -> SelectOverlay:
        return self.query_one(SelectOverlay)

    def _watch_expanded(self, expanded: bool) -> None:
        """As `Select` does, but the focus stays here (no deferred focus to race)."""
        self.set_class(expanded, "-expanded")
        self._query = ""
        if not expanded:
            return
        options = self._list
        if self.value is self.NULL:
            options.select(None)
        else:
            values = [value for _, value in self._options]
            options.select(values.index(self.value) if self.value in values else None)

    async def _on_key(self, event: events.Key) -> None:
        options = self._list
        if not self.expanded:
            if event.key in ("enter", "down", "up", "space"):
                self._stop(event)
                self.action_show_overlay()
                return
            await super()._on_key(event)
            return
        moves: dict[str, Callable[[], None]] = {
            "down": options.action_cursor_down,
            "up": options.action_cursor_up,
            "home": options.action_first,
            "end": options.action_last,
            "pagedown": options.action_page_down,
            "pageup": options.action_page_up,
            "enter": options.action_select,
            "escape": self._close,
        }
        if event.key in moves:
            self._stop(event)
            moves[event.key]()
        elif event.character is None or not event.is_printable:
            await super()._on_key(event)
        else:
            self._stop(event)
            self._query += event.character
            for index, option in enumerate(options.options):
                prompt = option.prompt
                text = prompt.plain if isinstance(prompt, Text) else str(prompt)
                if self._query.casefold() in text.casefold():
                    options.select(index)
                    break

    @staticmethod
    def _stop(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def _close(self) -> None:
        self.expanded = False

    def on_blur(self, event: events.Blur) -> None:
        if self.screen.focused is not self._list:  # a click in the list is not leaving
            self.expanded = False

    @on(SelectOverlay.UpdateSelection)
    def _picked(self, event: SelectOverlay.UpdateSelection) -> None:
        """Take the option without `Select`'s deferred refocus, which pulled the
        focus back from the field a Tab typed after the pick had moved on to."""
        event.stop()
        event.prevent_default()
        value = self._options[event.option_index][1]
        if value != self.value:
            self.value = value
        refocus = self.screen.focused is self._list  # picked with the mouse
        self.expanded = False
        if refocus:
            self.focus()


class FormChoices(SelectionList[str]):
    """`SelectionList` that moves and ticks as each key reaches it."""

    async def _on_key(self, event: events.Key) -> None:
        acts: dict[str, Callable[[], None]] = {
            "down": self.action_cursor_down,
            "up": self.action_cursor_up,
            "home": self.action_first,
            "end": self.action_last,
            "pagedown": self.action_page_down,
            "pageup": self.action_page_up,
            "space": self._tick,
            "enter": self._tick,
        }
        if event.key in acts:
            event.stop()
            event.prevent_default()
            acts[event.key]()
            return
        await super()._on_key(event)

    def _tick(self) -> None:
        """Toggle the highlighted option now (`action_select` toggles whichever is
        highlighted when its message comes round, after the moves typed next)."""
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))
