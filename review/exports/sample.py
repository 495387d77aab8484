"""Which rows the read-back compares cell by cell: the first, the last and
evenly spaced ones between, at most `SAMPLE_ROWS`, the same on every run."""

from __future__ import annotations

SAMPLE_ROWS = 25


def sample_positions(count: int) -> frozenset[int]:
    """0-based row positions to compare, out of `count` rows."""
    if count <= SAMPLE_ROWS:
        return frozenset(range(count))
    step = (count - 1) / (SAMPLE_ROWS - 1)
    return frozenset(round(i * step) for i in range(SAMPLE_ROWS))
