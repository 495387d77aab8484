"""What the domains imply for the overall judgement, and when the overall disagrees.

RoB 2 and the tools built like it derive the overall judgement from the
domains (RoB 2: low only if every domain is low, high if any is high).
A reviewer may set the overall first, or lower than the domains allow; it is
stored as chosen — overriding is theirs to do — but the screens say what the
domains imply and warn, so an overall typed early is not forgotten when the
domains are judged later. These are warnings, never refusals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.model import Judgement, Tool

J = Judgement
RISK: Mapping[Judgement, int] = {
    J.LOW: 0, J.GOOD: 0,
    J.SOME_CONCERNS: 1, J.MODERATE: 1, J.UNCLEAR: 1, J.FAIR: 1,
    J.HIGH: 2, J.SERIOUS: 2, J.POOR: 2,
    J.CRITICAL: 3, J.VERY_HIGH: 3,
}  # fmt: skip
"""How much risk each judgement says, across tools. `No information` (ROBINS-I)
is not on it: it is neither lower nor higher than a judged risk, except where
the tool's overall rule ranks a risk above it (serious, critical)."""


@dataclass(frozen=True)
class OverallCheck:
    """The overall judgement the domains imply, and what is wrong with the one set."""

    implied: Judgement | None
    """The tool's overall rule over the domains judged so far, each unjudged
    domain read as the lowest risk it could get: a floor ("at least") until
    every domain is judged, then the suggestion itself. None when the tool
    leaves the overall to the reviewer, or the floor is the lowest risk."""
    unjudged: tuple[str, ...]
    """Domains counted by the overall that have no judgement yet."""
    warnings: tuple[str, ...]
    """Why the overall set deserves a second look; empty when none is set."""

    def describe(self) -> str:
        """`domains suggest: High`, or `domains judged so far suggest: at least
        Some concerns (D4, D5 not judged)`; empty when they suggest nothing."""
        if self.implied is None:
            return ""
        if not self.unjudged:
            return f"domains suggest: {self.implied}"
        return (
            f"domains judged so far suggest: at least {self.implied} "
            f"({', '.join(self.unjudged)} not judged)"
        )


def check_overall(assessment: Assessment, key: str = OVERALL) -> OverallCheck:
    """What the domains imply for `key` (`OVERALL`, or QUADAS-2's
    `OVERALL_APPLICABILITY`), and warnings about the overall set, if any."""
    tool = assessment.tool
    kind: Literal["bias", "applicability"] = (
        "applicability" if key == OVERALL_APPLICABILITY else "bias"
    )
    counted = [d.id for d in assessment.domains if d.kind == kind]
    finals = {i: f for i in counted if (f := assessment.final(i)) is not None}
    unjudged = tuple(i for i in counted if i not in finals)
    implied = _implied(tool, counted, finals)
    chosen = assessment.final(key)
    warnings: list[str] = []
    if chosen is not None and unjudged and counted:
        warnings.append(
            f"{key} {chosen} was set before {', '.join(unjudged)} "
            f"{'was' if len(unjudged) == 1 else 'were'} judged: check it once they are"
        )
    if chosen is not None and implied is not None and _lower(tool, chosen, implied):
        floor = "at least " if unjudged else ""
        warnings.append(
            f"{key} {chosen} is lower risk than the domains imply ({floor}{implied})"
            + ("" if unjudged else f": {_why(tool, finals, implied)}")
        )
    return OverallCheck(implied, unjudged, tuple(warnings))


def _implied(tool: Tool, counted: list[str], finals: Mapping[str, Judgement]) -> Judgement | None:
    if tool.overall_rule is None or not finals:
        return None
    best = min(tool.scale, key=lambda j: RISK.get(j, len(RISK)))
    implied = tool.overall_rule([finals.get(i, best) for i in counted])
    if len(finals) < len(counted) and RISK.get(implied) == 0:
        return None  # "at least low" says nothing while domains are still to judge
    return implied


def _lower(tool: Tool, chosen: Judgement, implied: Judgement) -> bool:
    a, b = RISK.get(chosen), RISK.get(implied)
    if a is None and b is not None and tool.overall_rule is not None:
        # ROBINS-I's No information is the overall only when no domain is
        # serious or critical: lower than a risk the tool's own rule puts above it.
        return tool.overall_rule([chosen, implied]) == implied
    return a is not None and b is not None and a < b


def _why(tool: Tool, finals: Mapping[str, Judgement], implied: Judgement) -> str:
    """The domains at the implied level: what pulls the overall up."""
    at = [i for i, f in finals.items() if RISK.get(f) is not None and f == implied]
    if not at:
        return f"{tool.name}'s overall rule"
    return f"{', '.join(at)} judged {implied}"
