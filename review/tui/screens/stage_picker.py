"""Choosing a screening stage: the same picker over the screening and conflicts screens."""

from __future__ import annotations

from review.models import Stage
from review.tui.screens.choice_picker import ChoicePicker

STAGE_NAMES = {Stage.TITLE_ABSTRACT: "Title/abstract", Stage.FULL_TEXT: "Full text"}


def stage_picker(current: Stage) -> ChoicePicker:
    """Number keys 1 and 2, in workflow order; dismisses with the stage's value."""
    choices = [(s.value, STAGE_NAMES[s], str(n)) for n, s in enumerate(Stage, start=1)]
    return ChoicePicker("Stage", choices, current=current.value)


def changed_stage(choice: str | None, current: Stage) -> Stage | None:
    """The stage picked, or None when the picker was cancelled or nothing changed."""
    return None if choice is None or choice == current.value else Stage(choice)
