"""Merging copies of one review: a union of events, idempotent, refused for other reviews."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from review.entry import main
from review.errors import ExitCode, StoreError, UsageError
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind
from review.sample import build_sample
from review.store import Store
from review.store.merge import MergeConflictError, ProtocolVersion, compare_protocols
from review.store.schema import EVENT_TABLES
from tests.conftest import SAMPLE_PROTOCOL, fixed_clock


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


def all_uids(path: Path) -> set[str]:
    return {f"{table}:{uid}" for table in EVENT_TABLES for uid in uids(path, table)}


def screen_some(path: Path, reviewer: str, decision: str) -> None:
    """Three decisions, a full text and a study link by `reviewer` in `path`."""
    with Store.open(path, now=fixed_clock) as store:
        keys = [row[0] for row in store.db.execute("SELECT key FROM records ORDER BY id")]
        for key in keys[:3]:
            decide(store, reviewer, key, decision)
        store.fulltexts.attach(keys[0], f"/papers/{reviewer}.pdf", reviewer=reviewer)
        store.studies.link(keys[1], keys[0], reviewer=reviewer)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Ann's file, built once, and Bob's copy of it; then each screens on their own."""
    ann, bob = tmp_path / "ann.db", tmp_path / "bob.db"
    with build_sample(ann, now=fixed_clock, screened=False) as store:
        store.copy_for_reviewer(bob)
    screen_some(ann, "ann", "include")
    screen_some(bob, "bob", "exclude")
    return ann, bob


def protocol_hash(store: Store) -> str:
    stored = store.protocol_text()
    assert stored is not None
    return stored[2]


def change_protocol(path: Path) -> str:
    """Save an edited protocol in `path`, as a lead editing the criteria would."""
    with Store.open(path, now=fixed_clock) as store:
        stored = store.protocol_text()
        assert stored is not None
        text = stored[1].replace("version: 1\n", "version: 1\n# amended after piloting\n")
        text = text.replace("Sample Reviewer B", "Sample Reviewer C")
        digest = hashlib.sha256(text.encode()).hexdigest()
        store.save_protocol(path="protocols/rt-io-v2.yaml", text=text, hash=digest)
    return digest


def test_merge_adds_the_other_reviewers_events_once(pair: tuple[Path, Path]) -> None:
    ann, bob = pair
    with Store.open(ann) as store:
        result = store.merge_from(bob)
        assert result.protocol_difference is None
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
    assert all_uids(ann) == all_uids(bob)


def test_the_other_file_is_not_written(pair: tuple[Path, Path]) -> None:
    ann, bob = pair
    before = {table: uids(bob, table) for table in ("decisions", "fulltexts")}
    with Store.open(ann) as store:
        store.merge_from(bob)
        attached = store.db.execute("PRAGMA database_list").fetchall()
    assert [row[1] for row in attached] == ["main"]  # detached again
    assert {table: uids(bob, table) for table in ("decisions", "fulltexts")} == before


def test_a_copy_merges_back_exactly_the_events_made_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, copy = tmp_path / "rt-io.db", tmp_path / "rt-io-bob.db"
    build_sample(lead, now=fixed_clock, screened=False).close()
    assert run("copy", lead, copy, "--reviewer", "Bob") == 0
    out = capsys.readouterr().out
    assert f"give {copy} to Bob" in out
    assert f"review merge {lead} {copy}" in out
    before = all_uids(lead)
    assert all_uids(copy) == before
    screen_some(copy, "bob", "include")
    made_in_copy = all_uids(copy) - before
    assert len(made_in_copy) == 5
    with Store.open(lead) as store:
        result = store.merge_from(copy)
    assert (result.total, result.protocol_difference) == (5, None)
    assert all_uids(lead) - before == made_in_copy


def test_copy_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lead, taken = tmp_path / "rt-io.db", tmp_path / "taken.db"
    build_sample(lead, now=fixed_clock, screened=False).close()
    taken.write_text("Bob's notes")
    assert run("copy", lead, taken) == ExitCode.CONFLICT
    err = capsys.readouterr().err
    assert str(taken) in err and "already exists" in err
    assert taken.read_text() == "Bob's notes"
    assert run("copy", lead, lead) == ExitCode.CONFLICT
    assert run("copy", lead, tmp_path / "no-such-folder" / "bob.db") == ExitCode.STORE
    assert run("copy", tmp_path / "missing.db", tmp_path / "bob.db") == ExitCode.STORE
    assert not (tmp_path / "bob.db").exists()


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


def test_separate_inits_are_refused_even_under_the_same_protocol(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ann, _ = pair
    stranger = tmp_path / "stranger.db"
    # a second `review init` + imports
    build_sample(stranger, now=fixed_clock, screened=False).close()
    screen_some(stranger, "eve", "include")
    before = all_uids(ann)
    with Store.open(ann) as store, pytest.raises(MergeConflictError) as raised:
        store.merge_from(stranger)
    error = raised.value
    assert error.exit_code == ExitCode.CONFLICT
    assert error.path == stranger and str(ann) in error.message
    assert "different reviews" in error.message and "same protocol" in error.message
    assert "review copy" in (error.hint or "")
    assert "force" not in str(error).lower()
    assert all_uids(ann) == before
    assert run("merge", ann, stranger) == ExitCode.CONFLICT
    err = capsys.readouterr().err
    assert str(stranger) in err and str(ann) in err and "review copy" in err
    assert "force" not in err.lower()
    assert run("merge", ann, stranger, "--force") == ExitCode.USAGE
    assert all_uids(ann) == before


def test_another_review_with_another_protocol_is_refused(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    ann, _ = pair
    stranger = tmp_path / "stranger.db"
    with Store.create(stranger, now=fixed_clock) as store:
        store.save_protocol(path="p.yaml", text="other", hash="0" * 64)
    with Store.open(ann) as store, pytest.raises(MergeConflictError, match="differ") as raised:
        store.merge_from(stranger)
    assert "same protocol" not in raised.value.message


def test_a_copy_under_a_changed_protocol_merges_with_a_note(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ann, bob = pair
    digest = change_protocol(bob)
    with Store.open(ann) as store:
        result = store.merge_from(bob)
        ours_hash = protocol_hash(store)
    difference = result.protocol_difference
    assert result.added["decisions"] == 3
    assert difference is not None
    assert (difference.ours.review_file, difference.theirs.review_file) == (ann, bob)
    assert (difference.ours.hash, difference.theirs.hash) == (ours_hash, digest)
    assert difference.theirs.path == "protocols/rt-io-v2.yaml"
    assert difference.ours.path == str(SAMPLE_PROTOCOL)
    assert difference.changes == (
        "+ 13: # amended after piloting",
        "- 25:     - Sample Reviewer B",
        "+ 26:     - Sample Reviewer C",
    )
    assert difference.more == 0
    with Store.open(bob) as store:
        store.merge_from(ann)  # the other way round: Bob's file keeps its protocol
        assert protocol_hash(store) == digest
    assert all_uids(ann) == all_uids(bob)

    assert run("merge", ann, bob) == 0
    out = capsys.readouterr().out
    assert "Merged 0 events" in out
    assert "different protocols" in out
    assert f"{ann}: {SAMPLE_PROTOCOL} (hash {ours_hash[:12]}, loaded " in out
    assert f"{bob}: protocols/rt-io-v2.yaml (hash {digest[:12]}, loaded " in out
    assert f"(- {ann.name}, + {bob.name})" in out
    assert "+ 26:     - Sample Reviewer C" in out
    assert f"{ann} keeps its own protocol" in out
    assert "under the other protocol were merged as they are" in out


def test_protocol_differences_are_capped() -> None:
    def version(name: str, text: str) -> ProtocolVersion:
        return ProtocolVersion(Path(name), "p.yaml", name * 32, "2026-01-01", text)

    ours = version("a", "".join(f"line {n}\n" for n in range(40)))
    theirs = version("b", "".join(f"line {n}{'!' if n % 2 else ''}\n" for n in range(40)))
    assert compare_protocols(ours, version("a", "anything")) is None  # same hash
    difference = compare_protocols(ours, theirs, limit=20)
    assert difference is not None
    assert (len(difference.changes), difference.more) == (20, 20)
    assert difference.changes[:2] == ("- 2: line 1", "+ 2: line 1!")
    same_text = compare_protocols(ours, version("b", ours.text))
    assert same_text is not None and same_text.changes == ()


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
    assert "protocol" not in out
    assert run("merge", ann, bob) == 0
    assert "Merged 0 events" in capsys.readouterr().out
    stranger = tmp_path / "stranger.db"
    Store.create(stranger).close()
    assert run("merge", ann, stranger) == ExitCode.CONFLICT
    assert "different reviews" in capsys.readouterr().err
    assert run("merge", ann, ann) == ExitCode.USAGE
