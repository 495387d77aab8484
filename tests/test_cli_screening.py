"""`review screen`, `review agreement` and the screening part of `review status`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.models import Stage
from review.sample import build_sample
from review.store import Store
from tests.conftest import unit_rows
from tests.test_cli import run


@pytest.fixture
def screened(tmp_path: Path) -> Path:
    """The sample with ann and bob agreeing on three records and split on two."""
    path = tmp_path / "sample.db"
    build_sample(path, screened=False).close()
    with Store.open(path) as store:
        keys = [key for key, _ in unit_rows(store)]
        for n, key in enumerate(keys):
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="ann")
            bob = "include" if n < 3 else "exclude"
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, bob, reviewer="bob")
    return path


def test_agreement_prints_the_table_and_statistics(
    screened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("agreement", screened) == 0
    out = capsys.readouterr().out
    assert "title_abstract: ann × bob, 5 records" in out
    assert "Cohen's kappa" in out and "PABAK 0.200" in out
    assert "maybe counted as include" in out
    assert "title_abstract: 2 conflicts to resolve" in out
    assert run("agreement", screened, "--json") == 0
    (pair,) = json.loads(capsys.readouterr().out)
    assert (pair["first"], pair["second"], pair["observed_agreement"]) == ("ann", "bob", 0.6)


def test_status_reports_outcomes_per_stage(
    screened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("status", screened, "--json") == 0
    decisions = json.loads(capsys.readouterr().out)["decisions"]["title_abstract"]
    assert (decisions["units"], decisions["include"], decisions["conflict"]) == (5, 3, 2)
    assert decisions["by_reviewer"] == {"ann": {"include": 5}, "bob": {"include": 3, "exclude": 2}}


def test_screen_needs_a_reviewer(screened: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("screen", screened) == 2
    assert "who is screening?" in capsys.readouterr().err


def test_screen_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("screen", tmp_path / "nope.db", "--reviewer", "ann") == 5
    assert "no review file here" in capsys.readouterr().err
