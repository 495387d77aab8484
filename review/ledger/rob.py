"""Risk-of-bias events as the store hands them to the core, stamped for the
replay rule (`order`). What they mean is `review.rob.events`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RobKind = Literal["answer", "judgement", "variant"]
ROB_KINDS: tuple[RobKind, ...] = ("answer", "judgement", "variant")
"""'answer': a signalling question's answer (`item`, `value`, `support`);
'judgement': a domain's or the overall final judgement (`domain`, `value`,
justification in `note`, `direction`); 'variant': the tool variant chosen
(`value`)."""


@dataclass(frozen=True, slots=True)
class RobEvent:
    """One row of `rob_answers`. `value` None clears what the event sets."""

    uid: str
    created_at: str
    reviewer: str
    study_key: str
    result: str
    """The result row's entity id for result-level tools (RoB 2); '' otherwise."""
    tool: str
    kind: RobKind
    domain: str
    item: str
    value: str | None
    note: str | None = None
    support: str | None = None
    variant: str = ""
    """The variant a variant-specific item or domain was answered under; '' for shared ones."""
    direction: str | None = None
    agreed: bool = False
    """The consensus of dual assessment rather than one reviewer's own entry."""
