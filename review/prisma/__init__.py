"""PRISMA 2020 from the ledger: counts, their arithmetic, and the files that carry them.

`load_prisma` reads a review and returns checked counts; `csv`, `svg` and
`text` render them. Pure core: no SQL here (the store's repositories do the
reading) and no UI framework.
"""

from review.prisma.checks import PrismaError, Violation, check_prisma
from review.prisma.counts import Arm, ArmCounts, PrismaCounts, ReasonCount, SourceCount
from review.prisma.load import load_prisma

__all__ = [
    "Arm",
    "ArmCounts",
    "PrismaCounts",
    "PrismaError",
    "ReasonCount",
    "SourceCount",
    "Violation",
    "check_prisma",
    "load_prisma",
]
