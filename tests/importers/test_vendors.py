"""Exports of sources the corpora lack, each from the vendor's documented columns.

The files under `tests/fixtures/vendors/` were written for these tests (see
the README there): three invented records each, the same three in every file,
so every vendor's column map must yield the same fields.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from review.importers import read_document
from review.models import RecordDraft
from tests.conftest import FIXTURES

VENDORS = FIXTURES / "vendors"

# file → (format, whether it carries the PMID, whether it carries pages)
FILES = {
    "openalex_works.csv": ("csv", True, True),
    "refworks_tab.txt": ("tsv", False, True),
    "dimensions.csv": ("csv", True, True),
    "publish_or_perish.csv": ("csv", False, True),
    "semantic_scholar.csv": ("csv", True, True),
    "proquest.csv": ("csv", False, True),
    "cochrane_library.ris": ("ris", True, True),
    "epistemonikos.ris": ("ris", False, False),
}


def read(name: str) -> tuple[str, list[RecordDraft]]:
    doc, fmt = read_document(VENDORS / name)
    return fmt.name, list(fmt.parse(doc))


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_vendor_export_gives_every_record_and_its_fields(name: str) -> None:
    fmt, pmid, pages = FILES[name]
    found, records = read(name)
    assert (found, len(records)) == (fmt, 3)
    first, second, third = records
    assert first.title == (
        "Nivolumab plus radiotherapy for recurrent head and neck cancer: a phase II trial"
    )
    assert len(first.authors) == 3 and "Example" in first.authors[0]
    assert len(second.authors) == 1 and "Muster" in second.authors[0]
    assert (first.year, second.year, third.year) == (2023, 2022, 2024)
    assert first.journal == "Example Journal of Oncology"
    assert third.journal == "Example Cancer Letters"
    assert first.doi == "10.1000/ejo.2023.0001"
    assert first.pmid == ("36000001" if pmid else None)
    assert first.pages == ("101-110" if pages else None)
    if pages:
        assert first.volume == "41"
        # Semantic Scholar's journal object has no issue
        assert third.issue == (None if name == "semantic_scholar.csv" else "1")


def test_openalex_lists_are_split_on_bars() -> None:
    _, records = read("openalex_works.csv")
    assert records[0].authors == ["Anna Example", "Bert Sample", "Clara Beispiel"]
    assert records[0].keywords[:2] == ["Radiotherapy", "Nivolumab"]
    assert records[0].source_id == "https://openalex.org/W4000000001"
    assert records[0].url == "https://example.org/article/1"
    # Bulky lists of other works stay out of the record.
    assert "referenced_works" not in records[0].extra


def test_dimensions_reads_below_its_about_the_data_line() -> None:
    _, records = read("dimensions.csv")
    assert records[0].line == 3
    assert records[0].source_id == "pub.1000000001"


def test_publish_or_perish_source_is_the_journal() -> None:
    _, records = read("publish_or_perish.csv")
    assert records[0].authors == ["A Example", "B Sample", "C Beispiel"]
    assert records[0].url == "https://example.org/a/1"


def test_every_vendor_file_is_named_in_the_readme() -> None:
    readme = (VENDORS / "README.md").read_text(encoding="utf-8")
    for path in Path(VENDORS).iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme
