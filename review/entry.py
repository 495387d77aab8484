"""The `review` executable: a command, or the terminal UI when none is named.

This is the one module that knows both front ends; `cli` and `tui` never
import each other.
"""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path
from typing import Any

from review import cli
from review.config import load_settings, resolve_reviewer
from review.errors import UsageError


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and (args[0] in cli.COMMAND_MODULES or _is_command_option(args[0])):
        cli.main(args, open_tui=_run_tui)
        return
    cli.run_guarded(lambda: _open_tui(args))


def _is_command_option(arg: str) -> bool:
    """`--help`, `--version`: the command group's; `--reviewer` belongs to the TUI."""
    return arg.startswith("-") and arg.split("=", 1)[0] != "--reviewer"


def _mistyped_command(arg: str) -> bool:
    """`review stauts`: no such file, no file-like name (`rt-io.db`, `dir/x`),
    and close to a command's name."""
    if Path(arg).exists() or any(c in arg for c in "./\\"):
        return False
    return bool(difflib.get_close_matches(arg, list(cli.COMMAND_MODULES), n=1))


def _run_tui(path: Path | None, **options: Any) -> None:
    from review.tui.launch import run  # deferred: Textual costs ~150 ms to import

    run(path, **options)


def _open_tui(args: list[str]) -> None:
    """`review [FILE] [--reviewer NAME]`."""
    settings = load_settings()
    reviewer = None
    if given := [a for a in args if a.startswith("--reviewer=")]:
        reviewer = given[-1].split("=", 1)[1]
        args = [a for a in args if not a.startswith("--reviewer=")]
    if "--reviewer" in args:
        at = args.index("--reviewer")
        if at + 1 >= len(args) or not args[at + 1]:
            raise UsageError("--reviewer needs a name", hint="review --reviewer NAME [FILE]")
        reviewer = args[at + 1]
        args = args[:at] + args[at + 2 :]
    if reviewer == "":
        raise UsageError("--reviewer needs a name", hint="review --reviewer NAME [FILE]")
    if options := [a for a in args if a.startswith("-")]:
        raise UsageError(
            f"unknown option {options[0]!r}",
            hint="the terminal UI takes `review [--reviewer NAME] [FILE]`; see `review --help`",
        )
    if len(args) > 1 or (args and _mistyped_command(args[0])):
        close = difflib.get_close_matches(args[0], list(cli.COMMAND_MODULES), n=1)
        raise UsageError(
            f"unknown command {args[0]!r}",
            hint=(f"did you mean `review {close[0]}`? " if close else "")
            + "see `review --help` for the commands",
        )
    reviewer = resolve_reviewer(reviewer, os.environ, settings)
    _run_tui(Path(args[0]) if args else None, reviewer=reviewer, settings=settings)
