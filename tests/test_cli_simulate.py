"""`review simulate` as a user meets it: figures, JSON, the chart, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.entry import main

FIXTURE = Path(__file__).parent / "fixtures" / "labelled" / "antihistamines_80.csv"


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


def test_json_figures_are_the_documented_keys_and_repeat_with_a_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("simulate", FIXTURE, "--json", "--seed", "3", "--prior", "1") == 0
    first = json.loads(capsys.readouterr().out)
    assert set(first) == {"wss95", "recall_at_10", "recall_at_25", "screened_to_all"}
    assert 0 < first["recall_at_10"] <= first["recall_at_25"] <= 1
    assert 16 <= first["screened_to_all"] <= 78
    assert run("simulate", FIXTURE, "--json", "--seed", "3", "--prior", "1") == 0
    assert json.loads(capsys.readouterr().out) == first


def test_text_report_with_random_baseline_and_chart(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("simulate", FIXTURE, "--compare-random", "--prior", "1") == 0
    out = capsys.readouterr().out
    assert "80 records, 16 relevant (label_included)" in out
    assert "WSS@95" in out and "\nmodel " in out and "\nrandom " in out
    assert "100% |" in out and "█ model, · random" in out


def test_a_missing_label_column_exits_3_naming_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "set.csv"
    path.write_text("title,abstract,decision\nA trial,Text,1\nA cohort,Text,0\n")
    assert run("simulate", path) == 3
    err = capsys.readouterr().err
    assert "set.csv" in err and "label_included" in err and "decision" in err
    assert run("simulate", path, "--label", "decision", "--json") == 0


def test_a_set_without_relevant_records_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "set.csv"
    path.write_text("title,abstract,included\nA trial,Text,0\nA cohort,Text,0\n")
    assert run("simulate", path) == 2
    assert "no record is labelled relevant" in capsys.readouterr().err


def test_too_many_priors_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("simulate", FIXTURE, "--prior", "40") == 2
    assert "--prior 40" in capsys.readouterr().err


def test_a_ris_set_with_a_label_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = []
    for i in range(12):
        relevant = i % 4 == 0
        topic = "antihistamine rhinitis trial" if relevant else "hip fracture surgery"
        records.append(
            f"TY  - JOUR\nTI  - Study {i} of {topic}\nAB  - We report {topic}.\n"
            f"LB  - {int(relevant)}\nER  - \n"
        )
    path = tmp_path / "set.ris"
    path.write_text("\n".join(records))
    assert run("simulate", path, "--label", "LB", "--json") == 0
    assert json.loads(capsys.readouterr().out)["screened_to_all"] <= 12


def test_a_file_that_is_no_labelled_set_gets_a_hint_simulate_can_follow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hint named `--format`, an option of `review import` that simulate lacks."""
    decisions = tmp_path / "pilot.csv"
    decisions.write_text("record,reviewer,stage,decision\n1001,ann,title_abstract,include\n")
    assert run("simulate", decisions) == 3
    err = capsys.readouterr().err
    assert "cannot tell what format" in err and "--format" not in err
    assert "0/1 label column" in err
