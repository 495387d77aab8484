"""Keys typed ahead of a dialog reach it, in order.

A key that opens a dialog (`e` for the reason picker, `n` for a note) and
the keys typed right after it travel together: Textual hands them all to
the screen that was focused when they arrived, before the dialog exists.
They bubble up to the app unhandled, and the app gives them to the dialog
now on top (`ReviewApp.on_key`), so a fast reviewer's `e` `5` records the
exclusion with reason 5 instead of leaving the picker open.
"""

from __future__ import annotations

from typing import TypeVar

from textual.events import Key
from textual.screen import ModalScreen

T = TypeVar("T")


class TypeAheadScreen(ModalScreen[T]):
    """A dialog that takes keys typed before it was ready."""

    def type_ahead(self, event: Key) -> bool:
        """Apply one key as the dialog would; True when it was used."""
        raise NotImplementedError
