"""Errors a user can act on, and the exit codes the command line returns.

Every error names where the problem is (file, line, field) and what to do
next. The CLI turns them into one message on stderr and an `ExitCode`; the
TUI shows them as notifications. Neither shows a traceback for a user mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes of the `review` command, documented in the README."""

    OK = 0
    """Everything worked."""
    FAILURE = 1
    """An unexpected internal error (a bug: please report it)."""
    USAGE = 2
    """The command line itself was wrong (unknown option, missing argument)."""
    INPUT = 3
    """An input file could not be read: malformed, wrong encoding, empty."""
    PROTOCOL = 4
    """The protocol file has problems; every one is listed."""
    STORE = 5
    """The review file is missing, damaged, locked or from a newer version."""
    CONFLICT = 6
    """The action was refused because it would repeat or contradict earlier work
    (the same file imported twice, a review file that already exists)."""
    EXPORT = 7
    """An export could not be written or did not check out."""
    HANGUP = 129
    """The terminal went away under the TUI; every decision was saved already."""
    INTERRUPT = 130
    """Interrupted with Ctrl+C; nothing half-written was kept."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong at one place, e.g. a line of an import or a protocol key."""

    message: str
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def render(self, path: Path | None = None) -> str:
        where = ":".join(
            part
            for part in (
                str(path) if path else None,
                str(self.line) if self.line is not None else None,
                self.field,
            )
            if part
        )
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class ReviewError(Exception):
    """Base of every error a user can act on."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = field
        self.hint = hint
        self.problems: list[Problem] = problems or []

    def __str__(self) -> str:
        head = Problem(self.message, self.line, self.field).render(self.path)
        lines = [head]
        lines += [f"  {p.render(self.path)}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  … and {len(self.problems) - 50} more")
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


class UsageError(ReviewError):
    """The command was asked for something that cannot be done as asked."""

    exit_code = ExitCode.USAGE


class ImportFormatError(ReviewError):
    """An input file did not parse completely; nothing from it was stored."""

    exit_code = ExitCode.INPUT


class InputFileError(ReviewError):
    """A file named as input (a full text to attach) is missing or not a file."""

    exit_code = ExitCode.INPUT


class ProtocolError(ReviewError):
    """The protocol file has one or more problems, all listed in `problems`."""

    exit_code = ExitCode.PROTOCOL


class StoreError(ReviewError):
    """The review file cannot be opened or written as asked."""

    exit_code = ExitCode.STORE


class DuplicateImportError(ReviewError):
    """The same file (by content hash) was already imported into this review."""

    exit_code = ExitCode.CONFLICT


class TargetExistsError(ReviewError):
    """A file to be created (a review file, a backup) already exists; it was
    left as it was. A conflict with earlier work, not a damaged file."""

    exit_code = ExitCode.CONFLICT


class ExportError(ReviewError):
    """An export could not be written, or its counts did not match the store."""

    exit_code = ExitCode.EXPORT
