"""The extraction form's outline: its pages and rows, keeping keys typed ahead.

Textual routes a key to the widget focused when the app dispatches it. Enter
on the outline moves the focus into a page that is mounted first, so keys
typed right after it (a burst, a fast typist) would reach the outline and be
lost. While the page opens the outline holds them; the screen releases them
once the focus is in the page, and they are dispatched again, in order.
"""

from __future__ import annotations

from textual import events
from textual.widgets import OptionList


class FormOutline(OptionList):
    """An OptionList that can hold the keys it receives while a page opens."""

    def __init__(self, *, hold_after: frozenset[str] = frozenset(), id: str | None = None) -> None:
        super().__init__(id=id)
        self._held: list[events.Key] | None = None
        self.hold_after = hold_after
        """Actions (bound on the screen) that open a dialog or a page: the keys
        after theirs are held until the screen has run them and releases."""

    @property
    def holding(self) -> bool:
        return self._held is not None

    def hold(self) -> None:
        """Keep the keys that arrive from now on (until `release`, or a moment:
        an action that never runs must not swallow the keys after it)."""
        if self._held is None:
            self._held = []
            self.set_timer(1.0, self.release)

    def release(self) -> None:
        """Dispatch the held keys again, now to whatever has the focus."""
        held, self._held = self._held or [], None
        for key in held:
            again = events.Key(key.key, key.character)
            again.set_sender(self.app)
            self.app.post_message(again)

    async def _on_key(self, event: events.Key) -> None:
        if self._held is not None:
            event.stop()  # neither typed nor bound: kept for the page
            event.prevent_default()
            self._held.append(event)
            return
        if event.key == "enter" and self.highlighted is not None and self.screen.is_active:
            # Hold from here, not from the screen's handler: the keys after
            # Enter are already queued to this widget. (Under a dialog opened by
            # an earlier key, Enter is the dialog's: it bubbles on to the app.)
            event.stop()
            event.prevent_default()
            self.hold()
            self.action_select()
            return
        active = self.app.active_bindings.get(event.key)
        if active is not None and active.enabled and active.binding.action in self.hold_after:
            self.hold()  # the key itself goes on to its binding
        await super()._on_key(event)
