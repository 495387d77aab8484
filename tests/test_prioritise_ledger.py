"""The ledger of prioritised screening reaches the methods section: a stop
records the model, its settings and seed with the rule's figures, and
`review status` and the export's Methods sheet (read back from the .xlsx)
report them; nothing is reported for a review that never prioritised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.entry import main
from review.exports import export_review
from review.models import Stage
from review.prioritise.model import DEFAULTS, ModelSettings
from review.screening.priority import Prioritiser
from review.screening.priority_ledger import history, record_stop
from review.screening.ranker import rank
from review.store import Store
from tests.test_export import sheet_rows
from tests.test_prioritise_screening import (
    decide_truly,
    review,  # noqa: F401  (fixture: 80 labelled records, nothing decided)
    session,
)


def run(*args: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return int(exited.value.code or 0)


def screen_prioritised(
    path: Path, reviewer: str, decisions: int, settings: ModelSettings = DEFAULTS
) -> None:
    """Turn prioritisation on as the screen does (a `start` event with the
    ledger's settings) and decide `decisions` records by their labels."""
    ann = session(path, reviewer)
    prioritiser = Prioritiser(ann, settings)
    ann.store.prioritisation.record(
        Stage.TITLE_ABSTRACT, "start", reviewer=reviewer, settings=prioritiser.ledger_settings()
    )
    decide_truly(ann, prioritiser, decisions)
    if prioritiser.due():
        prioritiser.apply(rank(prioritiser.request()))
    ann.store.close()


def test_a_stop_from_the_command_line_records_the_model_it_screened_with(
    review: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    screen_prioritised(review, "ann", 12)
    assert run("stopping", str(review), "--reviewer", "ann", "--stop", "--json") == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["screened"] == 12
    with Store.open(review) as fresh:
        [mine] = history(fresh)
        events = fresh.prioritisation.events()
    assert [e.action for e in events] == ["start", "stop"]
    assert mine.on and mine.stop is not None
    settings = mine.stop.settings
    assert settings["model"] == "tfidf-svm" and settings["seed"] == 0
    assert settings["retrain_every"] == 1 and settings["warm_up"] == "random"
    assert settings["library"].startswith("scikit-learn")
    assert printed["recorded_stop"]["settings"] == settings
    figures = mine.stop.figures
    assert figures["screened"] == 12 and figures["total"] == 80
    assert figures["target_recall"] == 0.95 and figures["confidence"] == 0.95
    assert 0 <= figures["p_value"] <= 1 and figures["rule"].startswith("hypergeometric")
    assert events[1].app_version  # the version that recorded it, for the methods section


def test_status_and_the_methods_sheet_report_prioritisation_and_the_stop(
    review: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    screen_prioritised(review, "ann", 20)
    assert run("stopping", str(review), "--reviewer", "ann", "--stop") == 0
    out = capsys.readouterr().out
    assert "Recorded: you stop screening here (prioritised by tfidf-svm, seed 0)" in out
    with Store.open(review) as fresh:
        figures = history(fresh)[0].stop.figures  # type: ignore[union-attr]

    assert run("status", str(review)) == 0
    status = capsys.readouterr().out
    assert "Prioritised screening (for the methods section):" in status
    assert "title_abstract ann: on" in status
    assert "a linear SVM (C = 0.11) with the relevant records weighted 9.8 to 1" in status
    assert "random seed 0" in status and "after every decision (one retrain at a time" in status
    assert f"after 20 of 80 records (25.0%), with {figures['includes']} relevant" in status
    assert "target recall 95% at 95% confidence" in status
    assert "Cite the stopping rule as: Callaghan MW, Müller-Hansen F." in status

    with Store.open(review) as store:
        result = export_review(store, tmp_path / "out", draft=True, parts=("xlsx",))
    [workbook] = [f.path for f in result.files]
    assert "Methods" in load_workbook(workbook, read_only=True).sheetnames
    rows = sheet_rows(workbook, "Methods")
    by_topic = {str(r["topic"]): str(r["statement"]) for r in rows}
    assert list(by_topic) == [
        "Prioritised screening", "Model", "Warm-up", "Retraining", "Stopping",
        "Stopping rule", "Reference",
    ]  # fmt: skip
    assert all(r["reviewer"] == "ann" for r in rows[:-1]) and rows[-1]["reviewer"] is None
    assert by_topic["Prioritised screening"].startswith(
        "ann screened title/abstract records in order of predicted relevance"
    )
    assert "(still on)" in by_topic["Prioritised screening"]
    assert "TF-IDF features of title and abstract (word n-grams" in by_topic["Model"]
    assert "word n-grams of 1 to 2 words" in by_topic["Model"]
    assert "random seed 0" in by_topic["Model"] and "scikit-learn" in by_topic["Model"]
    assert "random order drawn with seed 0" in by_topic["Warm-up"]
    assert "0 records known to be relevant were given" in by_topic["Warm-up"]
    assert "after every decision" in by_topic["Retraining"]
    assert "own decisions only" in by_topic["Retraining"]
    assert "after 20 of 80 records (25.0%)" in by_topic["Stopping"]
    p_value = figures["p_value"]
    p_text = "< 0.001" if p_value < 0.001 else f"= {p_value:.3f}"
    assert f"target recall 95% at 95% confidence: p {p_text}" in by_topic["Stopping rule"]
    assert "doi:10.1186/s13643-020-01521-4" in by_topic["Reference"]
    notes = [str(r["meaning"]) for r in sheet_rows(workbook, "Dictionary")]
    assert "Methods: 7 rows" in notes


def test_the_text_weighting_and_ensemble_settings_are_recorded_and_reported(
    review: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = ModelSettings(
        classifier="svm+nb", title_weight=2, keywords=False, rescale_weights=False, seed=4
    )
    screen_prioritised(review, "ann", 15, settings)
    assert run("stopping", str(review), "--reviewer", "ann", "--stop") == 0
    capsys.readouterr()
    with Store.open(review) as fresh:
        [mine] = history(fresh)
    assert mine.stop is not None
    recorded = mine.stop.settings
    assert recorded["model"] == "tfidf-svm+nb" and recorded["title_weight"] == 2
    kept = {k: v for k, v in recorded.items() if k in ModelSettings.__dataclass_fields__}
    assert ModelSettings(**kept) == settings  # the ledger gives the same model back
    assert run("status", str(review)) == 0
    status = capsys.readouterr().out
    assert "TF-IDF features of title (counted twice) and abstract (" in status
    assert "(class weights not rescaled to the number of records)" in status
    assert "averaged with a multinomial naive Bayes's" in status and "random seed 4" in status
    assert "other settings" not in status  # every setting in words, none left raw


def test_nothing_is_reported_when_prioritisation_was_never_on(
    review: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ann = session(review, "ann")
    for decision in ("include", "exclude"):
        ann.decide(decision)  # type: ignore[arg-type]
    ann.store.close()
    assert run("stopping", str(review), "--reviewer", "ann") == 0  # looking records nothing
    capsys.readouterr()
    assert run("status", str(review)) == 0
    assert "Prioritised screening" not in capsys.readouterr().out
    assert run("status", str(review), "--json") == 0
    assert json.loads(capsys.readouterr().out)["prioritisation"] == {}
    with Store.open(review) as store:
        assert store.prioritisation.events() == []
        result = export_review(store, tmp_path / "out", draft=True, parts=("xlsx",))
    [workbook] = [f.path for f in result.files]
    assert "Methods" not in load_workbook(workbook, read_only=True).sheetnames
    notes = " ".join(str(r["meaning"]) for r in sheet_rows(workbook, "Dictionary"))
    assert "Methods" not in notes and "prioritis" not in notes.lower()


def test_a_stop_without_prioritisation_says_the_queue_was_not_prioritised(
    review: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    screen_prioritised(review, "ann", 6)
    with Store.open(review) as store:
        store.prioritisation.record(Stage.TITLE_ABSTRACT, "off", reviewer="ann")
        bob = session(review, "bob")
        bob.decide("exclude", ["population"])
        from review.screening.priority import reviewer_figures

        record_stop(store, "bob", reviewer_figures(bob))
        record_stop(store, "ann", reviewer_figures(session(review, "ann")))
        reviewers = history(store)
    assert [(r.reviewer, r.on, r.stop is not None) for r in reviewers] == [
        ("ann", False, True),
        ("bob", False, True),
    ]
    assert reviewers[0].stop.settings == {} and reviewers[1].settings is None  # type: ignore[union-attr]
    assert reviewers[0].periods[0][1] is not None  # turned off: the period has an end
    assert run("status", str(review)) == 0
    status = capsys.readouterr().out
    assert "title_abstract bob: never prioritised" in status
    assert "the queue was not prioritised at that point" in status
    assert "ann screened title/abstract records in order of predicted relevance" in status
    assert "(still on)" not in status


def test_the_ledger_replays_the_same_in_any_order_and_summarises_many_sessions() -> None:
    from review.screening.priority_ledger import replay
    from review.screening.priority_methods import methods_statements
    from review.store.prioritisation import PrioritisationEvent

    settings = {"model": "tfidf-logistic", "c": 0.3, "seed": 4, "retrain_every": 5}

    def event(day: int, action: str) -> PrioritisationEvent:
        return PrioritisationEvent(
            Stage.TITLE_ABSTRACT, action, settings if action == "start" else {},  # type: ignore[arg-type]
            {}, "ann", f"2026-12-{day:02d}T09:00:00.000000+00:00", f"u{day}", "0.1.0",
        )  # fmt: skip

    events = [event(day, "start" if day % 2 else "off") for day in range(1, 10)]
    forwards, backwards = replay(events), replay(reversed(events))
    assert forwards == backwards
    [ann] = forwards
    assert ann.on and len(ann.periods) == 5 and ann.periods[-1] == (events[-1].created_at, None)
    [first, model, *_] = methods_statements(forwards)
    assert "in 5 sessions between 2026-12-01 09:00 UTC and now (still on)" in first.text
    assert "random seed 4" in model.text and "as run by review 0.1.0" in model.text
    # What an earlier release recorded is described as it was, not as today's model.
    assert "logistic regression with balanced class weights (C = 0.3)" in model.text
    retraining = next(s for s in methods_statements(forwards) if s.topic == "Retraining")
    assert "after every 5 decisions" in retraining.text
    assert all(s.topic != "Stopping" for s in methods_statements(forwards))  # none recorded


def test_the_svm_and_logistic_ensemble_is_named_in_the_methods_sentence() -> None:
    from review.screening.priority_methods import describe_model

    settings = ModelSettings(classifier="svm+logistic", title_weight=3, seed=2)
    text = describe_model(settings.as_dict())
    assert "a linear SVM (C = 0.11)" in text and "model id tfidf-svm+logistic" in text
    assert "averaged with a logistic regression's (the same C and weights" in text
    assert "other settings" not in text


def test_a_stop_for_a_reviewer_who_screened_nothing_is_refused(
    review: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mistyped name must not put 'stopped after 0 records' in the methods."""
    screen_prioritised(review, "ann", 12)
    assert run("stopping", str(review), "--reviewer", "anne", "--stop") == 2
    err = capsys.readouterr().err
    assert "anne has screened no title/abstract records: no stop recorded" in err
    with Store.open(review) as fresh:
        assert [e.action for e in fresh.prioritisation.events()] == ["start"]
    assert run("stopping", str(review), "--reviewer", "anne") == 0  # the figures still show


def test_screening_on_after_a_stop_is_said_in_the_methods(
    review: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    screen_prioritised(review, "ann", 12)
    assert run("stopping", str(review), "--reviewer", "ann", "--stop") == 0
    assert run("status", str(review)) == 0
    assert "went on screening" not in capsys.readouterr().out
    ann = session(review, "ann")
    for _ in range(3):
        ann.decide("include")
    ann.undo()  # the third is taken back: two more records stand
    ann.store.close()
    with Store.open(review) as fresh:
        [mine] = history(fresh)
    assert mine.after_stop is not None and mine.after_stop.screened == 2
    assert mine.after_stop.relevant == 2
    assert run("status", str(review)) == 0
    assert "ann went on screening after that stop: 2 more records up to" in capsys.readouterr().out


def test_a_record_screened_before_the_stop_and_changed_after_is_not_more_screening() -> None:
    from review.models import DecisionEvent
    from review.screening.priority_ledger import after_stop

    def event(key: str, at: str, decision: str | None, kind: str = "screen") -> DecisionEvent:
        return DecisionEvent(0, key, Stage.TITLE_ABSTRACT, kind, decision, (), None, "ann", at,
                             f"{key}{at}")  # type: ignore[arg-type]  # fmt: skip

    stop = "2026-12-01T10:00"
    events = [
        event("a", "2026-12-01T09:00", "exclude"),
        event("a", "2026-12-01T11:00", "include"),  # changed after: not more screening
        event("b", "2026-12-01T11:30", "exclude"),
        event("c", "2026-12-01T12:00", "maybe"),
    ]
    later = after_stop(reversed(events), stop)  # any stored order: replayed by stamp
    assert later is not None
    assert (later.screened, later.relevant, later.last) == (2, 1, "2026-12-01T12:00")
    assert after_stop(events[:2], stop) is None


def test_a_stop_after_the_prioritised_session_closed_records_its_model(
    review: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The usual way: screen prioritised, quit (the screen records a session's
    'off'), then `review stopping --stop`. The queue was prioritised and stays
    so for the next session: the methods must not say it was not."""
    from review.screening.priority_ledger import SESSION_ENDED

    screen_prioritised(review, "ann", 12)
    with Store.open(review) as store:
        store.prioritisation.record(
            Stage.TITLE_ABSTRACT, "off", reviewer="ann", figures={SESSION_ENDED: True}
        )
    assert run("stopping", str(review), "--reviewer", "ann", "--stop") == 0
    assert "prioritised by tfidf-svm, seed 0" in capsys.readouterr().out
    with Store.open(review) as fresh:
        [mine] = history(fresh)
    assert mine.stop is not None and mine.stop.settings["model"] == "tfidf-svm"
    assert run("status", str(review)) == 0
    assert "the queue was not prioritised at that point" not in capsys.readouterr().out
