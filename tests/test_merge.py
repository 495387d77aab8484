"""Merging two reviewers' files: a union of events, idempotent, refused for other reviews."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from review.entry import main
from review.errors import ExitCode, StoreError, UsageError
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind
from review.sample import build_sample
from review.store import Store
from review.store.merge import MergeConflictError
from tests.conftest import fixed_clock


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


def decide(store: Store, reviewer: str, key: str, decision: str) -> None:
    store.append_event(
        "decisions",
        reviewer,
        record_key=key,
        stage="title_abstract",
        kind="screen",
        decision=decision,
    )


def uids(path: Path, table: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute(f"SELECT uid FROM {table}")}
    finally:
        conn.close()


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Ann's and Bob's files: each ran `review sample` (the same protocol and seeds)."""
    ann, bob = tmp_path / "ann.db", tmp_path / "bob.db"
    for path, reviewer, decision in ((ann, "ann", "include"), (bob, "bob", "exclude")):
        with build_sample(path, now=fixed_clock) as store:
            keys = [row[0] for row in store.db.execute("SELECT key FROM records ORDER BY id")]
            for key in keys[:3]:
                decide(store, reviewer, key, decision)
            store.attach_fulltext(keys[0], f"/papers/{reviewer}.pdf", reviewer=reviewer)
            store.link_study(keys[1], keys[0], reviewer=reviewer)
    return ann, bob


def test_merge_adds_the_other_reviewers_events_once(pair: tuple[Path, Path]) -> None:
    ann, bob = pair
    with Store.open(ann) as store:
        result = store.merge_from(bob)
        assert result.matched_by == "protocol"
        assert result.added["decisions"] == 3
        assert result.added["fulltexts"] == 1
        assert result.added["study_links"] == 1
        assert result.total == 5
        assert result.unmatched_events == 0
        reviewers = store.db.execute(
            "SELECT reviewer, count(*) FROM decisions GROUP BY reviewer ORDER BY reviewer"
        ).fetchall()
        assert reviewers == [("ann", 3), ("bob", 3)]
        again = store.merge_from(bob)
        assert again.total == 0
        assert set(again.added) >= {"decisions", "fulltexts", "study_links", "labels"}
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute("UPDATE decisions SET decision = 'maybe'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute("DELETE FROM study_links")


def test_both_directions_give_the_same_events(pair: tuple[Path, Path]) -> None:
    ann, bob = pair
    with Store.open(ann) as store:
        store.merge_from(bob)
    with Store.open(bob) as store:
        store.merge_from(ann)
    for table in ("decisions", "fulltexts", "study_links"):
        assert uids(ann, table) == uids(bob, table)


def test_the_other_file_is_not_written(pair: tuple[Path, Path]) -> None:
    ann, bob = pair
    before = {table: uids(bob, table) for table in ("decisions", "fulltexts")}
    with Store.open(ann) as store:
        store.merge_from(bob)
        attached = store.db.execute("PRAGMA database_list").fetchall()
    assert [row[1] for row in attached] == ["main"]  # detached again
    assert {table: uids(bob, table) for table in ("decisions", "fulltexts")} == before


def test_a_copy_of_the_same_file_matches_by_review_id(tmp_path: Path) -> None:
    with build_sample(tmp_path / "a.db", now=fixed_clock) as store:
        store.backup(tmp_path / "copy.db")
        decide(store, "ann", "doi:10.1259/bjr.20220548", "include")
    with Store.open(tmp_path / "copy.db") as copy:
        result = copy.merge_from(tmp_path / "a.db")
    assert (result.matched_by, result.added["decisions"]) == ("review_id", 1)


def test_events_about_records_not_imported_here_are_kept_and_counted(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    ann, bob = pair
    extra = tmp_path / "embase.ris"
    extra.write_text("TY  - JOUR\nTI  - Only Bob searched Embase\nDO  - 10.1/bob\nER  -\n")
    with Store.open(bob) as store:
        import_paths(store, [extra], ImportOptions(kind=SourceKind.DATABASE, source_name="Embase"))
        decide(store, "bob", "doi:10.1/bob", "include")
        decide(store, "bob", "doi:10.1/bob", "maybe")
    with Store.open(ann) as store:
        result = store.merge_from(bob)
    assert (result.unmatched_events, result.unmatched_records) == (2, 1)
    assert result.added["decisions"] == 5


def test_another_review_is_refused_unless_forced(pair: tuple[Path, Path], tmp_path: Path) -> None:
    ann, _ = pair
    stranger = tmp_path / "stranger.db"
    with Store.create(stranger, now=fixed_clock) as store:
        store.save_protocol(path="p.yaml", text="other", hash="0" * 64)
        store.db.execute(
            "INSERT INTO decisions (uid, record_key, stage, kind, decision, reviewer, created_at,"
            " app_version) VALUES ('s1', 'doi:x', 'title_abstract', 'screen', 'include', 'eve',"
            " 't', '0')"
        )
        store.db.conn.commit()
    with Store.open(ann) as store:
        with pytest.raises(MergeConflictError) as raised:
            store.merge_from(stranger)
        assert raised.value.exit_code == ExitCode.CONFLICT
        assert "--force" in (raised.value.hint or "")
        assert "s1" not in uids(ann, "decisions")
        forced = store.merge_from(stranger, force=True)
    assert (forced.matched_by, forced.added["decisions"], forced.unmatched_events) == (
        "force",
        1,
        1,
    )


def test_refuses_itself_foreign_files_and_newer_schemas(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    ann, bob = pair
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    conn = sqlite3.connect(bob)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('review', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with Store.open(ann) as store:
        with pytest.raises(UsageError, match="into itself"):
            store.merge_from(ann)
        with pytest.raises(StoreError, match="not a review file"):
            store.merge_from(foreign)
        with pytest.raises(StoreError, match="no review file"):
            store.merge_from(tmp_path / "missing.db")
        with pytest.raises(StoreError, match="newer version"):
            store.merge_from(bob)
        assert store.db.execute("PRAGMA database_list").fetchall()[-1][1] == "main"


def test_an_older_file_without_newer_tables_merges(pair: tuple[Path, Path]) -> None:
    ann, bob = pair
    conn = sqlite3.connect(bob)
    conn.execute("DROP TABLE notes")
    conn.commit()
    conn.close()
    with Store.open(ann) as store:
        result = store.merge_from(bob)
    assert (result.added["notes"], result.added["decisions"]) == (0, 3)


def test_cli_prints_counts_and_exit_codes(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ann, bob = pair
    assert run("merge", ann, bob) == 0
    out = capsys.readouterr().out
    assert "decisions: 3 added" in out
    assert "Merged 5 events" in out
    assert run("merge", ann, bob) == 0
    assert "Merged 0 events" in capsys.readouterr().out
    stranger = tmp_path / "stranger.db"
    Store.create(stranger).close()
    assert run("merge", ann, stranger) == ExitCode.CONFLICT
    assert "different review" in capsys.readouterr().err
    assert run("merge", ann, stranger, "--force") == 0
    assert run("merge", ann, ann) == ExitCode.USAGE
