"""When may screening stop? The hypergeometric stopping rule of Callaghan and
Müller-Hansen (2020), "Statistical stopping criteria for automated screening
in systematic reviews", Systematic Reviews 9:273, doi:10.1186/s13643-020-01521-4.

The idea, in our words. Take the last n records screened and pretend they
were drawn at random from the records that were still unscreened when the
first of them came up (an urn). A ranking puts relevant records first, so
records drawn in ranked order hold *at least* as many relevant ones as a
random draw would: treating them as random is conservative. The null
hypothesis is that recall is still below the target τ, which means the urn
held at least K = ⌊r/τ⌋ + 1 − r₀ relevant records (r found in all, r₀ found
before the window). Under it, seeing k or fewer relevant records in the
window has hypergeometric probability P(X ≤ k; urn, K, n). When that is
below 1 − confidence for some window, the null is rejected: stopping now
reaches the target recall at that confidence. As in the authors' reference
code, every window ending at the newest record is tried and the smallest p
is reported (past 1,000 records screened, longer windows are a geometric grid,
which can only make the rule later, never earlier).

The same windows bound the relevant records still unscreened: the largest
count the urn could hold and still make the window's k likely at the chosen
confidence, minus the k found in it. The smallest bound over windows is
reported with an estimate from the same window's rate of relevant records,
(k + ½)/(n + 1) of the unscreened ones: a window without a relevant record
does not prove there are none left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

RULE = "hypergeometric (Callaghan & Müller-Hansen 2020)"
CITATION = (
    "Callaghan MW, Müller-Hansen F. Statistical stopping criteria for automated screening "
    "in systematic reviews. Systematic Reviews. 2020;9:273. doi:10.1186/s13643-020-01521-4"
)
ALL_WINDOWS_UP_TO = 1_000
BOUND_WINDOWS = 60
"""Windows (a geometric grid) searched for the bound on what remains: it is a
reported figure, not the rule, and each one costs a bisection."""


@dataclass(frozen=True, slots=True)
class StoppingFigures:
    """Where screening stands against the stopping rule."""

    total: int
    """Records (units) to screen in all."""
    screened: int
    includes: int
    """Relevant records found (include or maybe)."""
    excludes_since_include: int
    """Consecutive exclusions since the newest include."""
    target_recall: float
    confidence: float
    p_value: float | None
    """Smallest p of the null 'recall is below the target'; None before any decision."""
    safe_to_stop: bool
    remaining_estimate: float | None
    """Relevant records expected among the unscreened ones, (k + ½)/(n + 1) of them."""
    remaining_upper: int | None
    """At most this many are unscreened, at the chosen confidence."""
    recall_lower: float | None
    """Recall is at least this, at the chosen confidence."""

    def as_dict(self) -> dict[str, Any]:
        return {"rule": RULE, **asdict(self)}


def stopping_figures(
    labels: Sequence[int],
    total: int,
    *,
    target_recall: float = 0.95,
    confidence: float = 0.95,
) -> StoppingFigures:
    """The rule's figures for decisions `labels` (1 relevant, 0 not, in the
    order screened) out of `total` records."""
    if not 0 < target_recall <= 1 or not 0 < confidence < 1:
        raise ValueError("target recall must be in (0, 1] and confidence in (0, 1)")
    screened = len(labels)
    if screened > total:
        raise ValueError(f"{screened} records screened but only {total} to screen")
    found = sum(labels)
    since = 0
    for label in reversed(labels):
        if label:
            break
        since += 1
    if screened == 0:
        return StoppingFigures(
            total, 0, 0, 0, target_recall, confidence, None, False, None, None, None
        )
    import numpy as np
    from scipy.stats import hypergeom

    alpha = 1 - confidence
    newest_first = np.asarray(labels[::-1], dtype=np.int64)
    k_all = np.cumsum(newest_first)  # relevant in the last n records, n = 1..screened
    n = _windows(screened)
    k = k_all[n - 1]
    urn = total - screened + n
    # ⌊r/τ⌋ with τ as a fraction: 19 / 0.95 must be 20, not 19.999…
    floor_target = math.floor(Fraction(found) / Fraction(target_recall).limit_denominator(10**6))
    needed = floor_target + 1 - (found - k)
    impossible = needed > urn
    with np.errstate(all="ignore"):
        p = hypergeom.cdf(k, urn, np.minimum(needed, urn), n)
    p = np.where(impossible, 0.0, np.nan_to_num(p, nan=0.0))
    p_min = float(p.min())

    n = np.unique(np.geomspace(1, screened, num=BOUND_WINDOWS).astype(np.int64))
    k = k_all[n - 1]
    upper = _largest_plausible(k, total - screened + n, n, alpha) - k
    best = int(np.argmin(upper))
    unscreened = total - screened
    estimate = float((k[best] + 0.5) / (n[best] + 1) * unscreened)
    remaining_upper = int(min(upper[best], unscreened))
    recall_lower = found / (found + remaining_upper) if found + remaining_upper else 1.0
    return StoppingFigures(
        total,
        screened,
        found,
        since,
        target_recall,
        confidence,
        p_min,
        p_min < alpha,
        estimate,
        remaining_upper,
        recall_lower,
    )


def _windows(screened: int) -> Any:
    """Window sizes tried: every one up to 1,000, then a geometric grid."""
    import numpy as np

    if screened <= ALL_WINDOWS_UP_TO:
        return np.arange(1, screened + 1)
    grid = np.unique(np.geomspace(ALL_WINDOWS_UP_TO, screened, num=300).astype(np.int64))
    return np.unique(np.concatenate([np.arange(1, ALL_WINDOWS_UP_TO + 1), grid, [screened]]))


def _largest_plausible(k: Any, urn: Any, n: Any, alpha: float) -> Any:
    """Per window, the most relevant records the urn can hold with
    P(X ≤ k) ≥ alpha still (bisection: that probability falls as K grows)."""
    import numpy as np
    from scipy.stats import hypergeom

    low = k.copy()  # always plausible: P(X ≤ k) = 1 when the urn holds only k
    high = urn - (n - k)  # the window's n − k irrelevant records were in the urn too
    while np.any(high > low):
        mid = (low + high + 1) // 2
        with np.errstate(all="ignore"):
            ok = hypergeom.cdf(k, urn, mid, n) >= alpha
        low = np.where(ok, mid, low)
        high = np.where(ok, high, mid - 1)
    return low
