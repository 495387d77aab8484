"""Ovid's tagged and labelled text exports, and what Ovid writes around the records."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers.base import Document, decode
from review.importers.ovid import FORMATS
from review.importers.tagged_values import (
    marked_pmid,
    one_line,
    registry_id,
    unique_items,
    urls,
    year,
)
from review.models import RecordDraft
from tests.importers.helpers import parse_file, sniffed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ovid"
OVID = FORMATS[0]
TAGGED = "embase_medline_tagged.txt"
DISPLAY = "medline_display.txt"


def load(name: str) -> list[RecordDraft]:
    return parse_file(OVID, FIXTURES / name)


def parse(text: str) -> list[RecordDraft]:
    return OVID.parse(Document(Path("inline.txt"), text.encode(), text, "utf-8"))


@pytest.mark.parametrize(("name", "count"), [(TAGGED, 3), (DISPLAY, 2)])
def test_fixture_counts_and_sniffing(name: str, count: int) -> None:
    assert len(load(name)) == count
    assert sniffed(FIXTURES / name) == "ovid"


def test_tagged_embase_conference_abstract() -> None:
    first = load(TAGGED)[0]
    assert first.line == 9  # below the database header and search strategy
    assert first.title is not None and first.title.startswith("Concurrent pembrolizumab")
    assert first.authors == ["Example A.B.", "Sample C."]  # "[Author, Reprint Author]" cut
    assert first.abstract == (
        "Background: Immune checkpoint inhibitors may act in synergy with radiotherapy.\n"
        "Methods: Forty patients received pembrolizumab every three weeks during "
        "chemoradiotherapy.\nResults: Grade 3 mucositis occurred in 12 patients; no new safety "
        "signals were seen."
    )
    assert (first.journal, first.volume, first.issue) == (
        "Journal of Clinical Oncology",
        "41",
        "16 Supplement 1",
    )
    assert (first.year, first.record_type) == (2023, "conference abstract")
    assert first.doi == "10.1000/jco.2023.41.16_suppl.6015"
    assert first.source_id == "2030000001"
    assert first.pmid is None  # Embase's UI is not a PMID
    assert first.registry_id == "NCT03040999"
    assert first.issn == "0732-183X"
    assert "OD" not in first.extra  # Embase repeats MH as OD


def test_tagged_medline_record_uses_full_names_and_ui_as_pmid() -> None:
    second = load(TAGGED)[1]
    assert second.pmid == "36000002"
    assert second.authors == ["Muster, Maria", "Beispiel, Bernd"]
    assert second.record_type == "randomized controlled trial"
    assert (second.journal, second.volume, second.pages) == (
        "Radiotherapy and Oncology",
        "180",
        "109455",
    )
    assert second.abstract is not None and second.abstract.count("\n") == 1  # two AB lines
    third = load(TAGGED)[2]
    assert (third.pmid, third.source_id) == ("36000003", "2030000003")  # PM, AN
    assert (third.volume, third.issue, third.pages) == ("139", "2", "105-114")


def test_labelled_display_layout() -> None:
    first, second = load(DISPLAY)
    assert first.line == 10
    assert first.title == (
        "Radiotherapy combined with programmed death-1 blockade in nasopharyngeal carcinoma: "
        "a cohort study."
    )
    assert first.authors == ["Proef, Pieter", "Essai, Elise"]
    assert first.pmid == "36000011"  # the file's "Database: Ovid MEDLINE(R)" header
    assert first.doi == "10.1000/fonc.2023.1100001"
    assert first.url is not None and first.url.startswith("http://ovidsp.ovid.com/")
    assert first.abstract is not None and first.abstract.startswith("BACKGROUND:")
    assert (second.journal, second.volume, second.issue, second.pages) == (
        "Head & Neck",
        "45",
        "4",
        "880-889",
    )
    assert second.record_type == "review"


def test_short_headers_and_search_strategy_between_records() -> None:
    text = (
        "<1>\nTI  - One\nAU  - Doe J\n\nDatabase: Embase\nSearch Strategy:\n1   x/ (3)\n"
        "<2>\nTI  - Two\n      continued\n"
    )
    one, two = parse(text)
    assert (one.title, one.authors) == ("One", ["Doe J"])
    assert "Database" not in str(one.extra)
    assert two.title == "Two continued"


def test_file_without_headers_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no Ovid record"):
        parse("TI  - no header\n")


def test_sniff() -> None:
    assert OVID.sniff(Path("a.txt"), "<1. >\r\nVN  - Ovid Technologies\r\n")
    assert OVID.sniff(Path("a.txt"), "<1>\nUnique Identifier\n  123\n")
    assert not OVID.sniff(Path("a.ris"), "<1. >\nTY  - JOUR\nER  - \n")  # Ovid's RIS
    assert not OVID.sniff(Path("a.html"), "<1>\n<p>text</p>\n")
    assert not OVID.sniff(Path("a.ris"), "TY  - JOUR\nTI  - x\nER  - \n")


OVID_LINES = [
    "<1. >",
    "<2>",
    "TI  - Title",
    "AU  - Doe J",
    "SO  - Journal. 1(2):3-4, 2020.",
    "      continued",
    "Title",
    "  Indented value",
    "Link to the Ovid Full Text or citation:",
    "",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(OVID_LINES) | st.text(max_size=30), max_size=40))
def test_random_ovid_like_text_parses_or_is_refused(lines: list[str]) -> None:
    try:
        records = parse("\n".join(lines))
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert records


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2_600), st.binary(max_size=20))
def test_truncated_fixture_parses_or_is_refused(cut: int, tail: bytes) -> None:
    data = (FIXTURES / TAGGED).read_bytes()[:cut] + tail
    try:
        text, encoding = decode(data, Path("cut.txt"))
        records = OVID.parse(Document(Path("cut.txt"), data, text, encoding))
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert len(records) <= 4


def test_link_lines_in_a_tagged_record() -> None:
    text = "<1. >\nTI  - Linked\nLink to the Ovid Full Text or citation:\nhttp://ovid.example/a\n"
    (record,) = parse(text)
    assert (record.title, record.url) == ("Linked", "http://ovid.example/a")


# --- value clean-up shared with RIS (tagged_values) ---------------------------
# Its fast paths (scans instead of a split per value, one regex search over
# joined values) must answer exactly as the plain ways they replace.


def test_one_line_collapses_every_kind_of_whitespace() -> None:
    clean = "A title long enough to take the scanning path, " * 3
    assert one_line(clean.strip()) == clean.strip()
    assert one_line(f"{clean}\u00a0x") == f"{clean.strip()} x"  # no-break space
    assert one_line(f"  {clean}\tx\ny  ") == f"{clean.strip()} x y"
    assert one_line(f"{clean}’ ©  x") == f"{clean.strip()} ’ © x"


def test_unique_items_splits_lines_and_separators() -> None:
    assert unique_items(["a", "b", "a", ""]) == ["a", "b"]
    assert unique_items(["a\nb", "c"]) == ["a", "b", "c"]  # EndNote: one per line
    assert unique_items(["a; b", " b ;c"], ";") == ["a", "b", "c"]
    assert unique_items(["x\u2003 y", "x y"]) == ["x y"]


def test_year_registry_and_marked_pmid() -> None:
    assert (year("2024"), year("1799"), year("20170812"), year("２０２４")) == (
        2024,
        None,
        2017,
        None,
    )
    assert registry_id(["see https://x.org/a", "trial nct01234567."]) == "NCT01234567"
    assert registry_id(["UM\u0130N123456789"]) == "UM\u0130N123456789"  # IGNORECASE's İ
    assert registry_id(["https://www.scopus.com/record.uri?eid=2-s2.0-1", "CTX1"]) is None
    assert marked_pmid("PubMed ID: 123; PMID 456") == "123"
    assert marked_pmid("XPMID 5") is None


def test_urls_from_several_values() -> None:
    assert urls(["see www.x.org; HTTP://a.b/c.", "HTTP://a.b/c"]) == ["www.x.org", "HTTP://a.b/c"]
