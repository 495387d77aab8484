"""Traffic lights for risk-of-bias judgements: a colour and a symbol each,
so a judgement reads without colour too (robvis's + - x ! ?)."""

from __future__ import annotations

from rich.text import Text

from review.rob.model import Judgement

LIGHTS: dict[Judgement, tuple[str, str]] = {
    Judgement.LOW: ("+", "black on green"),
    Judgement.GOOD: ("+", "black on green"),
    Judgement.INCLUDE: ("+", "black on green"),
    Judgement.SOME_CONCERNS: ("-", "black on yellow"),
    Judgement.MODERATE: ("-", "black on yellow"),
    Judgement.UNCLEAR: ("-", "black on yellow"),
    Judgement.FAIR: ("-", "black on yellow"),
    Judgement.SEEK_INFO: ("-", "black on yellow"),
    Judgement.HIGH: ("x", "white on red"),
    Judgement.SERIOUS: ("x", "white on red"),
    Judgement.POOR: ("x", "white on red"),
    Judgement.EXCLUDE: ("x", "white on red"),
    Judgement.CRITICAL: ("!", "white on dark_magenta"),
    Judgement.VERY_HIGH: ("!", "white on dark_magenta"),
    Judgement.NO_INFORMATION: ("?", "white on blue"),
}
"""Cochrane's traffic-light colours, as near as a terminal has them."""
NOT_JUDGED = (" ", "on grey23")


def light(judgement: Judgement | None) -> Text:
    """A three-cell lamp: ` + ` on green, ` x ` on red; blank grey when not judged."""
    symbol, style = LIGHTS.get(judgement, NOT_JUDGED) if judgement else NOT_JUDGED
    return Text(f" {symbol} ", style=style)


def judged(judgement: Judgement | None, empty: str = "—") -> Text:
    """The lamp and the judgement's word, or `empty` in dim."""
    if judgement is None:
        return Text(empty, style="dim")
    return Text.assemble(light(judgement), " ", judgement.value)
