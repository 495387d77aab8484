"""Full texts and study links as stored events: newest wins, no chains, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from review.errors import UsageError
from review.models import RecordDraft, SourceKind
from review.store import KeyedRecord, NewSource, Store
from review.store.fulltexts import FulltextCandidate, FulltextState
from tests.conftest import fixed_clock


def add_records(store: Store, file_hash: str = "f" * 64) -> None:
    drafts = [
        ("doi:10.1000/a", RecordDraft(position=1, title="Trial A results", doi="10.1000/a")),
        ("pmid:111", RecordDraft(position=2, title="Trial A abstract", pmid="111")),
        ("reg:NCT01234567", RecordDraft(position=3, title="Trial A registration")),
        ("doi:10.1000/b", RecordDraft(position=4, title="Trial B", doi="10.1000/b")),
        ("tya:c", RecordDraft(position=5, title="Trial C")),
    ]
    source = NewSource(
        file_name="x.ris",
        file_path="/tmp/x.ris",
        file_hash=file_hash,
        file_size=1,
        format="ris",
        encoding="utf-8",
        kind=SourceKind.DATABASE,
        method=None,
        name="PubMed",
        search_date=None,
        imported_by=None,
    )
    store.imports.add(
        source, [KeyedRecord(key=k, uid=f"{file_hash[:4]}:{k}", draft=d) for k, d in drafts]
    )


@pytest.fixture
def review(store: Store) -> Store:
    add_records(store)
    return store


def test_record_key_for_accepts_keys_ids_dois_and_pmids(review: Store) -> None:
    assert review.records.key_for("doi:10.1000/a") == "doi:10.1000/a"
    assert review.records.key_for("DOI:10.1000/A") == "doi:10.1000/a"
    assert review.records.key_for("10.1000/B") == "doi:10.1000/b"
    assert review.records.key_for("3") == "reg:NCT01234567"
    assert review.records.key_for("111") == "pmid:111"
    review.db.execute("UPDATE records_all SET pmid = '222' WHERE key = 'doi:10.1000/b'")
    assert review.records.key_for("pmid:222") == "doi:10.1000/b"
    assert review.records.key_for("222") == "doi:10.1000/b"
    with pytest.raises(UsageError, match=r"no record 'doi:10\.9/zz'") as raised:
        review.records.key_for("doi:10.9/zz")
    assert raised.value.hint


def test_attach_then_not_retrieved_then_detach(review: Store) -> None:
    assert review.fulltexts.get("doi:10.1000/a") is None
    review.fulltexts.attach("doi:10.1000/a", "/papers/a.pdf", reviewer="ann", note="from library")
    assert review.fulltexts.get("doi:10.1000/a") == FulltextState(
        "doi:10.1000/a", "attached", "/papers/a.pdf", "from library", "ann", fixed_clock()
    )
    review.fulltexts.mark_not_retrieved("doi:10.1000/b", reviewer="bob", note="paywalled")
    assert review.fulltexts.get("doi:10.1000/b").status == "not_retrieved"  # type: ignore[union-attr]
    assert set(review.fulltexts.all()) == {"doi:10.1000/a", "doi:10.1000/b"}
    review.fulltexts.detach("doi:10.1000/a", reviewer="ann")
    assert review.fulltexts.get("doi:10.1000/a") is None
    assert set(review.fulltexts.all()) == {"doi:10.1000/b"}
    statuses = [r[0] for r in review.db.execute("SELECT status FROM fulltexts ORDER BY id")]
    assert statuses == ["attached", "not_retrieved", "detached"]  # history kept


def test_attach_refuses_unknown_records_and_empty_locations(review: Store) -> None:
    with pytest.raises(UsageError, match="no record"):
        review.fulltexts.attach("doi:10.9/none", "/x.pdf", reviewer="ann")
    with pytest.raises(UsageError, match="location"):
        review.fulltexts.attach("doi:10.1000/a", " ", reviewer="ann")
    with pytest.raises(UsageError, match="no full text"):
        review.fulltexts.detach("doi:10.1000/a", reviewer="ann")
    with pytest.raises(UsageError, match="reviewer"):
        review.fulltexts.attach("doi:10.1000/a", "/x.pdf", reviewer=" ")
    assert review.db.execute("SELECT count(*) FROM fulltexts").fetchone()[0] == 0


def test_newest_event_wins_by_time_not_row_order(review: Store) -> None:
    """Events merged from another file arrive later but may have happened earlier."""
    review.now = lambda: "2026-01-02T00:00:00.000+00:00"
    review.fulltexts.attach("doi:10.1000/a", "/new.pdf", reviewer="ann")
    merged = {"uid": "bob-1", "reviewer": "bob", "app_version": "0", "record_key": "doi:10.1000/a"}
    review.db.table("fulltexts").insert(
        {
            **merged,
            "created_at": "2026-01-01T00:00:00.000+00:00",
            "status": "attached",
            "location": "/old.pdf",
        }
    )
    assert review.fulltexts.get("doi:10.1000/a").location == "/new.pdf"  # type: ignore[union-attr]
    assert review.fulltexts.all()["doi:10.1000/a"].location == "/new.pdf"


def test_link_reports_of_one_study(review: Store) -> None:
    assert review.studies.link("pmid:111", "doi:10.1000/a", reviewer="ann") == "doi:10.1000/a"
    # Linking to a report goes to its study: no chains.
    assert review.studies.link("reg:NCT01234567", "pmid:111", reviewer="ann") == "doi:10.1000/a"
    assert review.studies.links() == {
        "pmid:111": "doi:10.1000/a",
        "reg:NCT01234567": "doi:10.1000/a",
    }
    assert review.studies.reports("doi:10.1000/a") == [
        "doi:10.1000/a",
        "pmid:111",
        "reg:NCT01234567",
    ]
    assert review.studies.reports("pmid:111") == review.studies.reports("doi:10.1000/a")
    assert review.studies.reports("tya:c") == ["tya:c"]


def test_a_study_joining_another_brings_its_reports(review: Store) -> None:
    review.studies.link("pmid:111", "doi:10.1000/a", reviewer="ann")
    review.studies.link("doi:10.1000/a", "doi:10.1000/b", reviewer="ann")
    assert review.studies.links() == {"pmid:111": "doi:10.1000/b", "doi:10.1000/a": "doi:10.1000/b"}


def test_link_refusals(review: Store) -> None:
    with pytest.raises(UsageError, match="itself"):
        review.studies.link("tya:c", "tya:c", reviewer="ann")
    review.studies.link("pmid:111", "doi:10.1000/a", reviewer="ann")
    with pytest.raises(UsageError, match="already a report"):
        review.studies.link("doi:10.1000/a", "pmid:111", reviewer="ann")
    with pytest.raises(UsageError, match="no record"):
        review.studies.link("tya:c", "tya:none", reviewer="ann")
    with pytest.raises(UsageError, match="not linked") as raised:
        review.studies.unlink("doi:10.1000/a", reviewer="ann")
    assert "pmid:111" in (raised.value.hint or "")
    assert review.db.execute("SELECT count(*) FROM study_links").fetchone()[0] == 1


def test_relinking_the_same_is_a_no_op_and_unlink_restores(review: Store) -> None:
    review.studies.link("pmid:111", "doi:10.1000/a", reviewer="ann")
    review.studies.link("pmid:111", "doi:10.1000/a", reviewer="ann")
    assert review.db.execute("SELECT count(*) FROM study_links").fetchone()[0] == 1
    review.studies.unlink("pmid:111", reviewer="ann")
    assert review.studies.links() == {}
    review.studies.link("pmid:111", "doi:10.1000/b", reviewer="bob")
    assert review.studies.links() == {"pmid:111": "doi:10.1000/b"}


def test_chains_and_loops_from_merged_events_resolve_on_read(review: Store) -> None:
    """Two reviewers linked the same records in opposite directions in their own files."""
    review.append_events(
        "study_links",
        "ann",
        [
            {"record_key": "pmid:111", "study_key": "doi:10.1000/a", "action": "link"},
            {"record_key": "doi:10.1000/a", "study_key": "pmid:111", "action": "link"},
            {"record_key": "reg:NCT01234567", "study_key": "pmid:111", "action": "link"},
        ],
    )
    assert review.studies.links() == {
        "pmid:111": "doi:10.1000/a",
        "reg:NCT01234567": "doi:10.1000/a",
    }


def test_candidates_are_one_per_key(review: Store) -> None:
    add_records(review, file_hash="g" * 64)  # the same records from a second search
    candidates = review.fulltexts.candidates()
    assert len(candidates) == 5
    assert candidates[0] == FulltextCandidate("doi:10.1000/a", "10.1000/a", None, "Trial A results")


def test_two_connections_see_each_others_events(tmp_path: Path, review: Store) -> None:
    other = Store.open(review.path)
    try:
        other.studies.link("pmid:111", "doi:10.1000/a", reviewer="bob")
        review.studies.link("reg:NCT01234567", "pmid:111", reviewer="ann")
        assert other.studies.links() == review.studies.links()
        assert set(review.studies.links().values()) == {"doi:10.1000/a"}
    finally:
        other.close()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        review.db.execute("DELETE FROM study_links")
