"""The model's text and ensemble settings: the title counted more, the SVM
and naive Bayes ranked together, and a simulation that stops retraining
once the figures it reports are settled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from review.prioritise.datasets import read_labelled
from review.prioritise.model import ModelSettings, build_features, record_text, relevance
from review.prioritise.simulate import simulate

FIXTURE = Path(__file__).parent / "fixtures" / "labelled" / "antihistamines_80.csv"


def test_the_title_is_counted_title_weight_times() -> None:
    assert record_text("Cetirizine", "A trial.", ["rhinitis"]) == "Cetirizine A trial. rhinitis"
    assert record_text("Cetirizine", "A trial.", [], 2) == "Cetirizine Cetirizine A trial."
    assert record_text(None, "A trial.", [], 3) == "A trial."
    labelled = read_labelled(FIXTURE)
    title = labelled.fields[0][0]
    assert title
    once = labelled.texts()[0]  # the default: once, as ASReview
    assert once.startswith(title) and not once.startswith(f"{title} {title}")
    thrice = labelled.texts(ModelSettings(title_weight=3))[0]
    assert thrice.startswith(f"{title} {title} {title} ")
    keywords = labelled.fields[0][2]
    assert keywords and labelled.texts(ModelSettings(keywords=True))[0].endswith(" ".join(keywords))
    assert " ".join(keywords) not in labelled.texts()[0]  # the default: left out, as ASReview
    with pytest.raises(ValueError, match="title_weight 0"):
        ModelSettings(title_weight=0)


def test_a_heavier_title_weighs_its_words_above_the_abstracts() -> None:
    fields = [("cetirizine", "rhinitis"), ("loratadine", "asthma"), ("hip", "fracture")]
    for weight, heavier in ((1, False), (2, True)):
        texts = [record_text(title, abstract, [], weight) for title, abstract in fields]
        features = build_features(texts, ModelSettings(ngram_max=1))
        row = features[0].toarray()[0]
        # Columns are in alphabetical order: cetirizine, rhinitis among the six words.
        words = sorted({w for pair in fields for w in pair})
        title, abstract = row[words.index("cetirizine")], row[words.index("rhinitis")]
        assert bool(title > abstract) is heavier and bool(title == abstract) is not heavier


def test_the_svm_and_naive_bayes_ensemble_ranks_into_zero_one() -> None:
    labelled = read_labelled(FIXTURE)
    features = build_features(labelled.texts())
    labels = {row: labelled.labels[row] for row in range(0, 80, 4)}
    scores = relevance(features, labels, ModelSettings(classifier="svm+nb", seed=3))
    alone = relevance(features, labels, ModelSettings(classifier="svm", seed=3))
    assert scores is not None and alone is not None
    assert scores.min() > 0 and scores.max() < 1 and len(np.unique(scores)) > 40
    # It is not the SVM's order under another name.
    assert not np.array_equal(np.argsort(scores, kind="stable"), np.argsort(alone, kind="stable"))
    relevant = [row for row, label in labels.items() if label]
    irrelevant = [row for row, label in labels.items() if not label]
    assert scores[relevant].mean() > scores[irrelevant].mean()


def test_stopping_retraining_at_the_figures_point_changes_no_figure() -> None:
    labelled = read_labelled(FIXTURE)
    features = build_features(labelled.texts())
    for seed in range(3):
        settings = ModelSettings(seed=seed)
        full = simulate(features, labelled.labels, settings=settings, prior=1)
        short = simulate(features, labelled.labels, settings=settings, prior=1, until=(0.95, 0.1))
        assert short.summary()["wss95"] == full.summary()["wss95"]
        assert short.summary()["recall_at_10"] == full.summary()["recall_at_10"]
        assert short.retrains < full.retrains
        assert sorted(short.order) == sorted(full.order)  # every record still screened
