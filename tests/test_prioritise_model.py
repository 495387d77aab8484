"""The ranking model: warm-up, seeded determinism, and that it learns."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.errors import ImportFormatError
from review.prioritise.datasets import read_labelled
from review.prioritise.model import ModelSettings, build_features, can_train, relevance
from review.prioritise.order import ranked_order, warm_up_order
from review.prioritise.simulate import draw_priors, simulate, simulate_random

FIXTURE = Path(__file__).parent / "fixtures" / "labelled" / "antihistamines_80.csv"


@pytest.fixture(scope="module")
def labelled():  # type: ignore[no-untyped-def]
    return read_labelled(FIXTURE)


def test_reads_the_default_label_column(labelled) -> None:  # type: ignore[no-untyped-def]
    assert labelled.label_column == "label_included"
    assert len(labelled.labels) == 80 and labelled.relevant == 16
    assert "antihistamin" in " ".join(labelled.texts()).lower()


def test_a_missing_label_column_names_the_columns_there(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text("title,abstract,verdict\nA trial,Text,1\nA cohort,Text,0\n")
    with pytest.raises(ImportFormatError) as caught:
        read_labelled(path)
    assert "label_included" in str(caught.value) and "verdict" in str(caught.value)
    assert caught.value.exit_code == 3
    assert read_labelled(path, "VERDICT").labels == [1, 0]


def test_a_bad_label_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text("title,abstract,label\nA trial,Text,1\nA cohort,Text,perhaps\n")
    with pytest.raises(ImportFormatError) as caught:
        read_labelled(path)
    assert caught.value.line == 3 and "perhaps" in str(caught.value)


def test_warm_up_until_one_include_and_one_exclude() -> None:
    assert not can_train({})
    assert not can_train({0: 1, 1: 1})
    assert not can_train({0: 0})
    assert can_train({0: 1, 1: 0})
    assert relevance(build_features(["a b", "c d"]), {0: 1}) is None


def test_warm_up_order_is_random_but_fixed_by_the_seed() -> None:
    rows = list(range(50))
    first = warm_up_order(rows, seed=3)
    assert first == warm_up_order(rows, seed=3)
    assert first != rows and sorted(first) == rows
    assert first != warm_up_order(rows, seed=4)
    assert ranked_order(rows, None, 3) == first


def test_the_model_ranks_records_like_the_included_ones_first() -> None:
    texts = [
        "antihistamine allergic rhinitis randomised trial",
        "cetirizine versus placebo in allergic rhinitis",
        "hip fracture surgery outcomes in elderly",
        "knee replacement rehabilitation cohort",
        "loratadine allergic rhinitis symptom scores",
        "hip arthroplasty infection rates",
    ]
    features = build_features(texts)
    scores = relevance(features, {0: 1, 2: 0})
    assert scores is not None
    order = ranked_order([1, 3, 4, 5], scores, seed=0)
    assert set(order[:2]) == {1, 4}


def test_simulation_is_deterministic_with_a_seed_and_beats_random(labelled) -> None:  # type: ignore[no-untyped-def]
    features = build_features(labelled.texts())
    settings = ModelSettings(seed=7)
    one = simulate(features, labelled.labels, settings=settings, prior=1)
    two = simulate(features, labelled.labels, settings=settings, prior=1)
    assert one.order == two.order and one.priors == two.priors
    assert len(one.order) == 78 and sorted(one.order + one.priors) == list(range(80))
    assert one.retrains > 0
    assert simulate_random(labelled.labels, seed=7, prior=1).priors == one.priors
    # 80 records, 16 relevant: one seed's WSS@95 hangs on the last hard include,
    # so compare recall after a quarter screened, over five seeds.
    ours = [
        simulate(features, labelled.labels, settings=ModelSettings(seed=s), prior=1)
        for s in range(5)
    ]
    chance = [simulate_random(labelled.labels, seed=s, prior=1) for s in range(5)]
    mean = lambda runs: sum(r.summary()["recall_at_25"] for r in runs) / len(runs)  # noqa: E731
    assert mean(ours) > 1.5 * mean(chance)


def test_priors_are_drawn_with_the_seed_from_each_class(labelled) -> None:  # type: ignore[no-untyped-def]
    priors = draw_priors(labelled.labels, 2, seed=1)
    assert priors == draw_priors(labelled.labels, 2, seed=1)
    assert [labelled.labels[row] for row in priors] == [1, 1, 0, 0]
    with pytest.raises(ValueError, match="--prior 20"):
        draw_priors(labelled.labels, 20, seed=1)


def test_with_prior_knowledge_the_first_record_is_the_models_first_choice(labelled) -> None:  # type: ignore[no-untyped-def]
    # One include and one exclude given: the model can rank before anything is
    # screened, as the screening queue does and as ASReview does; the first
    # record offered must be its top one, not a draw from the warm-up order.
    features = build_features(labelled.texts())
    for seed in range(5):
        settings = ModelSettings(seed=seed)
        run = simulate(features, labelled.labels, settings=settings, prior=1)
        known = {row: labelled.labels[row] for row in run.priors}
        rest = sorted(set(range(80)) - set(run.priors))
        top = ranked_order(rest, relevance(features, known, settings), seed)[0]
        assert run.order[0] == top
        assert run.retrains == len(run.order)  # before the first, after each but the last
