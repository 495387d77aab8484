"""Asking who is deciding, the same way on every screen that records a decision.

A screen that needs the reviewer's name and has none asks with
`reviewer_prompt`, then posts `ReviewerNamed` so the app keeps the name for
every later screen (and shows it in the header).
"""

from __future__ import annotations

from textual.message import Message

from review.tui.screens.text_prompt import TextPrompt


def reviewer_prompt(question: str) -> TextPrompt:
    """The name prompt; it dismisses with the name (maybe empty) or None."""
    return TextPrompt(
        question,
        placeholder="Your name, as it should appear in the audit trail",
        help="Set it once with --reviewer, $REVIEW_REVIEWER or the config file",
    )


class ReviewerNamed(Message):
    """A screen learnt the reviewer's name; the app keeps it."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
