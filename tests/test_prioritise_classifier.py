"""The classifier and its features: deterministic, weighted by the include ratio, learning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from review.prioritise.datasets import read_labelled
from review.prioritise.model import ModelSettings, build_features, class_weights, relevance

FIXTURE = Path(__file__).parent / "fixtures" / "labelled" / "antihistamines_80.csv"


def test_the_build_is_the_same_every_time_and_keeps_empty_records() -> None:
    texts = ["", "allergic rhinitis", "a", "rhinitis trial"]
    one, two = build_features(texts), build_features(texts)
    assert (one != two).nnz == 0 and one.shape == (4, 5)  # 3 words, 2 bigrams
    assert one[0].nnz == 0 and one[2].nnz == 0
    assert build_features(["", "a"]).shape == (2, 1)  # no words at all: one empty column


def test_words_are_read_as_written_as_asreviews_elas_u4_reads_them() -> None:
    """Folding accents made "café" and "cafe" one word and "™" a word "tm":
    on Nagtegaal 2019 that alone made the same model screen other records
    than ASReview from the 12th decision on."""
    texts = ["café trial", "cafe trial", "brand™ trial", "tm trial", "11 µg dose", "11 μg dose"]
    rows = build_features(texts, ModelSettings(max_df=1.0))
    similar = (rows @ rows.T).toarray()
    assert similar[0, 1] < 0.5 and similar[4, 5] < 0.5  # é ≠ e, the micro sign ≠ μ
    assert similar[2, 3] < 0.5  # "brand™ trial" shares only "trial" with "tm trial"
    # ELAS u4's features (asreview/models/feature_extractors.py: scikit-learn's
    # vectoriser with its defaults but these four) are review's, value for value.
    from sklearn.feature_extraction.text import TfidfVectorizer

    odd = ["Zyrtec™ in naïve patients: 10 µg", "déjà vu ﬁbre trial", "FIBRE trial"]
    texts = [*read_labelled(FIXTURE).texts(), *odd]
    elas_u4 = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95)
    theirs = elas_u4.fit_transform(texts)
    ours = build_features(texts, ModelSettings())
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-6


def test_class_weights_let_the_includes_outweigh_the_excludes_by_the_ratio() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    weights = class_weights(y, 9.0)
    assert weights[1] * 1 == pytest.approx(9 * weights[0] * 9)
    assert weights[1] + 9 * weights[0] == pytest.approx(10)  # they still sum to the rows
    balanced = class_weights(y, 1.0)
    assert balanced[1] == pytest.approx(9 * balanced[0])
    unscaled = class_weights(y, 9.0, rescale=False)  # an include weighs 1
    assert unscaled == {1: 1.0, 0: pytest.approx(1 / 81)}


@pytest.mark.parametrize("classifier", ["svm", "logistic", "svm+nb", "svm+logistic"])
def test_the_classifier_is_deterministic_with_its_seed(classifier: str) -> None:
    labelled = read_labelled(FIXTURE)
    features = build_features(labelled.texts())
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
