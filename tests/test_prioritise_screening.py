"""Prioritised screening over a real review file: the queue follows the
reviewer's own model, blinding holds, prior knowledge and undo count, and
stopping is recorded where `review status` reports it."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from review.ingest import ImportOptions, import_paths
from review.models import SourceKind, Stage
from review.review_file import create_review, review_protocol
from review.screening.priority import PRIOR_LABEL, Prioritiser, reviewer_figures
from review.screening.ranker import RankingPool, rank
from review.screening.session import ScreeningSession
from review.status import review_status
from review.store import Store
from tests.conftest import FIXTURES, SAMPLE_PROTOCOL

LABELLED = FIXTURES / "labelled" / "antihistamines_80.csv"


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Path]:
    """A blind two-reviewer review of 80 labelled records (16 relevant)."""
    path = tmp_path / "prioritise.db"
    with create_review(path, SAMPLE_PROTOCOL) as store:
        options = ImportOptions(kind=SourceKind.DATABASE, source_name="Cohen")
        import_paths(store, [LABELLED], options)
    yield path


def session(path: Path, reviewer: str) -> ScreeningSession:
    store = Store.open(path)
    return ScreeningSession(store, review_protocol(store), reviewer, Stage.TITLE_ABSTRACT)


with LABELLED.open(encoding="utf-8", newline="") as handle:
    TRUTH = {row["title"].strip(): int(row["label_included"]) for row in csv.DictReader(handle)}


def truth(screening: ScreeningSession) -> int:
    record = screening.record()
    assert record is not None and record.title is not None
    return TRUTH[record.title.strip()]


def decide_truly(screening: ScreeningSession, prioritiser: Prioritiser, n: int) -> list[int]:
    """Decide `n` records as the labels say, retraining whenever one is due."""
    seen = []
    for _ in range(n):
        if prioritiser.due():
            prioritiser.apply(rank(prioritiser.request()))
        label = truth(screening)
        seen.append(label)
        screening.decide("include" if label else "exclude")
    return seen


def test_the_queue_follows_the_reviewers_model(review: Path) -> None:
    ann = session(review, "ann")
    prioritiser = Prioritiser(ann)
    # Warm-up: a seeded random order, shown at once; no model before an
    # include and an exclude.
    assert prioritiser.status().warm_up and not prioritiser.due()
    assert prioritiser.relevance(0) is None
    first = ann.current
    assert first is not None and first.position == prioritiser.ranking.order[0]  # type: ignore[union-attr]
    assert first.position != 0
    assert Prioritiser(session(review, "ann")).ranking.order == prioritiser.ranking.order  # type: ignore[union-attr]
    found = decide_truly(ann, prioritiser, 40)
    # Half the records screened in model order hold far more than half the
    # relevant ones (16 of 80 are relevant; random order finds 8 on average).
    assert sum(found) >= 13
    assert not prioritiser.status().warm_up
    assert prioritiser.relevance(ann.current.position) is not None  # type: ignore[union-attr]
    with Store.open(review) as fresh:  # every decision is on disk
        assert len(fresh.screening.decisions(reviewer="ann")) == 40


def test_each_reviewer_learns_only_from_their_own_decisions(review: Path) -> None:
    ann, bob = session(review, "ann"), session(review, "bob")
    prioritiser = Prioritiser(ann)
    decide_truly(ann, prioritiser, 3)
    mine = dict(prioritiser.labels)
    for _ in range(10):
        bob.decide("include")
    assert ann.refresh() == 10
    assert prioritiser.labels == mine


def test_prior_knowledge_and_undo_change_what_the_model_learns(review: Path) -> None:
    ann = session(review, "ann")
    unit = ann.current
    assert unit is not None
    ann.toggle_label(PRIOR_LABEL)
    prioritiser = Prioritiser(session(review, "ann"))
    assert prioritiser.labels == {unit.position: 1}
    screening = prioritiser.session
    screening.decide("exclude")
    decided = next(iter(set(prioritiser.labels) - {unit.position}), unit.position)
    assert prioritiser.labels[decided] == 0
    screening.undo()
    assert prioritiser.labels == {unit.position: 1}


def test_stopping_figures_count_the_reviewers_decisions_in_order(review: Path) -> None:
    ann = session(review, "ann")
    for decision in ("include", "exclude", "exclude", "include", "exclude"):
        ann.decide(decision)  # type: ignore[arg-type]
    figures = reviewer_figures(ann)
    assert (figures.total, figures.screened, figures.includes) == (80, 5, 2)
    assert figures.excludes_since_include == 1 and not figures.safe_to_stop


def test_start_and_stop_are_recorded_and_reported_by_status(review: Path) -> None:
    ann = session(review, "ann")
    prioritiser = Prioritiser(ann)
    ann.store.prioritisation.record(
        Stage.TITLE_ABSTRACT, "start", reviewer="ann", settings=prioritiser.settings.as_dict()
    )
    ann.decide("include")
    figures = reviewer_figures(ann)
    ann.store.prioritisation.record(
        Stage.TITLE_ABSTRACT, "stop", reviewer="ann", figures=figures.as_dict()
    )
    with Store.open(review) as fresh:
        report = review_status(fresh)["prioritisation"]
    ann_report = report["title_abstract"]["ann"]
    assert ann_report["model"]["model"] == "tfidf-svm" and ann_report["model"]["seed"] == 0
    assert ann_report["stopped"]["screened"] == 1
    assert ann_report["stopped"]["rule"].startswith("hypergeometric")


def test_the_worker_process_ranks_the_review(review: Path) -> None:
    ann = session(review, "ann")
    prioritiser = Prioritiser(ann)
    decide_truly(ann, prioritiser, 0)
    ann.decide("include")
    ann.decide("exclude")
    pool = RankingPool()
    try:
        ranking = pool.submit(prioritiser.request()).result(timeout=120)
    finally:
        pool.shutdown()
    prioritiser.apply(ranking)
    assert ranking.scores is not None and len(ranking.order) == 80
    assert sorted(ranking.order) == list(range(80))
    assert set(ranking.order[-2:]) == set(prioritiser.labels)


def test_review_stopping_prints_records_and_status_reports(
    review: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from review.entry import main

    ann = session(review, "ann")
    for decision in ("include", "exclude", "exclude"):
        ann.decide(decision)  # type: ignore[arg-type]
    ann.store.close()

    def run(*args: str) -> int:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        return int(exited.value.code or 0)

    assert run("stopping", str(review), "--reviewer", "ann", "--json") == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["screened"], figures["includes"], figures["total"]) == (3, 1, 80)
    assert run("stopping", str(review), "--reviewer", "ann", "--stop") == 0
    out = capsys.readouterr().out
    assert "3 of 80 screened" in out and "keep screening" in out and "Recorded" in out
    assert run("status", str(review)) == 0
    status = capsys.readouterr().out
    assert "Prioritised screening (for the methods section):" in status
    assert "ann: never prioritised" in status and "after 3 of 80 records" in status


def test_the_model_retrains_after_every_decision_one_retrain_at_a_time(review: Path) -> None:
    ann = session(review, "ann")
    prioritiser = Prioritiser(ann)
    ann.decide("include")
    assert not prioritiser.due()  # warm-up: no exclude yet
    ann.decide("exclude")
    assert prioritiser.due()
    prioritiser.apply(rank(prioritiser.request()))
    assert not prioritiser.due()
    ann.decide("exclude")
    assert prioritiser.due()
    running = prioritiser.request()
    ann.decide("exclude")  # decided while the worker trains
    assert not prioritiser.due()  # the next waits for this one
    prioritiser.apply(rank(running))
    assert prioritiser.due() and prioritiser.ranking.decisions == 3  # type: ignore[union-attr]
    assert len(prioritiser.request().labels) == 4


def test_a_sparser_schedule_still_retrains_at_once_on_an_include(review: Path) -> None:
    ann = session(review, "ann")
    prioritiser = Prioritiser(ann, every=3)
    ann.decide("include")
    ann.decide("exclude")
    prioritiser.apply(rank(prioritiser.request()))
    ann.decide("exclude")
    ann.decide("exclude")
    assert not prioritiser.due()
    ann.decide("exclude")
    assert prioritiser.due()
    prioritiser.apply(rank(prioritiser.request()))
    ann.decide("include")
    assert prioritiser.due()
