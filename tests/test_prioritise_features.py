"""The fast TF-IDF build gives scikit-learn's matrix, and the classifier is
deterministic with its seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from review.prioritise.datasets import read_labelled
from review.prioritise.features import tfidf, words
from review.prioritise.model import ModelSettings, build_features, class_weights, relevance

FIXTURE = Path(__file__).parent / "fixtures" / "labelled" / "antihistamines_80.csv"

AWKWARD = [
    "Café au lait: naïve Bayes vs. SVM (95% CI, p<0.05) — résumé",
    "a b c",  # one-letter words only: no terms
    "",
    "Élan vital; ÉLAN   vital\ttab\nnewline",
    "µ-opioid β-blockers in α2 receptors © 2020 Elsevier Ltd.",
    "pre-decomposed cafe\u0301 and a lone mark \u0301x",
    "snake_case and under_scores, 3rd-generation H1 antihistamines",
    "Ǆ ligature ﬁnal ﬂow ½ dose",
]


def sklearn_tfidf(texts: list[str], **kw: object) -> object:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", **kw
    )
    return vectoriser.fit_transform(texts)


@pytest.mark.parametrize("kw", [{}, {"min_df": 2}, {"max_df": 0.5}])
def test_the_build_gives_scikit_learns_tfidf(kw: dict[str, Any]) -> None:
    texts = read_labelled(FIXTURE).texts + AWKWARD
    ours, theirs = tfidf(texts, **kw), sklearn_tfidf(texts, **kw)
    assert ours.shape == theirs.shape  # type: ignore[attr-defined]
    # Columns come in another order; record-to-record similarities do not.
    ours_gram = (ours @ ours.T).toarray()
    theirs_gram = (theirs @ theirs.T).toarray()  # type: ignore[attr-defined]
    assert np.abs(ours_gram - theirs_gram).max() < 1e-5
    for row in range(len(texts)):
        mine = np.sort(ours[row].data)
        other = np.sort(theirs[row].data)  # type: ignore[index]
        assert np.allclose(mine, other, atol=1e-6)


def test_words_split_as_the_token_pattern_does() -> None:
    assert words("Naïve Bayes, vs. SVM!") == ["naive", "bayes", "vs", "svm"]
    assert words("µ-opioid © 2020") == ["μ", "opioid", "2020"]
    assert words("snake_case x") == ["snake_case", "x"]


def test_the_build_is_the_same_every_time_and_skips_empty_records() -> None:
    texts = ["", "allergic rhinitis", "a", "rhinitis trial"]
    one, two = tfidf(texts), tfidf(texts)
    assert (one != two).nnz == 0 and one.shape == (4, 5)  # 3 words, 2 bigrams
    assert one[0].nnz == 0 and one[2].nnz == 0
    assert np.allclose(np.sqrt(one.multiply(one).sum(axis=1)).A.ravel(), [0, 1, 0, 1])
    assert tfidf(["", "a"]).shape == (2, 1)  # no words at all: one empty column


def test_unigrams_only() -> None:
    assert tfidf(["aa bb", "bb cc"], ngram_max=1).shape == (2, 3)
    with pytest.raises(ValueError, match="bigrams"):
        tfidf(["aa"], ngram_max=3)


def test_class_weights_let_the_includes_outweigh_the_excludes_by_the_ratio() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    weights = class_weights(y, 9.0)
    assert weights[1] * 1 == pytest.approx(9 * weights[0] * 9)
    assert weights[1] + 9 * weights[0] == pytest.approx(10)  # they still sum to the rows
    balanced = class_weights(y, 1.0)
    assert balanced[1] == pytest.approx(9 * balanced[0])


@pytest.mark.parametrize("classifier", ["svm", "logistic"])
def test_the_classifier_is_deterministic_with_its_seed(classifier: str) -> None:
    labelled = read_labelled(FIXTURE)
    features = build_features(labelled.texts)
    labels = {row: labelled.labels[row] for row in range(0, 80, 3)}
    settings = ModelSettings(classifier=classifier, seed=5)
    one = relevance(features, labels, settings)
    two = relevance(features, labels, settings)
    assert one is not None and two is not None
    assert np.array_equal(one, two)
    assert ((one > 0) & (one < 1)).all()
    # It learned: the records labelled relevant score above those labelled not.
    relevant = [row for row, label in labels.items() if label]
    irrelevant = [row for row, label in labels.items() if not label]
    assert one[relevant].mean() > one[irrelevant].mean()


def test_an_unknown_classifier_is_refused() -> None:
    with pytest.raises(ValueError, match="svm, logistic"):
        ModelSettings(classifier="forest")
