"""Include and exclude terms highlighted in record text, in two styles."""

from __future__ import annotations

import re

from textual.content import Content, Span

INCLUDE_STYLE = "bold underline $text-success"
EXCLUDE_STYLE = "bold strike $text-error"
"""Colour plus a second cue (underline, strike) so the two read apart without colour too."""


def highlighted(
    text: str, include: re.Pattern[str] | None, exclude: re.Pattern[str] | None
) -> Content:
    """`text` as plain content (never markup) with every term match styled.

    Where an include and an exclude match overlap, the exclude style wins:
    a warning should never be hidden by encouragement.
    """
    spans = [
        Span(match.start(), match.end(), style)
        for pattern, style in ((include, INCLUDE_STYLE), (exclude, EXCLUDE_STYLE))
        if pattern is not None
        for match in pattern.finditer(text)
    ]
    return Content(text, spans=spans)
