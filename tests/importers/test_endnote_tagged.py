"""EndNote tagged text (%0 %T %A …): real AIS eLibrary exports and the traps of the format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers.base import Document
from review.importers.endnote_tagged import FORMATS
from review.models import RecordDraft
from tests.importers.helpers import lenient_document, sniffed
from tests.importers.helpers import parse_bytes as parse_as

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "endnote_tagged"
TAGGED = FORMATS[0]


def parse_bytes(data: bytes, name: str = "inline.enl") -> list[RecordDraft]:
    return parse_as(TAGGED, data, name)


def load(name: str) -> list[RecordDraft]:
    return parse_bytes((FIXTURES / name).read_bytes(), name)


# --- real files -----------------------------------------------------------


@pytest.mark.parametrize(("name", "count"), [("enl_data.enl", 3), ("ais_enl.txt", 6)])
def test_real_files_count(name: str, count: int) -> None:
    assert len(load(name)) == count


@pytest.mark.parametrize("name", ["enl_data.enl", "ais_enl.txt"])
def test_real_files_sniff(name: str) -> None:
    assert sniffed(FIXTURES / name) == "endnote_tagged"


def test_ais_fields() -> None:
    records = load("ais_enl.txt")
    first = records[0]
    assert first.title is not None
    assert first.title.startswith("How Trust Leads to Commitment on Microsourcing Platforms")
    assert first.record_type == "journal article"
    assert first.authors == ["Guo, Wenbo", "Straub, Detmar W.", "Zhang, Pengzhu", "Cai, Zhao"]
    assert first.journal == "Management Information Systems Quarterly"  # from %B
    assert (first.year, first.volume, first.issue, first.pages) == (2021, "45", "3", "1309-1348")
    assert first.url == "https://aisel.aisnet.org/misq/vol45/iss3/13"
    assert first.abstract is not None
    assert first.abstract.startswith("IS research has extensively examined")
    assert first.extra["date"] == "September  1, 2021"
    toc = records[1]
    assert toc.title == "MISQ Volume 45, Issue 3 Table of Contents"
    assert toc.record_type is None  # no %0 line in this record
    assert toc.authors == []
    assert records[3].authors[1] == "Shafie-khah, Miadreza"
    assert records[3].authors[2] == "Osório, Gerardo"


# --- traps -----------------------------------------------------------------


def test_glued_records_split_at_repeated_start_tag() -> None:
    data = (
        b"%0 Journal Article\n%T First\n%A Doe, J\n%K alpha\nbeta\n"
        b"%0 Book\n%T Second\n%X Para one\nstill one\n\nPara two\n"
        b"\n\n%T Third\n%0 Generic\n%T Fourth\n"
    )
    records = parse_bytes(data)
    assert [r.title for r in records] == ["First", "Second", "Third", "Fourth"]
    assert [r.line for r in records] == [1, 6, 14, 16]
    assert records[0].keywords == ["alpha", "beta"]
    assert records[1].record_type == "book"
    assert records[1].abstract == "Para one\nstill one\nPara two"  # EndNote never wraps lines
    assert records[1].warnings[0].kind == "blank_line_in_field"
    assert records[3].record_type is None  # "Generic" says nothing


def test_fields_and_repeated_tags() -> None:
    data = (
        b"\xef\xbb\xbf%0 Journal Article\r\n%T A title\r\n%J The Journal\r\n%J Another\r\n"
        b"%B Annual Meeting\r\n%D no date\r\n%R 10.1000/ABC\r\n%@ 0028-0836\r\n"
        b"%M 123\r\n%G English\r\n%50 of patients\r\n"
    )
    (record,) = parse_bytes(data)
    assert record.title == "A title"
    assert record.journal == "The Journal"
    assert record.extra["secondary title"] == "Annual Meeting"
    assert record.doi == "10.1000/abc"
    assert record.issn == "0028-0836"
    assert record.source_id == "123"
    assert record.language == "English %50 of patients"  # "%5" is not a tag
    kinds = sorted(w.kind for w in record.warnings)
    assert kinds == ["bad_year", "repeated_tag"]


def test_fragment_without_type_or_title_is_refused() -> None:
    data = b"%0 Journal Article\n%T A\n\n%A Stray, Author\n%D 2020\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert caught.value.problems[0].line == 4


def test_text_before_first_tag_is_refused() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(b"Exported from EndNote\n%0 Book\n%T A\n")
    assert caught.value.problems[0].line == 1


def test_sniff() -> None:
    assert TAGGED.sniff(Path("a.enl"), "%T Title\n%0 Journal Article\n%A Doe, J\n")
    assert TAGGED.sniff(Path("a.txt"), "\n%0 Book\n%A Doe\n%D 2001\n")
    assert not TAGGED.sniff(Path("a.bib"), "% a comment\n@article{x,\n title={y}}\n")
    assert not TAGGED.sniff(Path("a.bib"), "%A only\n@article{x,}\n")
    assert not TAGGED.sniff(Path("a.txt"), "PMID- 1\n%T x\n%A y\n%0 z\n")


# --- never another exception ------------------------------------------------


def _document(data: bytes) -> Document:
    return lenient_document(data, "fuzz.enl")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        TAGGED.parse(_document(b"%0 Journal Article\n" + data))
    except ImportFormatError as exc:
        assert str(exc)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=0, max_value=(FIXTURES / "ais_enl.txt").stat().st_size))
def test_truncated_file_parses_or_refuses(cut: int) -> None:
    data = (FIXTURES / "ais_enl.txt").read_bytes()[:cut]
    try:
        records = TAGGED.parse(_document(data))
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert len(records) == len(re.findall(rb"^%T(?: |$)", data, re.MULTILINE))
