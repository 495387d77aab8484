"""The screening screen's full-text keys: attach, open, not retrieved, link.

Kept apart from `screening.py` (one record, single keys) because these
reach outside the review file: a PDF on disk, the system viewer, the
study a report belongs to.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from textual.screen import Screen

from review.errors import ReviewError
from review.fulltext import open_command
from review.screening.session import ScreeningSession
from review.tui.screens.text_prompt import TextPrompt


class FullTextKeys(Screen[None]):
    """Actions of the full-text keys; the screening screen binds them."""

    session: ScreeningSession

    def show_current(self) -> None:
        raise NotImplementedError

    def action_attach(self) -> None:
        if self.session.current is None:
            return

        def attach(location: str | None) -> None:
            if location:
                self._guard(lambda: self.session.attach_fulltext(location))
                self.show_current()

        self.app.push_screen(
            TextPrompt("Attach the full text", placeholder="/path/to/report.pdf or https://…"),
            attach,
        )

    def action_open_fulltext(self) -> None:
        if self.session.current is None:
            return
        held = self.session.fulltext()
        if held is None or not held.location:
            self.notify("No full text attached (press a to attach one)", severity="warning")
            return
        try:
            subprocess.Popen(
                open_command(held.location),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the viewer outlives neither key nor terminal
            )
        except OSError as exc:
            self.notify(f"Cannot open {held.location}: {exc}", severity="error")
            return
        self.notify(f"Opening {held.location}")

    def action_not_retrieved(self) -> None:
        if self.session.current is None:
            return

        def mark(note: str | None) -> None:
            if note is not None:
                self._guard(lambda: self.session.mark_not_retrieved(note or None))
                self.show_current()

        self.app.push_screen(
            TextPrompt(
                "Mark the report as not retrieved (PRISMA counts it)",
                placeholder="optional: what was tried",
                help="Enter marks it · Esc cancels",
            ),
            mark,
        )

    def action_link_study(self) -> None:
        if self.session.current is None:
            return

        def link(other: str | None) -> None:
            if other:
                self._guard(lambda: self.session.link_study(other))
                self.show_current()

        self.app.push_screen(
            TextPrompt(
                "Link to the study of another report",
                placeholder="record id (as in the records screen) or key such as doi:10…",
            ),
            link,
        )

    def _guard(self, action: Callable[[], object]) -> None:
        try:
            action()
        except (ReviewError, KeyError) as exc:
            self.notify(str(exc), severity="error")
