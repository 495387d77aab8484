"""`review conflicts` lists what two reviewers decided differently and
`review resolve` settles one, as the Conflicts screen does; `review records`
lists records as the browser does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.models import Stage
from review.review_file import review_protocol
from review.sample import build_sample
from review.screening.units import load_state
from review.store import Store
from tests.conftest import fixed_clock
from tests.test_cli import run
from tests.test_cli_screening import screened  # noqa: F401  (the fixture)


def test_conflicts_lists_each_reviewers_decision(
    screened: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("conflicts", screened, "--reviewer", "cat", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2
    for row in rows:
        assert row["record"]
        assert {who: d["decision"] for who, d in row["decisions"].items()} == {
            "ann": "include",
            "bob": "exclude",
        }
    assert run("conflicts", screened, "--reviewer", "cat") == 0
    out = capsys.readouterr().out
    assert "2 conflicts at title_abstract" in out and "  bob: exclude" in out


def test_resolve_settles_one_conflict_as_its_own_event(
    screened: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("conflicts", screened, "--reviewer", "cat", "--json") == 0
    first, second = json.loads(capsys.readouterr().out)
    assert run("resolve", screened, first["record"], "--source", first["source"],
               "--decision", "include", "--note", "agreed", "--reviewer", "cat") == 0  # fmt: skip
    assert "Settled" in capsys.readouterr().out
    with Store.open(screened) as store:
        state = load_state(store, review_protocol(store))
        outcomes = state.outcomes(Stage.TITLE_ABSTRACT)
        assert outcomes["conflict"] == 1 and outcomes["include"] == 4
        # Neither reviewer's decision changed.
        assert sum(d.reviewer == "bob" and d.decision == "exclude"
                   for d in store.screening.decisions()) == 2  # fmt: skip
    assert run("conflicts", screened, "--reviewer", "cat", "--json") == 0
    assert [row["record"] for row in json.loads(capsys.readouterr().out)] == [second["record"]]
    assert run("status", screened) == 0
    assert "open, 1 conflict;" in capsys.readouterr().out  # one left, not "1 conflicts"


def test_resolve_refuses_what_is_not_a_conflict(
    screened: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("resolve", screened, "10.9999/nothing", "--decision", "include",
               "--reviewer", "cat") == 2  # fmt: skip
    assert "no record is '10.9999/nothing'" in capsys.readouterr().err
    assert run("conflicts", screened, "--reviewer", "cat", "--json") == 0
    row = json.loads(capsys.readouterr().out)[0]
    # An id several files share is refused, naming the way out.
    assert run("resolve", screened, row["record"], "--decision", "include",
               "--reviewer", "cat") == 2  # fmt: skip
    assert "add --source" in capsys.readouterr().err
    # An exclusion needs one of the protocol's reasons.
    code = run("resolve", screened, row["record"], "--source", row["source"], "--decision",
               "exclude", "--reason", "nope", "--reviewer", "cat")  # fmt: skip
    assert code == 2
    assert "no exclusion reason 'nope'" in capsys.readouterr().err
    with Store.open(screened) as store:  # nothing stored by the refusals
        assert not any(d.kind == "resolve" for d in store.screening.decisions())


def test_records_lists_every_record_and_searches(
    screened: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("records", screened) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(len(line.split("\t")) == 6 for line in lines)
    assert run("records", screened, "--search", "nasopharyngeal", "--json") == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any("Nasopharyngeal Carcinoma" in r["title"] for r in found) and len(found) < 5
    assert run("records", screened, "--limit", "2") == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_conflicts_lists_without_a_reviewer_name(
    screened: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's `review conflicts FILE [--stage] [--json]`: a lead or a
    script lists what to settle without saying who they are."""
    assert run("conflicts", screened, "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and all(set(row["decisions"]) == {"ann", "bob"} for row in rows)


def test_resolve_refuses_a_reason_on_an_include(
    screened: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An include has no exclusion reason: refused, not printed as if stored."""
    assert run("conflicts", screened, "--json") == 0
    row = json.loads(capsys.readouterr().out)[0]
    code = run("resolve", screened, row["record"], "--source", row["source"], "--decision",
               "include", "--reason", "population", "--reviewer", "cat")  # fmt: skip
    assert code == 2
    captured = capsys.readouterr()
    assert "Settled" not in captured.out and "--reason is for an exclusion" in captured.err
    with Store.open(screened) as store:
        assert not any(d.kind == "resolve" for d in store.screening.decisions())


def test_resolving_a_full_text_conflict_without_the_stage_says_which_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--stage` defaults to title_abstract; a full-text conflict settled
    without it used to be told to list title/abstract conflicts instead."""
    path = tmp_path / "sample.db"
    build_sample(path, now=fixed_clock).close()
    doi = "10.3389/fimmu.2024.1460480"
    with Store.open(path) as store:
        store.screening.record_decision(
            f"doi:{doi}", Stage.FULL_TEXT, "exclude", reviewer="kim", reasons=["population"]
        )
    assert run("resolve", path, doi, "--decision", "exclude", "--reason", "design",
               "--reviewer", "cat") == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "not in conflict at title_abstract" in err
    assert "it is in conflict at full_text: add --stage full_text" in err
    assert run("resolve", path, doi, "--stage", "full_text", "--decision", "exclude",
               "--reason", "design", "--reviewer", "cat") == 0  # fmt: skip
    with Store.open(path) as store:
        (settled,) = [d for d in store.screening.decisions() if d.kind == "resolve"]
    assert (settled.stage, settled.reasons) == (Stage.FULL_TEXT, ("design",))
