"""One person, one name: reviewer names that differ only by case or spacing.

A reviewer who types `alice` on Monday and `Alice ` on Tuesday is one
reviewer; counting two would break dual screening (conflicts, kappa,
blinding, the prioritiser's per-reviewer model, stopping). A name typed
anywhere (`--reviewer`, the TUI's prompt, the config, an imported file's
`reviewer` column) is matched against the names already in the review by
`name_key`, and a match takes the existing spelling. A new name is kept as
typed, trimmed.

Which spelling a person keeps must not depend on the order files were
merged in: it is the spelling of their earliest event (by the ledger's
`(created_at, uid)` order, then the text), a function of the set of events.
Stored rows are never rewritten; other spellings are read as that one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def name_key(name: str) -> str:
    """What two spellings of one name share: case, Unicode form and runs of
    whitespace (inner or around) do not count."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


class Spellings:
    """The names in a review, one spelling per person, and the others read as it."""

    def __init__(self, first_uses: Iterable[tuple[str, str]] = ()) -> None:
        """`first_uses`: (spelling as stored, the stamp of its earliest event)."""
        self._first: dict[str, tuple[str, str]] = {}
        """name_key → (stamp, spelling) of the spelling that stands for it."""
        self._others: dict[str, str] = {}
        """Every stored spelling but the chosen one → the chosen one."""
        self._stored: set[str] = set()
        for spelling, stamp in first_uses:
            self._take(spelling, stamp)

    def _take(self, spelling: str, stamp: str) -> None:
        self._stored.add(spelling)
        key = name_key(spelling)
        held = self._first.get(key)
        if held is None or (stamp, spelling) < held:
            self._first[key] = (stamp, spelling)
        self._others = {
            other: self._first[name_key(other)][1]
            for other in self._stored
            if self._first[name_key(other)][1] != other
        }

    def spelling(self, typed: str) -> str:
        """The name to record for what was typed: an existing reviewer's
        spelling when it is one of theirs, else the text trimmed."""
        cleaned = typed.strip()
        held = self._first.get(name_key(cleaned))
        return held[1] if held is not None else cleaned

    def known(self, typed: str) -> bool:
        """Whether a reviewer of this name (in any spelling) is in the review."""
        return name_key(typed) in self._first

    def take(self, typed: str) -> str:
        """`spelling(typed)`, keeping a new name as a reviewer's from now on:
        an imported file's first spelling of a name stands for its later ones."""
        name = self.spelling(typed)
        if name and not self.known(name):
            self.add(name, "")  # no other spelling of it yet, so the stamp decides nothing
        return name

    def add(self, spelling: str, stamp: str) -> None:
        """A spelling newly recorded (an event stamped `stamp`)."""
        if spelling not in self._stored:
            self._take(spelling, stamp)

    def seen(self, spelling: str, stamp: str) -> None:
        """An event under `spelling` stamped `stamp`, new or not: an older
        stamp (a merged file's) can change which spelling stands."""
        self._take(spelling, stamp)

    def aliases(self) -> dict[str, str]:
        """Stored spellings other than a person's chosen one → the chosen one
        (empty unless files with two spellings of one name were merged)."""
        return dict(self._others)

    def stored_as(self, name: str) -> list[str]:
        """Every stored spelling of this person, to find their rows."""
        key = name_key(name)
        return sorted(s for s in self._stored if name_key(s) == key) or [name.strip()]

    def copy(self) -> Spellings:
        fresh = Spellings()
        fresh._first, fresh._others = dict(self._first), dict(self._others)
        fresh._stored = set(self._stored)
        return fresh


def same_reviewer_note(typed: str, spelling: str, doing: str = "recording") -> str | None:
    """What to tell a user whose typed name was taken as an existing
    reviewer's spelling; None when it is recorded as typed (trimmed)."""
    if typed.strip() == spelling:
        return None
    return f"{doing} as {spelling}, already in this review (typed {typed.strip()!r})"
