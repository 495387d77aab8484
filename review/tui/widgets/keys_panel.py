"""The `?` panel: every key that works here, the screen's own first.

Textual's stock help panel lists keys in focus order, so on a list screen the
table's cursor and scroll keys (Textual's own) filled the top and the keys a
reviewer opens it for (include, filter, open…) came below them. This panel
groups them: the screen's keys, then those of the focused widget and its
containers (moving, scrolling, typing), then the keys that work everywhere.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

EVERYWHERE = "Everywhere"


class KeysPanel(VerticalScroll, can_focus=False):
    """Docked at the right of the screen it is mounted on; redrawn when its keys change."""

    def compose(self) -> ComposeResult:
        yield Static(id="keys-panel-table")

    def on_mount(self) -> None:
        self._redraw()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        if self.is_attached:
            self.query_one("#keys-panel-table", Static).update(self.table())

    def table(self) -> Group:
        """Each group's title on a line of its own (a long one is not squeezed
        into the description column), then a row per action: keys, what it does.
        The key column has one width throughout, so the groups line up."""
        groups = [
            (
                title,
                [(self._keys(bindings), bindings[0].description, on) for bindings, on in actions],
            )
            for title, actions in key_groups(self.screen)
        ]
        width = max((cell_len(keys) for _, rows in groups for keys, _, _ in rows), default=1)
        parts: list[RenderableType] = []
        for n, (title, rows) in enumerate(groups):
            parts.append(Text(("\n" if n else "") + title, style="underline"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(justify="right", no_wrap=True, min_width=width)
            grid.add_column()
            for keys, description, enabled in rows:
                grid.add_row(
                    Text(keys, style="bold" if enabled else "dim"),
                    Text(description, style="" if enabled else "dim"),
                )
            parts.append(grid)
        return Group(*parts)

    def _keys(self, bindings: list[Binding]) -> str:
        return " ".join(dict.fromkeys(self.app.get_key_display(b) for b in bindings))


def show_keys(screen: Screen[object]) -> None:
    """Open the panel on `screen` (our panel wherever Textual would show its own)."""
    if not screen.query(KeysPanel):
        screen.mount(KeysPanel())


def hide_keys(screen: Screen[object]) -> None:
    screen.query(KeysPanel).remove()


Action = tuple[list[Binding], bool]
"""The bindings of one action (its keys) and whether it can run now."""


def key_groups(screen: Screen[object]) -> list[tuple[str, list[Action]]]:
    """The screen's active keys by who owns them, one entry per action: the
    screen's own first, then the focused widget's and its containers', then
    Textual's focus and copy keys, then the app's.

    Every binding this project declares has an id; the screen's bindings
    without one are those Textual gives every screen (tab, copy).
    """
    app = screen.app
    groups: dict[tuple[int, str], dict[str, Action]] = {}
    for owner, binding, enabled, _tooltip in screen.active_bindings.values():
        if binding.system:
            continue
        if owner is screen:
            group = (0, "This screen") if binding.id else (2, "Focus and copying")
        elif owner is app:
            group = (3, EVERYWHERE)
        else:
            group = (1, _name(owner))
        actions = groups.setdefault(group, {})
        bindings, _ = actions.get(binding.action, ([], enabled))
        actions[binding.action] = ([*bindings, binding], enabled)
    ordered = sorted(groups, key=lambda group: group[0])  # stable: widgets keep focus order
    return [(title, list(groups[(rank, title)].values())) for rank, title in ordered]


def _name(owner: DOMNode) -> str:
    """A widget's keys are titled by its kind: `DataTable` → "In the data table"."""
    title = getattr(owner, "BINDING_GROUP_TITLE", None)
    if title:
        return str(title)
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type(owner).__name__).lower()
    return f"In the {words}"
