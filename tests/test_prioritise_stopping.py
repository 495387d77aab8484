"""The hypergeometric stopping rule against hand-computed cases."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from review.prioritise.stopping import stopping_figures


def _p_by_hand(labels: list[int], total: int, target: float) -> float:
    """The rule written out with binomial coefficients, every window tried."""
    found = sum(labels)
    best = 1.0
    for n in range(1, len(labels) + 1):
        k = sum(labels[-n:])
        urn = total - len(labels) + n
        needed = math.floor(Fraction(found) / Fraction(str(target))) + 1 - (found - k)
        if needed > urn:
            return 0.0
        p = sum(
            math.comb(needed, x) * math.comb(urn - needed, n - x) for x in range(k + 1)
        ) / math.comb(urn, n)
        best = min(best, p)
    return best


def test_ten_records_five_screened_target_one_half() -> None:
    """One include then four excludes of 10. Target 50%: the null is 'at least
    two relevant unseen'. Windows of the last 1–4 excludes give C(4,1)/C(6,1),
    C(5,2)/C(7,2), C(6,3)/C(8,3), C(7,4)/C(9,4); with the include, 0.5. The
    smallest is 35/126, not below 0.05: keep screening."""
    figures = stopping_figures([1, 0, 0, 0, 0], 10, target_recall=0.5)
    assert figures.p_value == pytest.approx(35 / 126)
    assert not figures.safe_to_stop
    assert (figures.screened, figures.includes, figures.excludes_since_include) == (5, 1, 4)


def test_two_includes_then_97_excludes_of_100_is_safe() -> None:
    """Target 95%: the null needs one more relevant record in the urn. The
    window of 97 excludes drew them from 98 records, missing it with
    probability 1/98 < 0.05: safe, and nothing is left unscreened but one."""
    figures = stopping_figures([1, 1] + [0] * 97, 100)
    assert figures.p_value == pytest.approx(1 / 98)
    assert figures.safe_to_stop
    assert figures.remaining_upper == 0 and figures.recall_lower == 1.0
    assert figures.excludes_since_include == 97
    assert 0 < figures.remaining_estimate < 0.1  # type: ignore[operator]


def test_a_hundred_includes_then_two_thousand_excludes_of_ten_thousand() -> None:
    """Six more relevant records (⌊100/0.95⌋ + 1 − 100) hidden in 9,900 are all
    missed by a 2,000 draw with probability ≈ (7900/9900)^6 ≈ 0.26: not yet."""
    figures = stopping_figures([1] * 100 + [0] * 2000, 10_000)
    assert figures.p_value == pytest.approx(0.2584, abs=1e-3)
    assert not figures.safe_to_stop
    assert figures.remaining_upper is not None and figures.remaining_upper >= 6
    assert figures.recall_lower is not None and figures.recall_lower < 0.95


@pytest.mark.parametrize("seed", range(8))
def test_matches_the_rule_written_out_on_random_orders(seed: int) -> None:
    rng = random.Random(seed)
    total = rng.randint(30, 80)
    screened = rng.randint(1, total)
    labels = [int(rng.random() < 0.6 - 0.5 * i / screened) for i in range(screened)]
    target = rng.choice([0.8, 0.9, 0.95])
    figures = stopping_figures(labels, total, target_recall=target)
    assert figures.p_value == pytest.approx(_p_by_hand(labels, total, target), abs=1e-9)


def test_the_bound_on_what_remains_agrees_with_the_rule() -> None:
    """Safe to stop ⇔ the bound leaves recall at or above the target."""
    rng = random.Random(5)
    for _ in range(30):
        total = 400
        labels = [1] * rng.randint(1, 30) + [0] * rng.randint(0, 300)
        figures = stopping_figures(labels, total)
        assert figures.recall_lower is not None
        if figures.safe_to_stop:
            assert figures.recall_lower >= 0.95 - 1e-9


def test_everything_screened_is_safe_and_nothing_screened_is_not() -> None:
    assert stopping_figures([0, 1, 0], 3).safe_to_stop
    empty = stopping_figures([], 50)
    assert not empty.safe_to_stop and empty.p_value is None


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        stopping_figures([1], 10, target_recall=1.5)
    with pytest.raises(ValueError):
        stopping_figures([1, 0], 1)
