"""One person, one name: `alice` typed on Tuesday is Monday's `Alice`.

A name that differs from a reviewer already in the review only by case or
spacing is recorded under that reviewer's spelling, wherever it is typed
(--reviewer, $REVIEW_REVIEWER, the config, an imported file's column); a new
name is kept as typed, trimmed. Stored rows are never rewritten, and files
merged in either order read every spelling of a name as one reviewer.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from review.ledger.reviewers import Spellings, name_key
from review.models import Stage
from review.review_file import review_protocol
from review.sample import build_sample
from review.screening.state import Outcome
from review.screening.units import load_state
from review.store import Store
from tests.conftest import unit_rows
from tests.test_cli import run
from tests.test_decisions_import import review, write_csv  # noqa: F401  (a fixture)


def stored_reviewers(path: Path, table: str = "decisions") -> list[str]:
    """The reviewer column as written, read with a fresh plain connection."""
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute(f"SELECT reviewer FROM {table} ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path, screened=False).close()
    return path


def keys_of(path: Path) -> list[str]:
    with Store.open(path) as store:
        return [key for key, _ in unit_rows(store)]


def test_name_key_ignores_case_and_spacing_only() -> None:
    assert name_key("  Alice   Smith ") == name_key("alice smith") == name_key("ALICE\tSMITH")
    assert name_key("Alice Smith") != name_key("AliceSmith")
    assert name_key("Ann") != name_key("Anne")


def test_the_earliest_spelling_stands_whatever_order_it_is_read_in() -> None:
    uses = [("alice", "2026-01-03"), ("Alice", "2026-01-02"), ("Bob", "2026-01-01")]
    for order in (uses, uses[::-1], [uses[1], uses[2], uses[0]]):
        names = Spellings(order)
        assert names.spelling(" ALICE ") == "Alice"
        assert names.aliases() == {"alice": "Alice"}
        assert names.spelling("  Cat  Jones ") == "Cat  Jones"  # new: as typed, trimmed


def test_a_second_spelling_is_stored_as_the_first(sample: Path) -> None:
    first, second, third = keys_of(sample)[:3]
    with Store.open(sample) as store:
        store.screening.record_decision(first, Stage.TITLE_ABSTRACT, "include", reviewer="Alice")
        store.screening.record_decision(second, Stage.TITLE_ABSTRACT, "exclude", reviewer="alice ")
        store.screening.record_decision(
            third, Stage.TITLE_ABSTRACT, "include", reviewer="  Bob   Lee "
        )
        store.screening.record_decision(third, Stage.TITLE_ABSTRACT, "maybe", reviewer="bob lee")
    assert stored_reviewers(sample) == ["Alice", "Alice", "Bob   Lee", "Bob   Lee"]


def test_cli_names_the_existing_reviewer_once_and_works_as_them(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = keys_of(sample)
    with Store.open(sample) as store:
        for key in keys:
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="Ann")
    # Before, `ann` had "screened nothing": the stop was refused (exit 2).
    assert run("stopping", sample, "--reviewer", "  ann ", "--json") == 0
    err = capsys.readouterr().err
    assert err.count("as Ann, already in this review") == 1 and "'ann'" in err
    assert run("fulltext", "not-retrieved", sample, keys[0], "--reviewer", "ANN") == 0
    assert stored_reviewers(sample, "fulltexts") == ["Ann"]
    assert "as Ann, already in this review" in capsys.readouterr().err


def test_a_new_name_is_kept_as_typed_and_nothing_is_said(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = keys_of(sample)[0]
    assert run("fulltext", "not-retrieved", sample, key, "--reviewer", " Dana  Ruiz ") == 0
    assert stored_reviewers(sample, "fulltexts") == ["Dana  Ruiz"]
    assert "already in this review" not in capsys.readouterr().err


def test_the_environment_and_the_config_resolve_the_same_way(
    sample: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = keys_of(sample)
    with Store.open(sample) as store:
        store.screening.record_decision(keys[0], Stage.TITLE_ABSTRACT, "include", reviewer="Ann")
    config = tmp_path / "config.toml"
    config.write_text('reviewer = "ANN"\n', encoding="utf-8")
    monkeypatch.setenv("REVIEW_CONFIG", str(config))
    assert run("fulltext", "not-retrieved", sample, keys[1]) == 0
    monkeypatch.setenv("REVIEW_REVIEWER", "aNN")
    assert run("fulltext", "not-retrieved", sample, keys[2]) == 0
    assert stored_reviewers(sample, "fulltexts") == ["Ann", "Ann"]
    assert capsys.readouterr().err.count("as Ann, already in this review") == 2


def test_imported_decisions_join_the_reviewer_already_here(
    review: Path,  # noqa: F811  (the fixture)
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = [["1001", "Dora", "title_abstract", "include", "", ""]]
    assert run("decisions", "import", review, write_csv(tmp_path / "before.csv", before)) == 0
    capsys.readouterr()
    rows = [
        ["1001", "dora", "title_abstract", "include", "", ""],  # Dora's current decision
        ["1003", "DORA ", "title_abstract", "maybe", "", ""],
        ["1003", "Cat", "title_abstract", "include", "", ""],
        ["1001", "cat", "title_abstract", "include", "", ""],  # as the file first spells it
    ]
    assert run("decisions", "import", review, write_csv(tmp_path / "pilot.csv", rows)) == 0
    out = capsys.readouterr().out
    assert "1 row already current" in out
    assert "'DORA' recorded as Dora" in out and "'cat' recorded as Cat" in out
    added = [who for who in stored_reviewers(review) if who not in ("ann", "bob")]
    assert added == ["Dora", "Dora", "Cat", "Cat"]


@pytest.mark.parametrize("into", ["first", "second"])
def test_merged_spellings_are_one_reviewer_in_either_order(
    tmp_path: Path, into: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    with build_sample(first, screened=False) as store:
        store.copy_for_reviewer(second)
    keys = keys_of(first)
    # Each copy met its own spelling first: neither knew the other's.
    with Store.open(first) as store:
        for key in keys:
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="Ann")
    with Store.open(second) as store:
        for n, key in enumerate(keys):
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="bob")
            if n < 2:  # and `ann` on the second machine, typed in lower case
                store.screening.record_decision(
                    key, Stage.TITLE_ABSTRACT, "exclude", reviewer="ann"
                )
    target, other = (first, second) if into == "first" else (second, first)
    with Store.open(target) as store:
        result = store.merge_from(other)
        assert result.same_reviewers == {"ann": "Ann"}
        state = load_state(store, review_protocol(store))
        reviewers = {e.reviewer for e in store.screening.decisions()}
        assert reviewers == {"Ann", "bob"}
        # ann's later exclusions replace Ann's inclusions: one reviewer, two conflicts with bob.
        assert state.outcomes(Stage.TITLE_ABSTRACT)[Outcome.CONFLICT] == 2
        assert store.reviewers.spelling("ANN") == "Ann"
    # The rows are as each machine wrote them.
    assert sorted(set(stored_reviewers(target))) == ["Ann", "ann", "bob"]
    assert run("agreement", target, "--json") == 0
    (pair,) = json.loads(capsys.readouterr().out)
    assert (pair["first"], pair["second"], pair["n"]) == ("Ann", "bob", 5)


def test_merge_says_which_spellings_became_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    with build_sample(first, screened=False) as store:
        store.copy_for_reviewer(second)
    key = keys_of(first)[0]
    with Store.open(first) as store:
        store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="Ann")
    with Store.open(second) as store:
        store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="ANN")
    assert run("merge", first, second) == 0
    assert "'ANN' and 'Ann' are one reviewer, read as Ann" in capsys.readouterr().out


def test_names_another_connection_adds_are_seen_and_an_older_stamp_takes_over(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    Store.create(path).close()
    screen = {"record_key": "k", "stage": "title_abstract", "kind": "screen",
              "decision": "include", "reasons": "[]"}  # fmt: skip
    with Store.open(path) as mine, Store.open(path) as colleague:
        mine.append_events("decisions", "ann", [screen])
        assert mine.reviewers.spelling("ANN") == "ann"
        colleague.append_events(
            "labels", "Zoë", [{"record_key": "k", "label": "x", "action": "add"}]
        )
        assert mine.reviewers.spelling("ZOË ") == "Zoë"  # read from the rows it added
        # A copy merged in by another process, typed `Ann` before this file's
        # first event: the earliest spelling stands, whichever file it came from.
        colleague.db.execute(
            "INSERT INTO decisions (uid, reviewer, created_at, app_version, record_key, stage, "
            "kind, decision, reasons) VALUES ('old', 'Ann', '2000-01-01T00:00:00.000+00:00', "
            "'0', 'k', 'title_abstract', 'screen', 'exclude', '[]')"
        )
        colleague.db.conn.commit()
        assert mine.reviewers.spelling("ann") == "Ann"
        assert mine.reviewers.aliases() == {"ann": "Ann"}
