"""`review status` counts every stage the home shows, with each stage's own core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.dedup.run import dedupe_review
from review.entry import main
from review.models import Stage
from review.review_file import review_protocol
from review.sample import build_sample
from review.screening.session import ScreeningSession
from review.status import review_status
from review.store import Store
from tests.conftest import FIXTURES, fixed_clock
from tests.dedup_helpers import add_source, paper
from tests.test_cli_screening import screened  # noqa: F401  (the fixture)


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path, now=fixed_clock).close()
    return path


def test_stages_of_the_sample(sample: Path) -> None:
    with Store.open(sample) as store:
        stages = review_status(store, reviewers=["ann"])["stages"]
    title_abstract = stages["screening"]["title_abstract"]
    assert (title_abstract["units"], title_abstract["open"], title_abstract["conflicts"]) == (
        5,
        2,
        0,
    )
    assert title_abstract["by_reviewer"] == {
        "kim": {"done": 3, "to_do": 2, "conflicts": 0},
        "lee": {"done": 3, "to_do": 2, "conflicts": 0},
        "ann": {"done": 0, "to_do": 2, "conflicts": 0},  # named, nothing decided yet
    }
    assert stages["included_studies"] == 3
    extraction = stages["extraction"]
    assert (extraction["complete"], extraction["in_progress"], extraction["not_started"]) == (
        0,
        2,
        1,
    )
    assert extraction["by_reviewer"]["kim"] == {"complete": 0, "in_progress": 2, "not_started": 1}
    assert extraction["by_reviewer"]["ann"] == {"complete": 0, "in_progress": 0, "not_started": 3}
    rob = stages["risk_of_bias"]
    assert (rob["assessments"], rob["in_progress"], rob["not_started"], rob["no_tool"]) == (
        2,
        1,
        1,
        1,
    )
    prisma = stages["prisma"]
    assert (prisma["identified"], prisma["screened"], prisma["included_studies"]) == (5, 5, 3)
    assert prisma["in_progress"] and prisma["contradictions"] == []


@pytest.mark.parametrize("stage", list(Stage))
def test_per_reviewer_counts_are_the_screening_screens(sample: Path, stage: Stage) -> None:
    with Store.open(sample) as store:
        shown = review_status(store)["stages"]["screening"][stage.value]["by_reviewer"]["kim"]
        session = ScreeningSession(store, review_protocol(store), "kim", stage)
        counts = session.counts
    assert shown == {"done": counts.done, "to_do": counts.to_do, "conflicts": counts.conflicts}


def test_status_prints_the_stages(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("status", sample) == 0
    out = capsys.readouterr().out
    assert "  title_abstract: 5 units, 2 open, 0 conflicts; kim 3/2/0, lee 3/2/0" in out
    assert "Included studies: 3" in out
    assert "PRISMA: identified 5," in out
    assert run("status", sample, "--json") == 0
    assert json.loads(capsys.readouterr().out)["stages"]["included_studies"] == 3


def test_formats_names_a_files_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nbib = FIXTURES / "medline" / "single.nbib"
    assert run("formats", nbib) == 0
    assert capsys.readouterr().out == f"{nbib}: medline (PubMed MEDLINE (.nbib/.txt)), utf-8\n"
    empty = tmp_path / "empty.ris"
    empty.write_text("")
    assert run("formats", nbib, empty) == 3
    err = capsys.readouterr().err
    assert f"error: {empty}: the file is empty" in err
    assert "1 of 2 files not recognised" in err


def test_dedupe_reports_its_progress(tmp_path: Path) -> None:
    title = "Pembrolizumab and radiotherapy in head and neck cancer: a randomised trial"
    heard: list[tuple[str, int, int]] = []
    with Store.create(tmp_path / "d.db", now=fixed_clock) as store:
        add_source(store, "PubMed", [paper(1, title, doi="10.1/a"), paper(2, "Cisplatin")])
        add_source(store, "Embase", [paper(1, title.upper(), year=2021, pages="e501")])
        run_ = dedupe_review(store, progress=lambda *event: heard.append(event))
    phases = list(dict.fromkeys(phase for phase, _, _ in heard))
    assert phases == [
        "reading records",
        "preparing records",
        "finding candidate pairs",
        "comparing pairs",
        "grouping",
        "naming groups",
        "saving merges",
        "saving probable pairs",
    ]
    assert ("preparing records", 3, 3) in heard and ("comparing pairs", 2, 2) in heard
    assert run_.queued == 2 and ("saving probable pairs", 2, 2) in heard


def test_a_report_not_retrieved_leaves_the_full_text_counts(
    screened: Path,  # noqa: F811
) -> None:
    """The README: units marked not retrieved leave the full-text counts — the
    stage's units and open ones, not only each reviewer's to-do — so a stage
    whose every retrieved report is decided does not stay open for ever."""
    with Store.open(screened) as store:
        before = review_status(store)["stages"]["screening"]["full_text"]
        state = ScreeningSession(store, review_protocol(store), "ann", Stage.FULL_TEXT).state
        waiting = [unit.key for unit in state.units if state.eligible(unit.key, Stage.FULL_TEXT)]
        store.fulltexts.mark_not_retrieved(waiting[0], reviewer="ann", note="paywalled")
        store.screening.record_decision(waiting[1], Stage.FULL_TEXT, "include", reviewer="ann")
        report = review_status(store, reviewers=["ann"])
        after = report["stages"]["screening"]["full_text"]
    # The older decisions block agrees: two full-text units, one partly decided.
    assert {k: report["decisions"]["full_text"][k] for k in ("units", "undecided", "partial")} == {
        "units": 2,
        "undecided": 1,
        "partial": 1,
    }
    assert (before["units"], before["open"]) == (3, 3)
    assert (after["units"], after["open"]) == (2, 2)
    assert after["by_reviewer"]["ann"]["to_do"] == 1


def test_a_unit_attached_under_one_record_stays_in_the_full_text_counts(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two records screened as one, one marked not retrieved and the other
    attached: PRISMA counts the report as retrieved and awaiting a decision,
    so `review status` (and the screening queue) must keep it too — they used
    to drop it, leaving a report nobody could screen that PRISMA waited for."""
    assert run("same", sample, "1", "3", "--reviewer", "ann") == 0
    capsys.readouterr()
    with Store.open(sample) as store:
        first, third = store.records.key_for("1"), store.records.key_for("3")
        unit = ScreeningSession(store, review_protocol(store), "kim", Stage.FULL_TEXT).state
        for who in ("kim", "lee"):
            store.screening.record_decision(
                unit.unit_key(first), Stage.TITLE_ABSTRACT, "include", reviewer=who
            )
        store.fulltexts.mark_not_retrieved(first, reviewer="ann", note="paywalled")
        store.fulltexts.attach(third, "https://example.org/report.pdf", reviewer="ann")
        full_text = review_status(store)["stages"]["screening"]["full_text"]
        session = ScreeningSession(store, review_protocol(store), "kim", Stage.FULL_TEXT)
    assert (full_text["units"], full_text["open"]) == (4, 1)
    assert session.counts.to_do == 1
    assert run("prisma", sample, "--json") == 0
    boxes = json.loads(capsys.readouterr().out)["other_methods"]  # the seeds are web searches
    assert (boxes["reports_not_retrieved"], boxes["reports_assessed"]) == (0, 4)
    assert boxes["reports_awaiting_decision"] == full_text["open"]
