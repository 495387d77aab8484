"""Where each command of the command line is in the TUI.

Everything the CLI does, the TUI does too, and the reverse. Commands with a
screen of their own are opened by the home's keys; the rest are tasks
(`review.tui.tasks`), a dialog each, reached by `m` on the home and the
command palette. A test walks the CLI's commands and fails on any without
a route here (or one whose action the app lacks), so the parity cannot
silently break when a command is added.
"""

from __future__ import annotations

from typing import NamedTuple

from review.tui.tasks import TASKS


class Route(NamedTuple):
    """How a reviewer reaches a command: the keys to press, and the app action
    (as the palette runs it) that opens its screen or dialog."""

    keys: str
    action: str


SCREENS: dict[str, Route] = {
    "agreement": Route("a on the home", "app.agreement"),
    "apart": Route("r, then x on a record", "app.records"),
    "same": Route("r, then m on a record; or d, then y", "app.records"),
    "unmerge": Route("r, then x on a merged record; or d, g, then u", "app.records"),
    "conflicts": Route("c on the home", "app.conflicts"),
    "resolve": Route("c, then i or e", "app.conflicts"),
    "dedupe": Route("D on the home", "app.home"),
    "export": Route("x on the home", "app.export"),
    "extract": Route("e on the home", "app.extraction"),
    "extraction status": Route("e on the home (the studies' list)", "app.extraction"),
    "formats": Route("i on the home (the format of what you pick)", "app.home"),
    "import": Route("i on the home", "app.home"),
    "init": Route("the start screen: n", "app.start"),
    "sample": Route("the start screen: s", "app.start"),
    "prisma": Route("p on the home (c CSV, s SVG)", "app.prisma"),
    "records": Route("r on the home", "app.records"),
    "rob open": Route("b on the home", "app.risk_of_bias"),
    "rob status": Route("b on the home (the studies' list)", "app.risk_of_bias"),
    "rob summary": Route("b, then t", "app.risk_of_bias(1)"),
    "screen": Route("t or f on the home", "app.screening"),
    "status": Route("the home itself", "app.home"),
}
"""Commands whose screen the home opens with a key."""

TASK_ROUTES: dict[str, Route] = {
    task.command: Route(f"m, then {task.key}", f"app.task({task.id!r})") for task in TASKS
}
"""Commands run from a dialog (`m` on the home, or the palette by title)."""

EXEMPT: dict[str, str] = {}
"""Commands deliberately left to the command line, with why (none today)."""


def routes() -> dict[str, Route]:
    """Every command's route, by the command's name as typed after `review`."""
    return {**SCREENS, **TASK_ROUTES}
