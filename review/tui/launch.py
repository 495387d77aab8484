"""Starting the TUI from the command line: which review, and a terminal or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from review.config import Settings
from review.errors import UsageError
from review.models import Stage
from review.review_file import open_review
from review.tui.app import ReviewApp
from review.tui.discovery import review_files


def run(
    path: Path | None,
    *,
    reviewer: str | None,
    settings: Settings | None = None,
    screening: Stage | Literal["next"] | None = None,
    extraction: str | None = None,
    action: str | None = None,
) -> None:
    """Open `path`, or the one review file here, or the start screen.

    A `ReviewError` while opening `path` is raised before the app starts,
    so the caller prints it like any command-line error. Without a terminal
    (input or output redirected, a pipe into `head`) the app would draw into
    the void and spin: it refuses instead.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the terminal UI needs a terminal, and input or output is redirected here",
            hint="run `review FILE` in a terminal; in scripts use the commands "
            "(`review status FILE`, `review export FILE`, `review --help`)",
        )
    store = None
    if path is not None:
        store = open_review(path)
    elif len(found := review_files(Path.cwd())) == 1:
        store = open_review(found[0])
    app = ReviewApp(
        store,
        reviewer=reviewer,
        settings=settings,
        screening=screening,
        extraction=extraction,
        action=action,
    )
    try:
        app.run()
    finally:
        if app.store is not None:
            app.store.close()
