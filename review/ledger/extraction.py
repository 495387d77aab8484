"""Extraction events as the store hands them to the core: form values and a
study's completion status, each stamped for the replay rule (`order`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ValueKind = Literal["value", "agreed"]
VALUE_KINDS: tuple[ValueKind, ...] = ("value", "agreed")
"""'value' is one extractor's entry; 'agreed' the consensus of dual extraction."""

StatusValue = Literal["complete", "reopened"]
STATUS_VALUES: tuple[StatusValue, ...] = ("complete", "reopened")


@dataclass(frozen=True, slots=True)
class ValueEvent:
    """One row of `extraction_values`: a field of a study's form set (or
    cleared, `value` None) by a reviewer. `value` is JSON text."""

    uid: str
    created_at: str
    reviewer: str
    study_key: str
    field: str
    """The field's dotted key, e.g. `arms.arm.rt_dose_gy`."""
    instance: str
    """The row's entity id for a repeating group; '' for a field answered once."""
    value: str | None
    source: str | None = None
    """Where the value was read: page, table, figure or a quote."""
    kind: ValueKind = "value"


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One row of `extraction_status`: a reviewer marked a study's form
    complete, or reopened it."""

    uid: str
    created_at: str
    reviewer: str
    study_key: str
    status: StatusValue
    note: str | None = None
