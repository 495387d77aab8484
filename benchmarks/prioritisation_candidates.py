"""The models `benchmarks/prioritisation_bench.py --loso` chooses among.

Every model ever tried for the shipped default stays here, the ones that lost
too: the held-out figures are honest only if the choice is made among all of
them, not among the ones left after seeing how they did held out.
"""

from __future__ import annotations

from typing import Any

BASE: dict[str, Any] = {
    "classifier": "svm", "c": 0.11, "ratio": 20.0, "ngram_max": 2, "min_df": 1, "max_df": 1.0,
    "sublinear_tf": True, "title_weight": 1, "keywords": True, "rescale_weights": True,
}  # fmt: skip
"""What a candidate leaves unsaid (fixed here, not taken from the shipped
defaults: a candidate must name the same model after the defaults change)."""
ELAS_U4: dict[str, Any] = {
    "classifier": "svm", "c": 0.11, "ratio": 9.8, "keywords": False, "max_df": 0.95,
}  # fmt: skip
"""ASReview LAB's default model, as our settings name it."""
CANDIDATES: list[dict[str, Any]] = [
    {"classifier": "svm", "c": 0.11, "ratio": 20.0},  # the previous default
    {"classifier": "logistic", "c": 0.3, "ratio": 1.0},  # the first release's model
    {"classifier": "logistic", "c": 0.3, "ratio": 9.8},
    {"classifier": "logistic", "c": 1.0, "ratio": 20.0},
    {"classifier": "svm", "c": 0.03, "ratio": 20.0},
    {"classifier": "svm", "c": 0.11, "ratio": 5.0},
    {"classifier": "svm", "c": 0.11, "ratio": 9.8},  # ELAS u4's C and weight, our scaling
    {"classifier": "svm", "c": 0.11, "ratio": 40.0},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 2},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 3},
    {"classifier": "svm", "c": 0.03, "ratio": 20.0, "title_weight": 2},
    {"classifier": "svm", "c": 0.03, "ratio": 20.0, "title_weight": 3},
    {"classifier": "svm", "c": 0.11, "ratio": 9.8, "title_weight": 3},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "sublinear_tf": False},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "min_df": 2},
    {"classifier": "svm+nb", "c": 0.11, "ratio": 20.0},
    {"classifier": "svm+nb", "c": 0.11, "ratio": 20.0, "title_weight": 2},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "keywords": False},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "rescale_weights": False},
    # ELAS u4's settings with the weights left unscaled (what this list took
    # for ELAS u4 until ASReview's balancer was read: it rescales them)
    {**ELAS_U4, "rescale_weights": False},
    # ASReview's ELAS u4 itself: title + abstract, max_df 0.95, weights rescaled
    # to the number of records (in our pipeline, words read as written: the
    # figures of `asreview simulate` on every set and seed)
    ELAS_U4,
    {**ELAS_U4, "title_weight": 3},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "keywords": False, "max_df": 0.95},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 3, "max_df": 0.95},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 2, "max_df": 0.95},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 3, "keywords": False},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 2, "keywords": False},
    # ELAS u4's settings unscaled, with the title counted 2-3 times or keywords in
    {**ELAS_U4, "rescale_weights": False, "title_weight": 2},
    {**ELAS_U4, "rescale_weights": False, "title_weight": 3},
    {"classifier": "svm", "c": 0.11, "ratio": 9.8, "max_df": 0.95, "rescale_weights": False},
    {"classifier": "svm", "c": 0.11, "ratio": 9.8, "rescale_weights": False, "title_weight": 3},
    # Added with the worst-margin criterion, before any was run held out:
    # the SVM's ranks averaged with a logistic regression's (same C, weights)
    {"classifier": "svm+logistic", "c": 0.11, "ratio": 20.0},
    {"classifier": "svm+logistic", "c": 0.11, "ratio": 20.0, "title_weight": 3},
    {**ELAS_U4, "classifier": "svm+logistic"},
    {"classifier": "svm+nb", "c": 0.11, "ratio": 20.0, "title_weight": 3},
    # the title counted 3 times with plain tf, or without the rarest terms
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 3, "sublinear_tf": False},
    {"classifier": "svm", "c": 0.11, "ratio": 20.0, "title_weight": 3, "min_df": 2},
    # ELAS u4 with the title counted twice, or without the rarest terms
    {**ELAS_U4, "title_weight": 2},
    {**ELAS_U4, "min_df": 2},
    {
        "classifier": "svm",
        "c": 0.11,
        "ratio": 20.0,
        "title_weight": 2,
        "keywords": False,
        "max_df": 0.95,
    },
]
"""What --loso chooses among (ModelSettings fields; the rest as in BASE)."""
