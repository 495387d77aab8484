"""The relevance model: TF-IDF of title + abstract + keywords, then a linear
classifier with balanced class weights.

Why this model: it is the one the active-learning screening literature keeps
finding hard to beat on title/abstract sets (ASReview's defaults are of the
same family), it retrains in well under a second on tens of thousands of
records, and its behaviour is explainable in a methods section. Features are
built once per review (they do not depend on decisions); each retrain fits
only the classifier on the records decided so far and scores the rest.

scikit-learn is imported inside the functions: opening the TUI or running a
command that never ranks must not pay for importing it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

MODEL_NAME = "tfidf-logistic"
"""Stored in the ledger with the settings, so a methods section can name it."""


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Everything that decides a ranking, recorded with it."""

    c: float = 0.3
    """Inverse regularisation strength of the logistic regression. 0.3 was
    chosen by benchmarks/prioritisation_bench.py --tune-on on the three Cohen
    2006 sets (grid 0.1–10, mean WSS@95 over 5 seeds) and reported on the others."""
    ngram_max: int = 2
    """Unigrams and bigrams."""
    min_df: int = 1
    """Terms in fewer records than this are dropped."""
    sublinear_tf: bool = True
    """log(1 + tf): one word repeated in an abstract does not dominate."""
    seed: int = 0
    """Seeds the warm-up order, the tie-breaks and the solver."""

    def as_dict(self) -> dict[str, Any]:
        return {"model": MODEL_NAME, **asdict(self)}


DEFAULTS = ModelSettings()


def record_text(title: str | None, abstract: str | None, keywords: Sequence[str] = ()) -> str:
    """The text a record is ranked by: title, abstract and keywords."""
    return " ".join(part for part in (title or "", abstract or "", " ".join(keywords)) if part)


def build_features(texts: Sequence[str], settings: ModelSettings = DEFAULTS) -> csr_matrix:
    """TF-IDF rows, one per record, in the order given."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        ngram_range=(1, settings.ngram_max),
        min_df=settings.min_df,
        sublinear_tf=settings.sublinear_tf,
        strip_accents="unicode",
        lowercase=True,
        dtype=_float32(),
    )
    try:
        return vectoriser.fit_transform(texts)
    except ValueError:  # every text empty: no vocabulary at all
        from scipy.sparse import csr_matrix

        return csr_matrix((len(texts), 1), dtype=_float32())


def can_train(labels: Mapping[int, int]) -> bool:
    """At least one include and one exclude: before that a classifier has
    nothing to tell apart, and the queue stays in its warm-up order."""
    values = set(labels.values())
    return 0 in values and 1 in values


def relevance(
    features: csr_matrix, labels: Mapping[int, int], settings: ModelSettings = DEFAULTS
) -> np.ndarray | None:
    """Predicted probability of relevance for every row, from the rows labelled
    so far (row → 1 include, 0 exclude); None while `can_train` is false."""
    if not can_train(labels):
        return None
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
    y = np.fromiter(labels.values(), dtype=np.int64, count=len(labels))
    classifier = LogisticRegression(
        C=settings.c,
        class_weight="balanced",
        solver="liblinear",
        dual=True,  # features ≫ decided records: the dual is ~10× faster here
        random_state=settings.seed,
        max_iter=1000,
    )
    classifier.fit(features[rows], y)
    scores: np.ndarray = classifier.predict_proba(features)[:, 1]
    return scores


def _float32() -> Any:
    import numpy as np

    return np.float32
