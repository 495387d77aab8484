"""The `review` command group, its shared argument and the error guard.

Each command opens the review file, calls one core function and prints the
result. `main` maps every `ReviewError` to one message on stderr and its
documented exit code; a user mistake never shows a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from review import __version__
from review.errors import ExitCode, ReviewError

FILE = click.argument("file", type=click.Path(path_type=Path, dir_okay=False))


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Run `review [FILE]` without a command to open the terminal UI.",
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
    sys.exit(int(ExitCode.OK))


def warn_location(warning: str | None) -> None:
    if warning:
        click.echo(f"warning: {warning}", err=True)
