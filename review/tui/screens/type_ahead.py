"""Keys typed ahead of a dialog reach it, in order; keys typed past it reach
the screen it uncovers.

A key that opens a dialog (`e` for the reason picker, `n` for a note) and
the keys typed right after it travel together: Textual hands them all to
the screen that was focused when they arrived, before the dialog exists.
They bubble up to the app unhandled, and the app gives them to the dialog
now on top (`ReviewApp.on_key`), so a fast reviewer's `e` `5` records the
exclusion with reason 5 instead of leaving the picker open.

The other way round, keys typed after the one that closes a dialog (a row's
name, Enter, then Enter Tab into the row's fields) are handed to the dialog
too, before it is gone: a dialog that closes passes them on (`pass_on`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.events import Key
from textual.screen import ModalScreen

T = TypeVar("T")


class TypeAheadScreen(ModalScreen[T]):
    """A dialog that takes keys typed before it was ready."""

    dismissing = False
    """Dismissed, not yet gone: keys arriving now belong to the screen below."""

    def type_ahead(self, event: Key) -> bool:
        """Apply one key as the dialog would; True when it was used."""
        raise NotImplementedError

    def dismiss(self, result: T | None = None) -> Any:
        if self.dismissing:  # closed already (a second Enter typed ahead)
            return None
        self.dismissing = True
        return super().dismiss(result)

    def pass_on(self, event: Key) -> bool:
        """Once dismissed, send `event` again, through the app, to whatever has
        the focus when the dialog is gone; True when it was passed on."""
        if not self.dismissing:
            return False
        event.stop()
        event.prevent_default()
        again = Key(event.key, event.character)
        again.set_sender(self.app)
        self.app.post_message(again)
        return True
