"""Agreement between two screeners at one stage: the 2×2 table, kappa, PABAK and its indices.

Definitions follow Byrt, Bishop & Carlin (1993), "Bias, prevalence and kappa",
J Clin Epidemiol 46(5):423–429. With the table

                 B include   B exclude
    A include        a           b
    A exclude        c           d

and n = a + b + c + d:

    Po    = (a + d) / n                                    observed agreement
    Pe    = ((a + b)(a + c) + (c + d)(b + d)) / n²         chance agreement from the marginals
    kappa = (Po − Pe) / (1 − Pe)
    PABAK = 2·Po − 1
    PI    = (a − d) / n                                    prevalence index
    BI    = (b − c) / n                                    bias index

Kappa alone misleads when one answer dominates (most records are excluded at
title/abstract stage), so PABAK, PI and BI are reported beside it, and so is
how "maybe" was counted, because that choice changes every number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Decision = Literal["include", "exclude", "maybe"]
Binary = Literal["include", "exclude"]

DECISIONS: frozenset[str] = frozenset({"include", "exclude", "maybe"})
_BINARY: frozenset[str] = frozenset({"include", "exclude"})

KAPPA_UNDEFINED = (
    "kappa is undefined: chance agreement is 1 because both reviewers "
    "gave the same single answer to every record"
)


def _check_binary(maybe_as: str) -> None:
    if maybe_as not in _BINARY:
        raise ValueError(f"maybe_as must be 'include' or 'exclude', not {maybe_as!r}")


def _recode(value: object, maybe_as: str, who: str, index: int) -> tuple[bool, bool]:
    """Return (is include, was maybe); refuse anything else so a typo never counts as a vote."""
    if value not in DECISIONS:
        raise ValueError(
            f"pair {index}: reviewer {who} decision {value!r} is not one of "
            "'include', 'exclude', 'maybe'"
        )
    if value == "maybe":
        return maybe_as == "include", True
    return value == "include", False


@dataclass(frozen=True)
class TwoByTwo:
    """Counts of paired decisions; A is the first element of each pair, B the second.

    `maybe_recoded` counts single decisions (not pairs) that were "maybe" and were
    counted as the `maybe_as` answer, so a report can say how much the rule mattered.
    """

    both_include: int
    a_include_b_exclude: int
    a_exclude_b_include: int
    both_exclude: int
    maybe_recoded: int = 0

    def __post_init__(self) -> None:
        for name in (
            "both_include",
            "a_include_b_exclude",
            "a_exclude_b_include",
            "both_exclude",
            "maybe_recoded",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, not {value!r}")

    @property
    def n(self) -> int:
        return (
            self.both_include
            + self.a_include_b_exclude
            + self.a_exclude_b_include
            + self.both_exclude
        )

    @classmethod
    def from_pairs(
        cls,
        pairs: Iterable[tuple[str, str]],
        *,
        maybe_as: Binary = "include",
    ) -> TwoByTwo:
        """Tabulate (A, B) decisions; "maybe" counts as `maybe_as`.

        The protocol's default is "include" because a maybe moves a record on to
        the next stage, so for progression it behaves as an include.
        """
        _check_binary(maybe_as)
        counts = [0, 0, 0, 0]  # a, b, c, d
        recoded = 0
        for index, (a_value, b_value) in enumerate(pairs, start=1):
            a_inc, a_maybe = _recode(a_value, maybe_as, "A", index)
            b_inc, b_maybe = _recode(b_value, maybe_as, "B", index)
            recoded += a_maybe + b_maybe
            counts[(0 if a_inc else 2) + (0 if b_inc else 1)] += 1
        return cls(counts[0], counts[1], counts[2], counts[3], maybe_recoded=recoded)

    def to_dict(self) -> dict[str, int]:
        return {
            "both_include": self.both_include,
            "a_include_b_exclude": self.a_include_b_exclude,
            "a_exclude_b_include": self.a_exclude_b_include,
            "both_exclude": self.both_exclude,
            "n": self.n,
        }


def observed_agreement(table: TwoByTwo) -> float | None:
    """Po = (a + d) / n; None for an empty table."""
    n = table.n
    if n == 0:
        return None
    return (table.both_include + table.both_exclude) / n


def _chance_numerator(table: TwoByTwo) -> int:
    """n²·Pe as an integer, so Pe = 1 is detected exactly, not by float comparison."""
    a, b, c, d = (
        table.both_include,
        table.a_include_b_exclude,
        table.a_exclude_b_include,
        table.both_exclude,
    )
    return (a + b) * (a + c) + (c + d) * (b + d)


def expected_agreement(table: TwoByTwo) -> float | None:
    """Pe, the agreement two raters with these marginals would reach by chance; None if empty."""
    n = table.n
    if n == 0:
        return None
    return _chance_numerator(table) / (n * n)


def kappa_undefined(table: TwoByTwo) -> bool:
    """True when Pe = 1 (or the table is empty), where kappa's denominator is zero.

    Pe = 1 happens only when both reviewers gave one and the same answer to every
    record; agreement is then perfect but kappa is 0/0, so it is reported as None
    rather than as 1 or 0, either of which would be invented.
    """
    n = table.n
    return n == 0 or _chance_numerator(table) == n * n


def cohen_kappa(table: TwoByTwo) -> float | None:
    """Cohen's kappa; None when undefined (empty table, or Pe = 1: see `kappa_undefined`)."""
    if kappa_undefined(table):
        return None
    n = table.n
    # (Po − Pe) / (1 − Pe) with both scaled by n², kept in integers until the division.
    agree = (table.both_include + table.both_exclude) * n
    chance = _chance_numerator(table)
    return (agree - chance) / (n * n - chance)


def pabak(table: TwoByTwo) -> float | None:
    """PABAK = 2·Po − 1: kappa with prevalence and bias set to their neutral values."""
    n = table.n
    if n == 0:
        return None
    return (2 * (table.both_include + table.both_exclude) - n) / n


def prevalence_index(table: TwoByTwo) -> float | None:
    """PI = (a − d) / n; far from 0 means one answer dominates and kappa is depressed."""
    n = table.n
    if n == 0:
        return None
    return (table.both_include - table.both_exclude) / n


def bias_index(table: TwoByTwo) -> float | None:
    """BI = (b − c) / n; far from 0 means one reviewer includes more readily than the other."""
    n = table.n
    if n == 0:
        return None
    return (table.a_include_b_exclude - table.a_exclude_b_include) / n


@dataclass(frozen=True)
class Agreement:
    """Everything a report needs to state agreement honestly, including how maybe was counted."""

    table: TwoByTwo
    observed: float | None
    expected: float | None
    kappa: float | None
    pabak: float | None
    prevalence_index: float | None
    bias_index: float | None
    maybe_as: Binary
    maybe_recoded: int

    @property
    def n(self) -> int:
        return self.table.n

    @property
    def kappa_note(self) -> str | None:
        """Why kappa is None, for a reader who would otherwise guess."""
        if self.kappa is not None:
            return None
        if self.n == 0:
            return "no records were screened by both reviewers"
        return KAPPA_UNDEFINED

    @classmethod
    def from_table(cls, table: TwoByTwo, *, maybe_as: Binary = "include") -> Agreement:
        _check_binary(maybe_as)
        return cls(
            table=table,
            observed=observed_agreement(table),
            expected=expected_agreement(table),
            kappa=cohen_kappa(table),
            pabak=pabak(table),
            prevalence_index=prevalence_index(table),
            bias_index=bias_index(table),
            maybe_as=maybe_as,
            maybe_recoded=table.maybe_recoded,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; None stays None (null) rather than NaN, which JSON lacks."""
        return {
            "n": self.n,
            "table": self.table.to_dict(),
            "observed_agreement": self.observed,
            "expected_agreement": self.expected,
            "cohen_kappa": self.kappa,
            "kappa_note": self.kappa_note,
            "pabak": self.pabak,
            "prevalence_index": self.prevalence_index,
            "bias_index": self.bias_index,
            "maybe_as": self.maybe_as,
            "maybe_recoded": self.maybe_recoded,
        }


def agreement(pairs: Iterable[tuple[str, str]], *, maybe_as: Binary = "include") -> Agreement:
    """Tabulate two reviewers' decisions on the same records and compute every statistic."""
    return Agreement.from_table(TwoByTwo.from_pairs(pairs, maybe_as=maybe_as), maybe_as=maybe_as)
