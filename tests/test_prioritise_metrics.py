"""Recall@k, WSS@95 and records-to-all against hand-computed cases."""

from __future__ import annotations

import pytest

from review.prioritise.metrics import (
    recall_at,
    recall_curve,
    screened_for_recall,
    screened_to_all,
    wss,
)

# 20 records, 4 relevant at positions 1, 2, 5 and 12 (1-based).
ORDER = [1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_recall_at_counts_the_first_ceil_k_n_records() -> None:
    # 10% of 20 = 2 records: both relevant → 2/4.
    assert recall_at(ORDER, 0.10) == 0.5
    # 25% of 20 = 5 records: relevant at 1, 2, 5 → 3/4.
    assert recall_at(ORDER, 0.25) == 0.75
    # 12% of 20 = 2.4 → 3 records screened: still 2/4.
    assert recall_at(ORDER, 0.12) == 0.5


def test_wss95_is_unscreened_share_at_95_recall_minus_five_percent() -> None:
    # 95% of 4 relevant = 3.8 → all 4 are needed: found at record 12.
    assert screened_for_recall(ORDER, 0.95) == 12
    assert wss(ORDER, 0.95) == pytest.approx((20 - 12) / 20 - 0.05)  # 0.35
    # WSS@75: 3 of 4 needed, found at record 5 → 15/20 − 0.25 = 0.5.
    assert wss(ORDER, 0.75) == pytest.approx(0.5)


def test_wss_of_a_perfect_and_of_the_worst_order() -> None:
    perfect = [1] * 5 + [0] * 95
    # 95% of 5 = 4.75 → 5 needed, found at record 5: 95/100 − 0.05 = 0.90.
    assert wss(perfect, 0.95) == pytest.approx(0.90)
    worst = [0] * 95 + [1] * 5
    assert wss(worst, 0.95) == pytest.approx(-0.05)


def test_wss95_with_twenty_relevant_needs_nineteen_not_twenty() -> None:
    """0.95 × 20 is 19 (not 19.000…04 rounded up to 20)."""
    order = [1] * 19 + [0] * 80 + [1]
    assert screened_for_recall(order, 0.95) == 19
    assert wss(order, 0.95) == pytest.approx(81 / 100 - 0.05)


def test_screened_to_all_is_the_position_of_the_last_relevant_record() -> None:
    assert screened_to_all(ORDER) == 12
    assert screened_to_all([0, 0, 0, 1]) == 4


def test_recall_curve_steps_at_each_relevant_record() -> None:
    curve = recall_curve(ORDER)
    assert curve[:5] == [0.25, 0.5, 0.5, 0.5, 0.75]
    assert curve[11] == 1.0 and len(curve) == 20


def test_no_relevant_record_is_refused() -> None:
    with pytest.raises(ValueError, match="no relevant records"):
        wss([0, 0, 0])
