"""The `review` command line: one thin function per command.

Each command opens the review file, calls one core function and prints the
result. `main` maps every `ReviewError` to one message on stderr and its
documented exit code; a user mistake never shows a traceback. Command
modules register themselves on `cli` when imported here.
"""

from review.cli import (
    conflicts,
    decisions,
    dedupe,
    export,
    extraction,
    fulltext,
    merge,
    prisma,
    project,
    records,
    rob,
    screening,
    simulate,
    stopping,
)
from review.cli.base import cli, main, run_guarded

__all__ = [
    "cli",
    "conflicts",
    "decisions",
    "dedupe",
    "export",
    "extraction",
    "fulltext",
    "main",
    "merge",
    "prisma",
    "project",
    "records",
    "rob",
    "run_guarded",
    "screening",
    "simulate",
    "stopping",
]
