"""RIS out and back in: `review import` of records.ris gives the same
records, field by field, and keeps the review's N1 facts in extra fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from review.exports import export_review
from review.exports.ris import TYPE_CODES, VENDOR_TYPES, record_lines
from review.importers.tagged_values import document_type
from review.ingest import ImportOptions, import_paths
from review.models import RecordDraft, SourceKind
from review.review_file import create_review
from review.sample import SAMPLE_PROTOCOL, build_sample
from review.store import Store
from tests.conftest import fixed_clock
from tests.export_helpers import FORMULA_TITLE, build_odd_review
from tests.prisma_helpers import add

FIELDS = (
    "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
    "registry_id", "language", "keywords", "url", "abstract", "record_type",
)  # fmt: skip


def records(path: Path) -> dict[str, dict[str, Any]]:
    with Store.open(path) as store:
        return {row["key"]: row for row in store.records.export_rows()}


def reimport(ris: Path, tmp_path: Path) -> Path:
    fresh = tmp_path / "fresh.db"
    with create_review(fresh, SAMPLE_PROTOCOL, now=fixed_clock) as store:
        options = ImportOptions(kind=SourceKind.DATABASE, source_name="Export")
        import_paths(store, [ris], options)
    return fresh


def draft_export(path: Path, out: Path) -> None:
    with Store.open(path) as store:
        export_review(store, out, draft=True)


def build_full(path: Path) -> None:
    """Records with every field filled, of several types, and awkward text."""
    drafts = [
        RecordDraft(
            1,
            title="Nivolumab with radiotherapy: a trial",
            authors=["Smith, Jane", "Lee, K"],
            year=2021,
            journal="Radiother Oncol",
            volume="160",
            issue="2",
            pages="12-19",
            doi="10.1016/j.radonc.2021.01.001",
            pmid="33456789",
            registry_id="NCT01234567",
            language="en",
            keywords=["Immunotherapy", "Head and neck"],
            url="https://example.org/a",
            abstract="Background. First paragraph.\nMethods. Second paragraph.",
            record_type="journal article",
        ),
        RecordDraft(2, title=FORMULA_TITLE, year=2020, record_type="conference abstract"),
        RecordDraft(
            3, title="A registration", registry_id="NCT07654321", record_type="trial registration"
        ),
        RecordDraft(
            4, title="A chapter", authors=["@someone"], year=2019, record_type="book chapter"
        ),
        RecordDraft(5, title="No type at all", year=2018, abstract="ER  - is not an end here"),
    ]
    with create_review(path, SAMPLE_PROTOCOL, now=fixed_clock) as store:
        add(store, "Search", SourceKind.DATABASE, drafts)


@pytest.mark.parametrize("which", ["seeds", "full"])
def test_records_ris_imports_back_as_the_same_records(tmp_path: Path, which: str) -> None:
    if which == "seeds":
        build_sample(tmp_path / "r.db", now=fixed_clock).close()  # messy real records
    else:
        build_full(tmp_path / "r.db")
    draft_export(tmp_path / "r.db", tmp_path / "out")
    ris = next((tmp_path / "out").glob("records*.ris"))
    before, after = records(tmp_path / "r.db"), records(reimport(ris, tmp_path))
    assert sorted(after) == sorted(before)  # same identities, none lost or added
    for key, record in before.items():
        for name in FIELDS:
            assert _spaced(after[key][name]) == _spaced(record[name]), (key, name)


def _spaced(value: object) -> object:
    """Runs of spaces within a line as one: the RIS importer collapses them."""
    if isinstance(value, str):
        return "\n".join(" ".join(line.split()) for line in value.split("\n"))
    return value


def test_decisions_and_labels_ride_in_n1_and_stay_out_of_keywords(tmp_path: Path) -> None:
    build_odd_review(tmp_path / "r.db")
    draft_export(tmp_path / "r.db", tmp_path / "out")
    fresh = reimport(tmp_path / "out" / "records.ris", tmp_path)
    with Store.open(fresh) as store:
        rows = list(store.records.export_rows())
        [p4] = [store.records.record(r["id"]) for r in rows if r["doi"] == "10.1000/p4"]
    text = (tmp_path / "out" / "records.ris").read_text(encoding="utf-8")
    assert "N1  - review:title_abstract final exclude reason=population" in text
    assert "N1  - review:title_abstract ann exclude reason=population" in text
    assert "N1  - review:label odd-one" in text
    assert not any("review:" in k for k in p4.keywords)


def test_record_types_map_to_ris_codes_and_back() -> None:
    lines = list(record_lines({"record_type": "book chapter", "title": "T"}, []))
    assert lines[0] == "TY  - CHAP"
    other = list(record_lines({"record_type": "trial registration"}, []))
    assert other[:2] == ["TY  - GEN", "M3  - trial registry record"]
    assert set(TYPE_CODES.values()) >= {"JOUR", "CONF", "BOOK", "THES"}
    for ours, vendor in VENDOR_TYPES.items():
        assert document_type(vendor) == ours  # what the importer reads back
