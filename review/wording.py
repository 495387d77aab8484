"""Counts in words: `1 record`, `2 records`, never `1 records` or `record(s)`.

A leaf module, below every stage, so the methods text screening writes and
the lines a command prints word their counts the same way.
"""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 conflict`, `2 conflicts`, `0 studies`: a count and its noun, plural
    (`noun` + s unless given) but for one."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural or noun + 's'}"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """The noun alone, as `counted` words it after `n`: `missing column: x`."""
    return noun if n == 1 else (many or noun + "s")
