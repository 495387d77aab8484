"""The `review` command group, its shared argument and the error guard.

Each command opens the review file, calls one core function and prints the
result. `main` maps every `ReviewError` to one message on stderr and its
documented exit code; a user mistake never shows a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from review import __version__, review_file
from review.errors import ExitCode, InputFileError, ReviewError
from review.store import Store
from review.wording import counted

FILE = click.argument("file", type=click.Path(path_type=Path, dir_okay=False))


class InputFile(click.Path):
    """A file the command reads (decisions, values, answers, a labelled set):
    a missing one is an input error, exit 3 as the README's table says, not
    click's usage error (exit 2)."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, dir_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        if not os.path.lexists(path):
            raise InputFileError(
                "no such file",
                path=Path(os.fsdecode(path)),
                hint="check the path and the name of the file to read",
            )
        return path


class OutputClosed(Exception):
    """The reader of stdout went away (`| head`): not an OSError, so click
    passes it on instead of exiting 1 in silence."""


COMMAND_MODULES = {
    "agreement": "screening",
    "apart": "dedupe",
    "conflicts": "conflicts",
    "copy": "merge",
    "decisions": "decisions",
    "dedupe": "dedupe",
    "export": "export",
    "extract": "extraction",
    "extraction": "extraction",
    "formats": "project",
    "fulltext": "fulltext",
    "import": "project",
    "init": "project",
    "merge": "merge",
    "prisma": "prisma",
    "protocol": "project",
    "records": "records",
    "resolve": "conflicts",
    "rob": "rob",
    "same": "dedupe",
    "sample": "project",
    "screen": "screening",
    "simulate": "simulate",
    "status": "project",
    "stopping": "stopping",
    "unmerge": "dedupe",
}
"""Each command and the module under `review.cli` that defines it. A command
module is imported when its command runs (or `--help` lists them all), so
`review import` does not load what exports, risk of bias or deduplication
need: a third of a second at every start."""


class _Commands(click.Group):
    """The command group: commands load lazily (`COMMAND_MODULES`), and a
    closed stdout is told apart from other OS errors."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            # The module registers its commands on `cli` as it is imported.
            importlib.import_module(f"review.cli.{COMMAND_MODULES[cmd_name]}")
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise OutputClosed from exc


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Run `review [--reviewer NAME] [FILE]` without a command to open the terminal "
    "UI; --reviewer is the name your decisions are recorded under (else $REVIEW_REVIEWER, "
    "the config file, or the TUI asks).",
)
@click.version_option(__version__, prog_name="review")
def cli() -> None:
    """A terminal workbench for systematic reviews: import, screen, extract, export."""


def main(argv: list[str] | None = None, *, open_tui: Callable[..., None] | None = None) -> None:
    """Run a command; map errors to stderr and exit codes.

    `open_tui` is how `review screen` opens the terminal UI without this
    package importing it: the `review` executable passes it in.
    """
    args = sys.argv[1:] if argv is None else argv
    obj = {"open_tui": open_tui}
    run_guarded(lambda: cli.main(args=args, prog_name="review", standalone_mode=False, obj=obj))


def run_guarded(action: Callable[[], object]) -> None:
    """Run `action`, turning every error a user can fix into stderr + exit code."""
    try:
        action()
    except ReviewError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Abort:
        click.echo("interrupted; nothing half-written was kept", err=True)
        sys.exit(int(ExitCode.INTERRUPT))
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE))
    except KeyboardInterrupt:
        click.echo("interrupted; nothing half-written was kept", err=True)
        sys.exit(int(ExitCode.INTERRUPT))
    except OutputClosed:
        # Piped into `head`: the work is stored (commands store before they
        # print), only the rest of the printout goes unread. Not an error.
        _discard_stdout()
    sys.exit(int(ExitCode.OK))


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the final flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # no real file descriptor (a test runner's stdout): nothing to flush


def echo_lines(lines: list[str]) -> None:
    """A command's report (`review.printouts`): warnings to stderr, the rest to stdout."""
    for line in lines:
        click.echo(line, err=line.startswith("warning: "))


def open_review(path: Path) -> Store:
    """The review file, saying once on stderr what opening it cleaned up
    (an import killed half-way is deleted then)."""
    store = review_file.open_review(path)
    for line in store.removed_imports:
        click.echo(f"note: {line}", err=True)
    return store


def as_reviewer(store: Store, typed: str, doing: str = "recording") -> str:
    """The name to work under in this review: an existing reviewer's spelling
    when `typed` differs from it only by case or spacing, said once on stderr."""
    name, note = store.reviewers.resolve(typed, doing)
    if note:
        click.echo(f"note: {note}", err=True)
    return name


def warn_location(warning: str | None) -> None:
    if warning:
        click.echo(f"warning: {warning}", err=True)


def progress_line() -> Callable[[str, int, int], None] | None:
    """A progress line on stderr for long imports and dedupe runs; silent when
    not a terminal (or with $REVIEW_NO_PROGRESS)."""
    if not sys.stderr.isatty() or os.environ.get("REVIEW_NO_PROGRESS"):
        return None
    state: dict[str, Any] = {}

    def report(phase: str, done: int, total: int) -> None:
        if state.get("phase") != phase:
            state["phase"] = phase
            click.echo(err=True)
        if total:
            filled = int(30 * done / total)
            shown = f"{'█' * filled}{'░' * (30 - filled)} {done:,}/{total:,}"
        elif done:  # records stream from the parser: the total is known at the end
            shown = f"{counted(done, 'record')}"
        else:
            shown = "…"
        click.echo(f"\r{phase[:48]:48} {shown}", err=True, nl=False)

    return report
