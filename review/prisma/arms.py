"""Which column of the diagram each unit and each record belongs to.

A unit belongs to the databases-and-registers arm when any of its records
came from a database or register, otherwise to the other-methods arm. A
record counts as identified in its own source's arm. In each arm one record
of each unit of that arm is kept (the first from that arm's sources); every
other record of the arm is a duplicate removed, so a citation-search record
that a database also found is a duplicate in the other-methods arm. The
screen that opens a box lists exactly these records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from review.ledger.resolver import Resolution
from review.models import SourceKind

DBR_KINDS = frozenset({SourceKind.DATABASE.value, SourceKind.REGISTER.value})


class Arm(StrEnum):
    """PRISMA 2020's two identification columns."""

    DBR = "databases_registers"
    OTHER = "other_methods"


@dataclass
class ArmRecords:
    """Each unit's arm, and the records identified and removed as duplicates per arm."""

    arm_of: dict[str, Arm] = field(default_factory=dict)
    """Unit key → its arm."""
    identified: dict[Arm, set[int]] = field(default_factory=dict)
    """Arm → ids of the records from its sources."""
    duplicates: dict[Arm, set[int]] = field(default_factory=dict)
    """Arm → ids of its records that are not the one kept for their unit."""


def assign_arms(
    resolution: Resolution, kind_of_source: Mapping[int, str], source_of_record: Mapping[int, int]
) -> ArmRecords:
    """One pass over the units: their arms, and every record's arm and role."""
    out = ArmRecords(identified={a: set() for a in Arm}, duplicates={a: set() for a in Arm})
    for unit in resolution.units:
        members = resolution.groups.get(unit.key)
        ids = [m.record_id for m in members] if members else [unit.record_id]
        arms = [
            Arm.DBR
            if kind_of_source.get(source_of_record.get(i, -1), "") in DBR_KINDS
            else Arm.OTHER
            for i in ids
        ]
        arm = Arm.DBR if Arm.DBR in arms else Arm.OTHER
        out.arm_of[unit.key] = arm
        kept = False
        for record_id, own in zip(ids, arms, strict=True):
            out.identified[own].add(record_id)
            if own is arm and not kept:
                kept = True
            else:
                out.duplicates[own].add(record_id)
    return out
