"""Imports end to end: sniffing, streaming, nothing half-written, warnings kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import review.importers as importers
from review.errors import DuplicateImportError, ImportFormatError, ReviewError
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind
from review.store import Store
from tests.conftest import FIXTURES, SEEDS

DATABASE = ImportOptions(kind=SourceKind.DATABASE, source_name="Test")

# One real export per format: (fixture, format sniffed, records in the file).
COVERAGE = [
    ("ris/citation-file-formatting/_baseline_scopus.ris", "ris", 10),
    ("ris/asysd/wos_test.ris", "ris", 50),
    ("medline/pubmed-balloongui-set.nbib", "medline", 75),
    ("medline/baseline_pubmed.ris", "medline", 50),
    ("pubmed_xml/pubmed2.xml", "pubmed_xml", 2),
    ("endnote_xml/mendeley_export_first100.xml", "endnote_xml", 100),
    ("endnote_tagged/enl_data.enl", "endnote_tagged", 3),
    ("ovid/embase_medline_tagged.txt", "ovid", 3),
    ("bibtex/asysd/test_export.bib", "bibtex", 3),
    ("tabular/_baseline_embase.csv", "csv", 10),
    ("tabular/_baseline_lens_first20.tsv", "tsv", 20),
    ("tabular/wos_tab_delimited_win_utf8_first15.txt", "tsv", 15),
    ("tabular/_baseline.xlsx", "xlsx", 100),
    ("tabular/ctg-studies_first40.csv", "csv", 40),
    ("ctgov_json/ctg-studies_first3.json", "ctgov_json", 3),
]


def count_rows(path: Path) -> tuple[int, int]:
    """(records, sources) read through a fresh connection, as another process would."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT count(*) FROM records").fetchone()[0],
            conn.execute("SELECT count(*) FROM sources").fetchone()[0],
        )
    finally:
        conn.close()


@pytest.mark.parametrize(("fixture", "fmt", "count"), COVERAGE)
def test_every_format_imports_all_its_records(
    store: Store, fixture: str, fmt: str, count: int
) -> None:
    [result] = import_paths(store, [FIXTURES / fixture], DATABASE)
    assert (result.source.format, result.source.record_count) == (fmt, count)
    assert count_rows(store.path) == (count, 1)


def test_streamed_import_matches_in_memory_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files above the streaming threshold are read from disk, with the same result."""
    source = FIXTURES / "medline/pubmed-balloongui-set.nbib"
    with Store.create(tmp_path / "a.db") as store:
        import_paths(store, [source], DATABASE)
        in_memory = [store.records.record(r.id) for r in store.records.record_rows(limit=100)]
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    with Store.create(tmp_path / "b.db") as store:
        import_paths(store, [source], DATABASE)
        streamed = [store.records.record(r.id) for r in store.records.record_rows(limit=100)]
    assert [r.model_dump(exclude={"id", "source_id"}) for r in streamed] == [
        r.model_dump(exclude={"id", "source_id"}) for r in in_memory
    ]


def test_a_bad_row_at_the_end_of_a_streamed_file_rolls_everything_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    rows = [f'"Title number {i}",2020,"10.1/{i}"' for i in range(5_000)]
    path = tmp_path / "scopus.csv"
    path.write_text("Title,Year,DOI\n" + "\n".join(rows) + '\n"Broken",2020,"x","extra"\n')
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert error.value.problems[0].line == 5_002
    assert count_rows(store.path) == (0, 0)


def test_seed_documents_keep_their_warnings(store: Store) -> None:
    results = import_paths(
        store, [SEEDS], ImportOptions(kind=SourceKind.OTHER, source_name="Web search")
    )
    assert [r.source.format for r in results] == ["text"] * 5
    rows = store.records.record_rows()
    by_title = {row.title[:40]: store.records.record(row.id) for row in rows}
    registration = next(r for r in by_title.values() if r.record_type == "trial registration")
    assert any("registry" in w for w in registration.warnings)
    untitled = next(r for r in by_title.values() if not r.title)
    assert untitled.doi == "10.1259/bjr.20220548"
    assert any("title" in w for w in untitled.warnings)
    # The parser's specific warning stands; the generic one is not repeated.
    counts = store.records.warning_counts()
    assert counts["title_lost"] == 1 and "missing_title" not in counts


def test_identical_files_in_one_folder_are_refused(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    data = (FIXTURES / "medline/single.nbib").read_bytes()
    (folder / "a.nbib").write_bytes(data)
    (folder / "b.nbib").write_bytes(data)
    with pytest.raises(DuplicateImportError, match="same content"):
        import_paths(store, [folder], DATABASE)
    assert count_rows(store.path) == (0, 0)


def test_a_folder_beside_the_review_imports_its_exports_not_the_review(tmp_path: Path) -> None:
    """`review import r.db .` in the review's own folder: the review, its -wal
    and -shm are left unread (reading them would drop this process's SQLite
    locks); naming the review itself is refused."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pubmed.nbib").write_bytes((FIXTURES / "medline/single.nbib").read_bytes())
    with Store.create(folder / "r.db") as store:
        assert (folder / "r.db-wal").exists()
        [result] = import_paths(store, [folder], DATABASE)
        assert result.source.file_name == "pubmed.nbib"
        with pytest.raises(ImportFormatError, match="the review's own file"):
            import_paths(store, [folder / "r.db"], DATABASE)
    assert count_rows(folder / "r.db") == (1, 1)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(min_size=1, max_size=400), suffix=st.sampled_from([".ris", ".txt", ".csv"]))
def test_random_bytes_import_fully_or_not_at_all(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    db = tmp_path / "random.db"
    db.unlink(missing_ok=True)
    with Store.create(db) as store:
        try:
            results = import_paths(store, [path], DATABASE)
        except ReviewError as exc:
            assert str(exc)
            assert count_rows(db) == (0, 0)
        else:
            assert count_rows(db) == (results[0].source.record_count, 1)


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_truncated_exports_import_fully_or_not_at_all(tmp_path: Path, cut: float) -> None:
    for fixture, _, count in COVERAGE:
        data = (FIXTURES / fixture).read_bytes()
        path = tmp_path / f"cut-{Path(fixture).name}"
        path.write_bytes(data[: int(len(data) * cut)])
        db = tmp_path / f"{path.stem}-{cut}.db"
        with Store.create(db) as store:
            try:
                [result] = import_paths(store, [path], DATABASE)
            except ReviewError:
                assert count_rows(db) == (0, 0), fixture
            else:
                assert 0 < result.source.record_count <= count, fixture


def test_a_bad_byte_deep_in_a_streamed_file_names_its_line_and_stores_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    record = "TY  - JOUR\nTI  - Radiotherapy and nivolumab {}\nER  - \n\n"
    text = "".join(record.format(i) for i in range(3_000))
    path = tmp_path / "embase.ris"
    path.write_bytes(text.encode() + b"TY  - JOUR\nTI  - caf\xe9\nER  - \n")
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert error.value.line == 12_002
    assert "--encoding" in (error.value.hint or "")
    assert count_rows(store.path) == (0, 0)


def test_missing_field_warnings_have_one_naming(store: Store) -> None:
    """Every importer says `missing_<field>` (issue 14: the text importer said
    `no_authors` where the others said `missing_authors`); a file written with
    the old names reads under the new ones."""
    import_paths(store, [SEEDS], ImportOptions(kind=SourceKind.OTHER, source_name="Web search"))
    counts = store.records.warning_counts()
    assert counts["missing_authors"] >= 1 and counts["missing_year"] >= 1
    assert not [kind for kind in counts if kind.startswith("no_")]
    record_id = store.records.record_rows()[0].id
    with store.write():  # as an import before the rename stored it
        store.db.execute(
            "INSERT INTO record_warnings_all (record_id, kind, field, message) "
            "VALUES (?, 'no_authors', 'authors', 'no authors')",
            [record_id],
        )
    assert store.records.warning_counts()["missing_authors"] == counts["missing_authors"] + 1
    assert "no_authors" not in store.records.warning_counts()
    assert ("missing_authors", "authors", "no authors") in store.records.record_warnings(record_id)
