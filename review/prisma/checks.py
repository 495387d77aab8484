"""The PRISMA arithmetic, checked before any number is shown or written.

Each arm must add up from top to bottom (identified − duplicates − removed =
screened; screened − excluded − awaiting = sought; sought − not retrieved =
assessed; assessed − excluded − awaiting = included reports), the reasons
must add up to their box, and included reports must cover included
studies. The counts come from different parts of the ledger (the imports'
own record counts, the resolver, the screening replay, the full-text
events), so a damaged or contradictory file shows here as an error naming
the box and the units involved, never as a diagram that does not add up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from review.errors import ExitCode, Problem, ReviewError
from review.prisma.counts import Arm, ArmCounts, PrismaCounts

NAMED = 10
"""Units named per problem; the rest are counted."""


@dataclass(frozen=True)
class Violation:
    """One box that does not add up, and the units involved (a screen lists them)."""

    problem: Problem
    units: tuple[str, ...] = ()


class PrismaError(ReviewError):
    """The ledger's PRISMA counts do not add up or contradict each other;
    nothing was shown or written."""

    exit_code = ExitCode.EXPORT

    def __init__(self, message: str, violations: list[Violation]) -> None:
        super().__init__(message, problems=[v.problem for v in violations])
        self.violations = violations


def check_prisma(counts: PrismaCounts) -> None:
    """Raise `PrismaError` listing every box that does not add up."""
    problems: list[Violation] = []
    for source in counts.sources:
        if source.records != source.stored:
            problems.append(
                _bare(
                    f"{source.name}: the import counted {source.records} records, "
                    f"the file holds {source.stored}",
                    field="records identified",
                    hint="the review file is damaged; restore it from a backup",
                )
            )
    for arm, numbers in ((Arm.DBR, counts.dbr), (Arm.OTHER, counts.other)):
        problems += _arm_problems(counts, arm, numbers)
    dbr, other = counts.dbr, counts.other
    if counts.new_reports != dbr.included + other.included:
        problems.append(
            _bare(
                f"{counts.new_reports} reports of included studies, but the arms include "
                f"{dbr.included} + {other.included}",
                field="reports of included studies",
            )
        )
    if counts.new_reports < counts.new_studies or (counts.new_reports and not counts.new_studies):
        problems.append(
            _bare(
                f"{counts.new_studies} studies from {counts.new_reports} reports",
                field="studies included in review",
            )
        )
    for name, value in (
        ("previous studies", counts.previous_studies),
        ("previous reports", counts.previous_reports),
    ):
        if value < 0:
            problems.append(_bare(f"{value} is negative", field=name))
    if counts.previous_reports < counts.previous_studies:
        problems.append(
            _bare(
                f"{counts.previous_studies} previous studies from {counts.previous_reports} "
                "reports",
                field="previous reports",
                hint="every study has at least one report",
            )
        )
    for found in counts.contradictions:
        problems.append(
            Violation(
                Problem(
                    f"{found.message}: {_names(found.units)}", field=found.box, hint=found.hint
                ),
                tuple(found.units),
            )
        )
    if problems:
        raise PrismaError("the PRISMA counts do not add up; nothing was shown or written", problems)


def _bare(message: str, *, field: str, hint: str | None = None) -> Violation:
    """A violation no unit in particular causes (a count, not a membership)."""
    return Violation(Problem(message, field=field, hint=hint))


def _arm_problems(counts: PrismaCounts, arm: Arm, n: ArmCounts) -> list[Violation]:
    label = "databases and registers" if arm is Arm.DBR else "other methods"
    out: list[Violation] = []
    names = {
        "screened": "records screened",
        "sought": "reports sought for retrieval",
        "assessed": "reports assessed for eligibility",
        "included": "reports of included studies",
    }

    def equation(box: str, left: int, text: str, whole: str, parts: Iterable[str]) -> None:
        if left == getattr(n, box):
            return
        involved = _stray(counts, arm, whole, list(parts))
        named = f"; units: {_names(involved)}" if involved else ""
        out.append(
            Violation(
                Problem(
                    f"{text} = {left}, but the box counts {getattr(n, box)}{named}",
                    field=f"{names[box]} ({label})",
                ),
                tuple(involved),
            )
        )

    equation(
        "screened",
        n.identified - n.duplicates - n.removed_automation - n.removed_other,
        f"{n.identified} identified − {n.duplicates} duplicates − "
        f"{n.removed_automation + n.removed_other} removed",
        "screened",
        [],
    )
    equation(
        "sought",
        n.screened - n.screening_excluded - n.screening_pending,
        f"{n.screened} screened − {n.screening_excluded} excluded − {n.screening_pending} awaiting",
        "screened",
        ["screening_excluded", "screening_pending", "sought"],
    )
    equation(
        "assessed",
        n.sought - n.not_retrieved,
        f"{n.sought} sought − {n.not_retrieved} not retrieved",
        "sought",
        ["not_retrieved", "assessed"],
    )
    equation(
        "included",
        n.assessed - n.excluded - n.assessment_pending,
        f"{n.assessed} assessed − {n.excluded} excluded − {n.assessment_pending} awaiting",
        "assessed",
        ["excluded", "assessment_pending", "included"],
    )
    for box, reasons, total in (
        ("records excluded", n.screening_reasons, n.screening_excluded),
        ("reports excluded", n.exclusion_reasons, n.excluded),
    ):
        listed = sum(r.count for r in reasons)
        if listed != total:
            out.append(
                _bare(
                    f"the reasons add up to {listed}, the box counts {total}",
                    field=f"{box} ({label})",
                )
            )
    return out


def _stray(counts: PrismaCounts, arm: Arm, whole: str, parts: list[str]) -> list[str]:
    """Units of `whole` in none or several of `parts`, and units of a part not in `whole`."""
    if not parts:
        return []
    members = counts.members
    everything = members.get(f"{arm.value}.{whole}", frozenset())
    seen: dict[str, int] = {}
    for part in parts:
        for key in members.get(f"{arm.value}.{part}", frozenset()):
            seen[key] = seen.get(key, 0) + 1
    stray = {key for key in everything if seen.get(key) != 1}
    stray |= {key for key in seen if key not in everything}
    return sorted(stray)


def _names(keys: Iterable[str]) -> str:
    keys = list(keys)
    shown = ", ".join(keys[:NAMED])
    return f"{shown} and {len(keys) - NAMED} more" if len(keys) > NAMED else shown
