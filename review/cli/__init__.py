"""The `review` command line: one thin function per command.

Each command opens the review file, calls one core function and prints the
result. `main` maps every `ReviewError` to one message on stderr and its
documented exit code; a user mistake never shows a traceback. Command
modules register themselves on `cli` when imported, which the group does
when their command is asked for (`base.COMMAND_MODULES`): a command starts
without loading every other command's code.
"""

from review.cli.base import COMMAND_MODULES, cli, main, run_guarded

__all__ = ["COMMAND_MODULES", "cli", "main", "run_guarded"]
