"""Quitting when the terminal goes away.

Closing a terminal window, or an ssh connection dropping, hangs up the
terminal. Run under another program (`make run`, a wrapper script) the app
may never get the SIGHUP, and Textual's input loop then spins on the dead
terminal at full CPU for as long as the machine runs, holding the review
file open (seen: 93% CPU for 35 minutes after tmux was killed). Every
decision is committed when it is made, so exiting, even without Textual's
clean shutdown, loses nothing.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from textual.app import App

from review.errors import ExitCode

CHECK_EVERY = 2.0
"""Seconds between looks at the terminal: cheap, and soon enough."""
GRACE = 3.0
"""Seconds the app gets to shut down cleanly before the process is ended."""
HANGUP_EXIT = int(ExitCode.HANGUP)
"""128 + SIGHUP, the code a shell reports for a hung-up program."""


def watch_terminal(
    app: App[Any], fd: int | None = None, *, is_tty: Callable[[int], bool] = os.isatty
) -> None:
    """Exit `app` once `fd` (standard input) is no longer a terminal. Off for
    an app that did not start on one (tests, a headless run)."""
    if fd is None:
        if app.is_headless or sys.__stdin__ is None:
            return
        try:
            fd = sys.__stdin__.fileno()
        except (OSError, ValueError):
            return
    if not is_tty(fd):
        return
    terminal = fd

    def check() -> None:
        if not is_tty(terminal):
            app.exit(return_code=HANGUP_EXIT)
            # Textual's own shutdown writes to the terminal, which is gone,
            # and can wait on it forever: if it has not ended the process by
            # then, end it here (SQLite's log needs no clean close).
            backstop = threading.Timer(GRACE, os._exit, [HANGUP_EXIT])
            backstop.daemon = True
            backstop.start()

    app.set_interval(CHECK_EVERY, check)
