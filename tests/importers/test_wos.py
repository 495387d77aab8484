"""Web of Science plain text: the real 50-record export and the traps of the format."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers.base import Document
from review.importers.wos import FORMATS
from review.models import RecordDraft
from tests.importers.helpers import lenient_document, sniffed
from tests.importers.helpers import parse_bytes as parse_as

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wos"
PLAIN = FIXTURES / "wos_plaintext.txt"
WOS = FORMATS[0]


def parse_bytes(data: bytes, name: str = "inline.txt") -> list[RecordDraft]:
    return parse_as(WOS, data, name)


# --- the real file ----------------------------------------------------------


def test_plaintext_export() -> None:
    records = parse_bytes(PLAIN.read_bytes(), PLAIN.name)
    assert len(records) == 50
    assert sniffed(PLAIN) == "wos"
    first = records[0]
    assert first.line == 3  # after FN and VR; the BOM is gone
    assert first.source_id == "WOS:000220015600001"
    assert first.title == (
        "Knowledge networks as channels and conduits: The effects of spillovers "
        "in the Boston biotechnology community"
    )
    assert first.authors == ["Owen-Smith, J", "Powell, WW"]
    assert first.journal == "ORGANIZATION SCIENCE"
    assert (first.year, first.volume, first.issue, first.pages) == (2004, "15", "1", "5-21")
    assert first.doi == "10.1287/orsc.1030.0054"
    assert first.issn == "1047-7039"
    assert first.language == "English"
    assert first.record_type == "journal article"
    # DE wraps over two lines; the split is on ";", not on the line break.
    assert first.keywords[:5] == [
        "knowledge networks",
        "economic geography",
        "spillovers",
        "biotechnology",
        "patenting",
    ]
    assert "INTERORGANIZATIONAL COLLABORATION" in first.keywords  # from ID
    second = records[1]
    assert second.authors[0] == "Kerrien, S."  # AF (full form) preferred over AU
    assert len(second.authors) == 24
    assert records[3].record_type == "review"
    assert sum(r.record_type == "conference paper" for r in records) == 5
    assert all(r.source_id and r.source_id.startswith("WOS:") for r in records)
    assert not any(r.warnings for r in records)


def test_wos_plain_text_named_ris() -> None:
    """rispy's example_wos.ris is WoS plain text: sniffing goes by content."""
    path = FIXTURES / "example_wos.ris"
    records = parse_bytes(path.read_bytes(), path.name)
    assert sniffed(path) == "wos"
    assert [r.pmid for r in records] == ["15170338", "15170339"]
    assert records[0].authors == ["Parkes-Loach, PS", "Majeed, AP", "Law, CJ", "Loach, PA"]
    assert records[1].doi == "10.1021/bi0497291"


# --- traps -----------------------------------------------------------------

HEADER = b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\nVR 1.0\n"


def test_missing_er_and_ef() -> None:
    data = HEADER + b"PT J\nTI First\nUT WOS:1\nPT J\nTI Second\nUT WOS:2\nER\n\nPT B\nTI Third\n"
    records = parse_bytes(data)
    assert [r.title for r in records] == ["First", "Second", "Third"]
    assert [r.line for r in records] == [3, 6, 11]
    assert [w.kind for w in records[0].warnings] == ["missing_end"]
    assert records[1].warnings == []
    # The file ends inside the third: a file-level warning, shown at import and in status.
    assert [w.kind for w in records[2].warnings] == ["incomplete_file"]
    assert records[2].record_type == "book"


def test_concatenated_exports_and_crlf() -> None:
    one = HEADER + b"PT J\nTI A\nER\n\nEF\n"
    two = b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI B\nER\n\nEF\n"
    records = parse_bytes((one + two).replace(b"\n", b"\r\n"))
    assert [r.title for r in records] == ["A", "B"]


def test_field_outside_record_is_refused() -> None:
    data = HEADER + b"PT J\nTI A\nER\n\nTI Orphan\nAU Nobody\nER\n\nPT J\nTI B\nER\nEF\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert [p.line for p in caught.value.problems] == [7]


def test_fields_mapping() -> None:
    data = HEADER + (
        b"PT J\nAU Doe, J\n   Roe, R\nCA ESCAPE Investigators\nTI A long\n   title   \n"
        b"SO JOURNAL\nDT Article; Proceedings Paper\nPY 2021\nAR e501\nDI 10.1000/ABC\n"
        b"PM 12345\nSN 0000-000X\nEI 1111-1111\nTI Again\nAB One.\n   Two.\nER\n"
    )
    (record,) = parse_bytes(data)
    assert record.authors == ["Doe, J", "Roe, R", "ESCAPE Investigators"]
    assert record.title == "A long title"
    assert record.record_type == "conference paper"
    assert record.pages == "e501"
    assert (record.doi, record.pmid, record.issn) == ("10.1000/abc", "12345", "0000-000X")
    assert record.extra["EI"] == "1111-1111"
    assert record.abstract == "One. Two."
    assert [w.kind for w in record.warnings] == ["repeated_tag"]


def test_unindented_continuation_is_kept_with_warning() -> None:
    data = HEADER + b"PT J\nAB First part\nsecond part, not indented\nER\n"
    (record,) = parse_bytes(data)
    assert record.abstract == "First part second part, not indented"
    assert [w.kind for w in record.warnings] == ["unindented_line"]


def test_early_access_year() -> None:
    data = HEADER + b"PT J\nTI A\nDT Article; Early Access\nEA MAR 2021\nER\n"
    (record,) = parse_bytes(data)
    assert (record.year, record.record_type) == (2021, "journal article")


def test_sniff() -> None:
    assert WOS.sniff(
        Path("savedrecs.txt"), "\ufeffFN Thomson Reuters Web of Science\nVR 1.0\nPT J\n"
    )
    assert WOS.sniff(Path("cut.txt"), "PT J\nAU Doe\nER\n")
    assert not WOS.sniff(Path("a.txt"), "PT  - Journal Article\nTI  - x\n")
    assert not WOS.sniff(Path("a.txt"), "PMID- 1\nPT  - Journal Article\n")
    assert not WOS.sniff(Path("a.txt"), "PT\tAU\tBA\tBE\n")  # tab-delimited: not ours


# --- never another exception ------------------------------------------------


def _document(data: bytes) -> Document:
    return lenient_document(data, "fuzz.txt")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        WOS.parse(_document(b"FN x\nVR 1.0\nPT J\n" + data))
    except ImportFormatError as exc:
        assert str(exc)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=0, max_value=30_000))
def test_truncated_file_parses_or_refuses(cut: int) -> None:
    data = PLAIN.read_bytes()[:cut]
    try:
        records = WOS.parse(_document(data))
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert len(records) == data.count(b"\nPT ")
