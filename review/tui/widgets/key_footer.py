"""A footer that fits the terminal: the app's keys never fall off the end.

Textual's footer lays out every shown binding in order and lets the row
overflow, so at 80 columns the screening screen lost `q Quit  ? Keys` off its
right edge. This one counts the cells each key takes and, when the row is
too narrow, leaves out the screen's last keys (still listed by `?`), never
the app's own keys or the command palette.

It sets each key's style itself instead of binding it to the footer: a
binding leaves a watcher, and with it the key, on the footer for good, so
every rebuild kept ~10 dead widgets alive. It also rebuilds only when what
it shows changes (bindings are refreshed after every decision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

MORE = "…"
"""Shown where keys were left out for want of room."""


class KeyFooter(Footer):
    """`Footer`, fitted to its width; compact by default."""

    _shown: tuple[Shown, ...] = ()
    """What the footer last showed, to skip rebuilds that change nothing."""

    def __init__(self, *, compact: bool = True, id: str | None = None) -> None:
        super().__init__(compact=compact, id=id)

    def on_resize(self, event: events.Resize) -> None:
        self._rebuild_if_changed()

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    def _rebuild_if_changed(self) -> None:
        if self._bindings_ready and self.is_attached and self._layout() != self._shown:
            self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._shown = self._layout()
        for key, display, description, action, enabled, tooltip, palette in self._shown:
            footer_key = FooterKey(
                key,
                display,
                description,
                action,
                classes="-command-palette" if palette else "",
                disabled=not enabled,
                tooltip=tooltip,
            )
            if not palette:
                footer_key.compact = self.compact
            yield footer_key

    def _layout(self) -> tuple[Shown, ...]:
        """The keys to show, fitted to the width."""
        width = self.size.width or self.app.size.width
        active = self.screen.active_bindings
        firsts: dict[str, tuple[bool, Binding, bool, str]] = {}
        for node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in firsts:
                firsts[binding.action] = (node is self.app, binding, enabled, tooltip)
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        palette_entry = active.get(self.app.COMMAND_PALETTE_BINDING) if palette else None
        room = width - 1 - (self._cost(palette_entry[1]) + 2 if palette_entry else 0)
        own = [entry for entry in firsts.values() if entry[0]]
        room -= sum(self._cost(binding) for _, binding, _, _ in own)
        screen_keys = [entry for entry in firsts.values() if not entry[0]]
        shown = _fit(screen_keys, room, self._cost)
        fitted: list[Shown] = []
        for _, binding, enabled, tooltip in [*shown, *own]:
            display = self.app.get_key_display(binding) if binding.description != MORE else ""
            if not binding.description and not self.compact:
                display = f" {display} "  # a bare key gets no padding of its own
            tip = tooltip or ("every key: press ?" if binding.description == MORE else "")
            fitted.append(
                (binding.key, display, binding.description, binding.action, enabled, tip, False)
            )
        if palette_entry:
            _, binding, enabled, _ = palette_entry
            display = self.app.get_key_display(binding)
            tip = binding.tooltip or binding.description
            fitted.append(
                (binding.key, display, binding.description, binding.action, enabled, tip, True)
            )
        return tuple(fitted)

    def _cost(self, binding: Binding) -> int:
        """Cells one key takes in this footer (key, description, padding, margin)."""
        text = cell_len(self.app.get_key_display(binding))
        if binding.description:
            text += cell_len(binding.description) + 1
        return text + (1 if self.compact else 2)


Shown = tuple[str, str, str, str, bool, str, bool]
"""(key, display, description, action, enabled, tooltip, is the palette's)."""

Entry = tuple[bool, Binding, bool, str]
"""(the app's own, binding, enabled, tooltip) as the footer lays it out."""


def _fit(keys: list[Entry], room: int, cost: Callable[[Binding], int]) -> list[Entry]:
    """As many keys as fit in `room`, in order: with their descriptions while
    all of them fit so, then the rest as bare keys (`a o r l`), then `…`."""
    if sum(cost(binding) for _, binding, _, _ in keys) <= room:
        return keys
    bare = [(own, replace(b, description=""), e, t or b.description) for own, b, e, t in keys]
    shown: list[Entry] = []
    more = cost(Binding("", "", MORE))
    for n, entry in enumerate(keys):
        rest = sum(cost(binding) for _, binding, _, _ in bare[n + 1 :])
        if cost(entry[1]) + rest <= room:
            shown.append(entry)
            room -= cost(entry[1])
            continue
        for m, short in enumerate(bare[n:], start=n):
            last = m == len(keys) - 1
            if cost(short[1]) > room - (0 if last else more):
                shown.append((False, Binding("question_mark", "app.toggle_help", MORE), True, ""))
                return shown
            shown.append(short)
            room -= cost(short[1])
        return shown
    return shown
