"""PubMed MEDLINE text: real exports (PubMed, PMC, ERIC) and the traps of the format."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers.base import Document, decode
from review.importers.medline import FORMATS, publication_type, registry_id
from review.models import RecordDraft
from tests.importers.helpers import lenient_document, parse_file, sniffed
from tests.importers.helpers import parse_bytes as parse_as

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "medline"
MEDLINE = FORMATS[0]


def load(name: str) -> list[RecordDraft]:
    return parse_file(MEDLINE, FIXTURES / name)


def parse_bytes(data: bytes, name: str = "inline.nbib") -> list[RecordDraft]:
    return parse_as(MEDLINE, data, name)


# --- real files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("pubmed-balloongui-set.nbib", 75),
        ("single.nbib", 1),
        ("pmc_medlars.txt", 5),
        ("pubmed_result2.txt", 4),
        ("eric_nbib_data.nbib", 1),
        ("baseline_pubmed.ris", 50),
    ],
)
def test_real_files_count_and_sniff(name: str, count: int) -> None:
    records = load(name)
    assert len(records) == count
    assert [r.position for r in records] == list(range(1, count + 1))
    assert sniffed(FIXTURES / name) == "medline"


def test_balloongui_first_record_fields() -> None:
    """CRLF file with six-space continuation lines and trailing spaces."""
    records = load("pubmed-balloongui-set.nbib")
    first = records[0]
    assert first.pmid == first.source_id == "30776994"
    assert first.line == 1
    assert first.title == (
        "Impact of Balloon Guide Catheter Use on Clinical and Angiographic Outcomes "
        "in the STRATIS Stroke Thrombectomy Registry."
    )
    assert first.authors[0] == "Zaidat, Osama O"
    assert first.year == 2019
    assert first.journal == "Stroke"
    assert (first.volume, first.issue, first.pages) == ("50", "3", "697-704")
    assert first.doi == "10.1161/strokeaha.118.021126"
    assert first.registry_id == "NCT02239640"
    assert first.issn == "1524-4628"
    assert first.abstract is not None
    assert first.abstract.startswith("Background and Purpose- Mechanical thrombectomy")
    assert "clinical outcomes in patients" in first.abstract  # joined across a line break
    for record in records:
        for value in (record.title, record.abstract, *record.authors):
            assert value is None or ("\r" not in value and "  " not in value)


def test_vernacular_title_from_tt() -> None:
    record = next(r for r in load("pubmed-balloongui-set.nbib") if r.pmid == "31514211")
    assert record.line == 2138
    assert record.title is not None
    assert record.title.startswith("Influence of Thrombus Composition on Thrombectomy")
    assert record.vernacular_title == (
        "Einfluss der Thrombus-Zusammensetzung auf die Thrombektomie: ADAPT gegen "
        "Balloon-Guide-Catheter und Stent-Retriever in einem Flussmodell."
    )


def test_single_record_type_journal_and_extra() -> None:
    (record,) = load("single.nbib")
    assert record.record_type == "systematic review"
    assert record.journal == "Journal of neurointerventional surgery"
    assert record.extra["TA"] == "J Neurointerv Surg"
    assert record.extra["pii"] == "neurintsurg-2017-013179"
    assert record.doi == "10.1136/neurintsurg-2017-013179"
    assert "Brain Ischemia/diagnostic imaging/*surgery" in record.keywords
    assert "mechanical thrombectomy" in record.keywords  # OT after MH


def test_pmc_medlars_empty_abstract() -> None:
    records = load("pmc_medlars.txt")
    assert records[0].line == 2  # after the leading blank line
    assert records[0].abstract is None
    assert records[0].extra["OAB"] == "Publisher: Abstract available from the publisher."
    assert records[0].extra["PMC"] == "PMC6055010"
    assert records[0].doi == "10.1016/j.mex.2018.03.007"


def test_eric_record_without_pmid() -> None:
    (record,) = load("eric_nbib_data.nbib")
    assert record.pmid is None
    assert record.source_id == "EJ1131633"
    assert record.doi == "10.1000/123456789"
    assert record.url == "http://eric.ed.gov/?id=EJ1131633"
    assert record.issn == "1234-4567"
    assert record.record_type == "journal article"
    assert record.authors == ["Smith, Tom", "Hunter, Shawn"]


def test_baseline_pubmed_ris_is_medline_text() -> None:
    records = load("baseline_pubmed.ris")
    assert records[0].title == "Time lapse: A glimpse into prehistoric genomics."
    assert records[0].doi == "10.1016/j.ejmg.2019.03.004"
    assert records[0].record_type == "review"
    assert records[1].authors[0] == "Peñalver, Enrique"


# --- traps -----------------------------------------------------------------


def test_missing_blank_line_between_records_splits_them() -> None:
    data = (
        b"PMID- 1\nTI  - First title\n      continued\nAU  - Doe J\n"
        b"PMID- 2\nTI  - Second\n\n\nPMID- 3\nTI  - Third\n"
    )
    records = parse_bytes(data)
    assert [r.pmid for r in records] == ["1", "2", "3"]
    assert [r.line for r in records] == [1, 5, 9]
    assert records[0].title == "First title continued"
    assert records[0].authors == ["Doe J"]


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
def test_line_endings_and_trailing_spaces(newline: bytes) -> None:
    lines = [
        b"PMID- 11   ",
        b"TI  - A title   ",
        b"      over two lines.  ",
        b"",
        b"PMID- 12",
        b"TI  - B",
    ]
    records = parse_bytes(newline.join(lines) + newline)
    assert [(r.pmid, r.title) for r in records] == [
        ("11", "A title over two lines."),
        ("12", "B"),
    ]


def test_bom_and_leading_blank_lines() -> None:
    data = b"\xef\xbb\xbf\r\n\r\nPMID- 5\r\nTI  - T\r\n"
    assert MEDLINE.sniff(Path("x.txt"), decode(data, Path("x.txt"))[0])
    assert parse_bytes(data)[0].line == 3


def test_fau_preferred_and_lone_au_kept() -> None:
    data = b"PMID- 1\nFAU - Doe, Jane\nAU  - Doe J\nAU  - Roe R\nCN  - Trial Group\n"
    assert parse_bytes(data)[0].authors == ["Doe, Jane", "Roe R", "Trial Group"]


def test_lid_and_aid_identifiers() -> None:
    data = (
        b"PMID- 1\nLID - S0140-6736(19)1 [pii]\nLID - 103640\n"
        b"AID - 10.1016/S0140-6736(19)1 [doi]\nAID - S0140-6736(19)1 [pii]\n"
    )
    (record,) = parse_bytes(data)
    assert record.doi == "10.1016/s0140-6736(19)1"
    assert record.extra["pii"] == "S0140-6736(19)1"


def test_publication_types_rank_and_registry() -> None:
    assert publication_type(["Journal Article", "Randomized Controlled Trial"]) == (
        "randomized controlled trial"
    )
    assert publication_type(["Clinical Trial, Phase II", "Journal Article"]) == "clinical trial"
    assert publication_type(["Congress"]) == "conference abstract"
    assert publication_type(["Video-Audio Media"]) == "video-audio media"
    assert publication_type([]) is None
    assert registry_id(
        [("Dryad", "10.5061/x"), ("ISRCTN", "ISRCTN1"), ("ClinicalTrials.gov", "nct2")]
    ) == ("NCT2")
    data = b"PMID- 1\nSI  - figshare/10.6084/m9\nSI  - ClinicalTrials.gov/NCT01234567\n"
    (record,) = parse_bytes(data)
    assert record.registry_id == "NCT01234567"
    assert record.extra["SI"] == "figshare/10.6084/m9; ClinicalTrials.gov/NCT01234567"


def test_repeated_title_warns_and_abstracts_join() -> None:
    data = b"PMID- 1\nTI  - One\nTI  - Two\nAB  - First.\nAB  - Second.\nDP  - Spring\n"
    (record,) = parse_bytes(data)
    assert record.title == "One"
    assert record.abstract == "First.\nSecond."
    kinds = [w.kind for w in record.warnings]
    assert kinds.count("repeated_tag") == 2
    assert "bad_year" in kinds
    assert any("Two" in w.message for w in record.warnings)


def test_blank_line_inside_record_is_refused_with_line() -> None:
    data = b"PMID- 1\nTI  - T\n\nAB  - orphaned abstract\n\nPMID- 2\nTI  - U\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert [p.line for p in caught.value.problems] == [4]


def test_stray_text_between_records_is_refused() -> None:
    data = b"PMID- 1\nTI  - T\n\nPage 2 of 3\n\nPMID- 2\nTI  - U\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert caught.value.problems[0].line == 4


def test_preamble_before_first_record_is_skipped() -> None:
    data = b"Search: balloon guide catheter\n\nPMID- 1\nTI  - T\n"
    assert [r.pmid for r in parse_bytes(data)] == ["1"]


def test_unindented_continuation_is_kept_with_warning() -> None:
    data = b"PMID- 1\nTI  - A long\ntitle wrapped without indent\n"
    (record,) = parse_bytes(data)
    assert record.title == "A long title wrapped without indent"
    assert record.warnings[0].kind == "unindented_line"


def test_us_based_is_not_a_tag() -> None:
    data = b"PMID- 1\nAB  - A study\nUS-based cohort.\n"
    assert parse_bytes(data)[0].abstract == "A study US-based cohort."


def test_sniff() -> None:
    assert MEDLINE.sniff(Path("a.txt"), "\nPMID- 1\nOWN - NLM\n")
    assert MEDLINE.sniff(Path("a.nbib"), "\nOWN - ERIC\nTI  - x\n")
    assert MEDLINE.sniff(Path("a.nbib"), "TI  - x\nAU  - y\n")
    assert not MEDLINE.sniff(Path("a.ris"), "TY  - JOUR\nTI  - x\nER  - \n")
    assert not MEDLINE.sniff(Path("a.nbib"), "TY  - JOUR\nTI  - x\n")
    assert not MEDLINE.sniff(Path("a.txt"), "Some page text\nPMID- 1\n")


# --- never another exception ------------------------------------------------


def _document(data: bytes) -> Document:
    return lenient_document(data, "fuzz.nbib")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        MEDLINE.parse(_document(b"PMID- 1\n" + data))
    except ImportFormatError as exc:
        assert str(exc)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=0, max_value=(FIXTURES / "pmc_medlars.txt").stat().st_size))
def test_truncated_file_parses_or_refuses(cut: int) -> None:
    data = (FIXTURES / "pmc_medlars.txt").read_bytes()[:cut]
    try:
        records = MEDLINE.parse(_document(data))
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert len(records) == data.count(b"\nPMC -")  # every record opens with PMC
