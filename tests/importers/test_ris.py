"""RIS from every vendor in the corpora, and each trap that breaks naive readers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import rispy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers.base import Document, decode, split_lines
from review.importers.ris import FORMATS
from review.models import RecordDraft
from tests.importers.helpers import sniffed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ris"
RIS = FORMATS[0]
CFF = "citation-file-formatting"


def load(name: str) -> list[RecordDraft]:
    path = FIXTURES / name
    data = path.read_bytes()
    text, encoding = decode(data, path)
    return list(RIS.parse(Document(path, data, text, encoding)))


def parse(text: str) -> list[RecordDraft]:
    return list(RIS.parse(Document(Path("inline.ris"), text.encode(), text, "utf-8")))


# --- real files -------------------------------------------------------------

# Counts are `TY  -` lines; where the corpus has the same search as CSV they
# agree (_baseline 100 with the same Lens IDs in order, CENTRAL 3, Scopus 10),
# except CINAHL whose RIS export holds 9 of the 10 records its CSV holds.
COUNTS = {
    f"{CFF}/_baseline.ris": 100,
    f"{CFF}/_baseline_cinahl.ris": 9,
    f"{CFF}/_baseline_cochrane_endnote.ris": 3,
    f"{CFF}/_baseline_embase.ris": 10,
    f"{CFF}/_baseline_endnote.ris": 10,
    f"{CFF}/_baseline_mendeley.ris": 10,
    f"{CFF}/_baseline_psychInfo_ovid.ris": 10,
    f"{CFF}/_baseline_scopus.ris": 10,
    f"{CFF}/_baseline_webofscience.ris": 10,
    f"{CFF}/_baseline_zotero.ris": 10,
    "asysd/scopus.ris": 10,
    "asysd/test_export.ris": 3,
    "asysd/wos_test.ris": 50,
    "asysd/ris_export.txt": 69,
    "rispy/example_basic.ris": 1,
    "rispy/example_bom.ris": 1,
    "rispy/example_custom_list_tags.ris": 1,
    "rispy/example_empty_tag.ris": 1,
    "rispy/example_extraneous_data.ris": 2,
    "rispy/example_full.ris": 2,
    "rispy/example_full_without_whitespace.ris": 2,
    "rispy/example_full_write.ris": 2,
    "rispy/example_multi_unknown_tags.ris": 1,
    "rispy/example_multiline.ris": 3,
    "rispy/example_single_unknown_tag.ris": 1,
    "rispy/example_starting_newlines.ris": 1,
    "rispy/example_urls.ris": 4,
    "rispy/example_utf_chars.ris": 1,
    "colrev/abi_inform_proquest_ris.ris": 2,
    "colrev/ieee_ris.ris": 2,
    "colrev/jstor_ris.ris": 4,
    "colrev/lorem_ipsum.ris": 2,
    "colrev/psycinfo_ris.ris": 1,
    "colrev/ris_data.ris": 2,
    "colrev/trid_ris.ris": 3,
}


@pytest.mark.parametrize(("name", "count"), sorted(COUNTS.items()))
def test_every_corpus_file_parses_completely(name: str, count: int) -> None:
    records = load(name)
    assert len(records) == count
    assert [r.position for r in records] == list(range(1, count + 1))
    assert all(r.line for r in records)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_sniffing_picks_ris_for_every_corpus_file(name: str) -> None:
    assert sniffed(FIXTURES / name) == "ris"


def test_lens_baseline_matches_its_csv_twin() -> None:
    records = load(f"{CFF}/_baseline.ris")
    first = records[0]
    assert first.title is not None
    assert first.title.startswith("The Value of Radiologic Interventions and 18 F-DOPA PET")
    assert first.authors[0] == "Blomberg, Björn A."
    assert (first.year, first.doi) == (2012, "10.1007/s11307-012-0572-0")
    assert (first.volume, first.issue, first.pages) == ("15", "1", "97-105")
    assert first.source_id == "000-463-679-101-319"  # the Lens ID of the CSV's first row
    assert first.journal == "Molecular imaging and biology"


def test_cochrane_central_record_headers_and_marked_pmid() -> None:
    records = load(f"{CFF}/_baseline_cochrane_endnote.ris")
    first = records[0]
    assert first.line == 5  # after "Record #3 of 18", "Provider:" and "Content:"
    assert first.source_id == "CN-00778158"
    assert first.pmid == "21314913"  # from "C3  -  PUBMED 21314913"
    assert first.journal == "Trials"
    assert first.title is not None and first.title.startswith("The Incredible Years Therapeutic")
    assert records[1].pages == "1279-1297"  # written with U+2010 hyphens


def test_embase_pmid_accession_and_abbreviated_journal() -> None:
    first = load(f"{CFF}/_baseline_embase.ris")[0]
    assert first.pmid == "38773066"  # Embase's C5
    assert first.source_id == "L2029880245"  # U2
    assert first.journal == "Nature Communications"
    assert first.extra["JO"] == "Nat. Commun."
    assert first.extra["DB"] == "Embase\nMedline"  # a repeated tag, every value kept
    assert first.doi == "10.1038/s41467-024-48400-3"
    assert "LK" not in first.extra  # a link-resolver URL carries nothing


def test_endnote_continuation_lines_are_separate_values() -> None:
    first = load(f"{CFF}/_baseline_endnote.ris")[0]
    assert first.keywords[:3] == ["article", "biostratigraphy", "Colorado"]
    assert first.issn == "1932-8494"
    assert first.extra["SN"] == "1932-8494\n1932-8486"


def test_ovid_numbered_psycinfo_ris() -> None:
    first = load(f"{CFF}/_baseline_psychInfo_ovid.ris")[0]
    assert first.line == 2  # below the "2. " number line
    assert first.title is not None and first.title.startswith("DINOSAUR: An integrated")
    assert first.authors == ["Keefer, Amy", "Vasa, Roma A"]  # A1, not the cited A2
    assert first.doi == "10.1186/s11689-021-09396-9"
    assert first.source_id == "2021-94054-001"
    assert first.abstract is not None and first.abstract.startswith("Background: Anxiety")
    assert "more characters cut" in first.extra["M1"]  # a whole reference list


def test_scopus_bom_eid_and_pmid() -> None:
    first = load(f"{CFF}/_baseline_scopus.ris")[0]
    assert first.title == (
        "Global latitudinal gradients and the evolution of body size in dinosaurs and mammals"
    )
    assert first.source_id == "2-s2.0-85189760133"
    assert first.pmid == "38580657"  # Scopus' C2
    assert first.doi == "10.1038/s41467-024-46843-2"


def test_web_of_science_abstract_keeps_paragraphs() -> None:
    first = load(f"{CFF}/_baseline_webofscience.ris")[0]
    assert first.source_id == "WOS:000282053100002"
    assert first.abstract is not None
    assert "\nMethodology/Principal Findings: Here we describe" in first.abstract


def test_bare_cr_between_tags_hides_nothing() -> None:
    """wos_test.ris ends `AD`, `C3` and `WE` lines with a bare CR followed by the
    next tag; rispy, splitting on LF only, folds the accession number into `WE`."""
    path = FIXTURES / "asysd/wos_test.ris"
    assert "accession_number" not in rispy.loads(decode(path.read_bytes(), path)[0])[0]
    first = load("asysd/wos_test.ris")[0]
    assert first.source_id == "WOS:000082252000006"
    assert first.extra["WE"] == "Science Citation Index Expanded (SCI-EXPANDED)"
    assert first.extra["C3"] == "Kansas State University\nKansas State University"


def test_cinahl_copyright_is_not_part_of_the_abstract() -> None:
    first = load(f"{CFF}/_baseline_cinahl.ris")[0]
    assert first.abstract is not None and "Copyright of" not in first.abstract
    assert first.extra["copyright"].startswith("Copyright of PLoS ONE")
    assert first.source_id == "176404503"  # EBSCO's "Accession Number:" in N1
    assert first.doi == "10.1371/journal.pone.0298242"  # from L3
    assert first.warnings == []


def test_colrev_glued_record_is_split_and_warned() -> None:
    first, second = load("colrev/ris_data.ris")
    assert first.title == "Title of a conference paper"
    assert first.pmid == "12345678"  # a "PMID - " line
    assert [w.kind for w in first.warnings] == ["missing_end"]
    assert "line 26" in first.warnings[0].message
    assert second.title == "Title of a journal paper"
    assert second.line == 26 and second.warnings == []
    assert second.volume == "50"


def test_vendor_oddities() -> None:
    trid = load("colrev/trid_ris.ris")
    assert trid[0].year == 2017  # "Start date: 20170812"
    assert trid[1].doi == "10.1444/j.hello.2018.05.005"
    assert load("colrev/psycinfo_ris.ris")[0].pmid == "33355555"
    utf = load("rispy/example_utf_chars.ris")[0]
    assert utf.record_type == "journal article"  # "TY  - Journal Article"
    assert utf.authors[0] == "Dobrokhotova, Yu E."
    assert [w.kind for w in load("asysd/test_export.ris")[0].warnings] == ["bad_doi"]


def test_rispy_edge_cases() -> None:
    multiline = load("rispy/example_multiline.ris")
    assert all(
        r.abstract == "first line, ER then second line and at the end the last line"
        for r in multiline
    )
    urls = load("rispy/example_urls.ris")
    assert urls[2].url == "http://example.com"
    assert urls[2].extra["UR"] == "http://example.com\nhttp://www.example.com"
    empty = load("rispy/example_empty_tag.ris")[0]
    assert empty.pages is None and empty.doi == "10.1177/2325967120950040"
    custom = load("rispy/example_custom_list_tags.ris")[0]
    assert custom.extra["SN"] == "12345\nABCDEFG\n666666"
    unknown = load("rispy/example_multi_unknown_tags.ris")[0]
    assert {"JP", "DC"} <= set(unknown.extra)


# --- traps, inline --------------------------------------------------------


def test_zero_width_character_before_the_first_ty() -> None:
    records = parse("\u200bTY  - JOUR\nTI  - Hidden start\nER  - \n")
    assert [r.title for r in records] == ["Hidden start"]


def test_last_record_without_er_is_kept_and_the_file_flagged() -> None:
    records = parse("TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two\n")
    assert [r.title for r in records] == ["One", "Two"]
    assert [w.kind for w in records[1].warnings] == ["incomplete_file"]
    assert records[0].warnings == []


def test_missing_er_mid_file_splits_and_warns() -> None:
    text = "TY  - JOUR\nTI  - One\nRecord #2 of 2\nTY  - BOOK\nTI  - Two\nER  - \n"
    one, two = parse(text)
    assert (one.title, two.title, two.record_type) == ("One", "Two", "book")
    assert one.warnings[0].kind == "missing_end"
    assert "1 untagged lines before it were skipped" in one.warnings[0].message


def test_bare_cr_line_endings() -> None:
    records = parse("TY  - JOUR\rTI  - Mac\rAU  - Doe, J\rER  - \rTY  - JOUR\rTI  - Two\rER  -\r")
    assert [(r.title, r.line) for r in records] == [("Mac", 1), ("Two", 5)]


def test_spacing_variants_of_tags() -> None:
    text = "TY -  JOUR\nTI -  Spaced\nAU\t- Doe, J\nKW - one\nER -\n"
    (record,) = parse(text)
    assert (record.title, record.authors, record.keywords) == ("Spaced", ["Doe, J"], ["one"])
    assert record.record_type == "journal article"


def test_repeated_single_tag_keeps_every_value() -> None:
    (record,) = parse("TY  - JOUR\nTI  - First\nTI  - Second\nPY  - 2020\nER  - \n")
    assert record.title == "First"
    assert record.extra["TI"] == "First\nSecond"
    assert [(w.kind, w.field) for w in record.warnings] == [("repeated_tag", "TI")]


def test_repeated_abstract_tags_become_paragraphs() -> None:
    (record,) = parse("TY  - JOUR\nAB  - Background.\nAB  - Methods.\nN2  - Background.\nER  -\n")
    assert record.abstract == "Background.\nMethods."
    assert [w.field for w in record.warnings] == ["AB"]


def test_alternative_tags() -> None:
    text = (
        "TY  - JOUR\nT1  - Primary\nA1  - Doe, J\nAU  - Roe, R\nJO  - J Abbr\nJF  - Journal Full\n"
        "Y1  - 2019/05/01/\nN2  - Only in N2.\nSP  - 10\nEP  - 19\nER  - \n"
    )
    (record,) = parse(text)
    assert (record.title, record.abstract, record.year) == ("Primary", "Only in N2.", 2019)
    assert record.authors == ["Roe, R", "Doe, J"]
    assert (record.journal, record.extra["JO"]) == ("Journal Full", "J Abbr")
    assert record.pages == "10-19"


def test_dois_hidden_elsewhere() -> None:
    scopus = "UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-1&doi=10.1038%2fABC.1&x=1"
    assert parse(f"TY  - JOUR\n{scopus}\nER  - \n")[0].doi == "10.1038/abc.1"
    assert parse("TY  - JOUR\nN1  - doi: 10.5555/xyz.\nER  - \n")[0].doi == "10.5555/xyz"
    assert parse("TY  - JOUR\nM3  - doi:10.1011/m3\nER  - \n")[0].doi == "10.1011/m3"


def test_pmids_only_where_marked() -> None:
    assert parse("TY  - JOUR\nAN  - PMID: 123456\nER  - \n")[0].pmid == "123456"
    assert parse("TY  - JOUR\nC2  - PUBMED 42\nER  - \n")[0].pmid == "42"
    assert parse("TY  - JOUR\nAN  - 987654\nER  - \n")[0].pmid is None
    medline = "TY  - JOUR\nDB  - Ovid MEDLINE(R)\nAN  - 987654\nER  - \n"
    assert parse(medline)[0].pmid == "987654"


def test_ovid_link_lines_inside_a_record() -> None:
    text = (
        "1. \nTY  - JOUR\nTI  - Linked\nLink to the Ovid Full Text or citation:\n"
        "http://ovidsp.ovid.com/x?AN=1\nER  - \n"
    )
    (record,) = parse(text)
    assert record.title == "Linked"
    assert record.url == "http://ovidsp.ovid.com/x?AN=1"


def test_registry_number_and_unknown_tags() -> None:
    (record,) = parse("TY  - JOUR\nUR  - https://clinicaltrials.gov/show/nct01234567\nZZ  - kept\n")
    assert record.registry_id == "NCT01234567"
    assert record.extra["ZZ"] == "kept"


def test_multi_line_value_without_tag() -> None:
    (record,) = parse("TY  - JOUR\nTI  - A title that\n   wraps\nAB  - One.\n\nTwo.\nER  - \n")
    assert record.title == "A title that wraps"
    assert record.abstract == "One.\nTwo."


def test_tag_outside_a_record_is_refused_with_its_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse("TY  - JOUR\nTI  - One\nER  - \nTI  - Orphan\nER  - \n")
    assert [p.line for p in caught.value.problems] == [4]


def test_file_without_ty_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no RIS record"):
        parse("PMID- 1\nTI  - MEDLINE, not RIS\n")


def test_sniff() -> None:
    assert RIS.sniff(Path("x.txt"), "Provider: X\nContent: y\n\nTY  - JOUR\n")
    assert RIS.sniff(Path("x.txt"), "TY  - JOUR\rTI  - Mac\r")
    assert not RIS.sniff(Path("x.ris"), "PMID- 30922926\nOWN - NLM\nTI  - x\n")
    assert not RIS.sniff(Path("x.ris"), "FN Clarivate Analytics Web of Science\nPT J\n")


# --- streaming ------------------------------------------------------------


class Counted(Document):
    """Lines handed out one at a time, as from a big file, and counted."""

    def __init__(self, text: str) -> None:
        super().__init__(Path("stream.ris"), None, text, "utf-8")
        self.calls = self.read = 0

    def lines(self) -> Iterator[str]:
        self.calls += 1
        for line in split_lines(self.text):
            self.read += 1
            yield line


def test_records_are_yielded_as_they_end_in_one_pass() -> None:
    doc = Counted("TY  - JOUR\nTI  - One\nER  - \n" + "TY  - JOUR\nTI  - More\nER  - \n" * 500)
    drafts = iter(RIS.parse(doc))
    assert next(drafts).title == "One" and doc.read == 3
    assert sum(1 for _ in drafts) == 500
    assert (doc.calls, doc.read) == (1, 1503)


def test_records_before_the_first_er_wait_for_it() -> None:
    """Whether a `TY` ended a record that lacks its `ER` (a warning) or the
    file never writes `ER` (no warning) is known at the first `ER` only."""
    doc = Counted("TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \nTY  - JOUR\nER  - \n")
    drafts = iter(RIS.parse(doc))
    one = next(drafts)
    assert doc.read == 5
    assert (one.title, [w.kind for w in one.warnings]) == ("One", ["missing_end"])
    assert [d.title for d in drafts] == ["Two", None]


def test_a_late_problem_refuses_the_file_after_the_records_before_it() -> None:
    drafts = iter(RIS.parse(Counted("TY  - JOUR\nTI  - One\nER  - \n\nTI  - Orphan\nER  - \n")))
    assert next(drafts).title == "One"
    with pytest.raises(ImportFormatError) as caught:
        next(drafts)
    assert [p.line for p in caught.value.problems] == [5]


def test_a_file_of_orphan_tags_lists_the_first_ones() -> None:
    with pytest.raises(ImportFormatError, match="250 lines outside any record") as caught:
        parse("TI  - x\n" * 250 + "TY  - JOUR\nER  - \n")
    problems = caught.value.problems
    assert len(problems) == 201 and problems[0].line == 1
    assert problems[-1].message == "… and 50 more such lines"


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_a_file_streamed_from_disk_parses_as_in_memory(name: str) -> None:
    path = FIXTURES / name
    encoding = decode(path.read_bytes(), path)[1]
    assert list(RIS.parse(Document(path, None, None, encoding))) == load(name)


# --- robustness -----------------------------------------------------------

TY_LINE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]*TY[ \t]{1,2}-(?:[ \t]|$)")
RIS_LINES = [
    "TY  - JOUR",
    "TY -  BOOK",
    "ER  - ",
    "TI  - Title",
    "AU  - Doe, J",
    "AB  - Text.",
    "DO  - 10.1/x",
    "PY  - 2020",
    "KW  - a; b",
    "1.",
    "Record #1 of 2",
    "Link to the Ovid Full Text or citation:",
    "http://x.org/y",
    "",
    "   continued",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(RIS_LINES) | st.text(max_size=30), max_size=40))
def test_random_ris_like_text_parses_or_is_refused(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        records = parse(text)
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert len(records) == sum(1 for line in split_lines(text) if TY_LINE.match(line))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=20_740), st.binary(max_size=20))
def test_truncated_real_file_parses_or_is_refused(cut: int, tail: bytes) -> None:
    data = (FIXTURES / f"{CFF}/_baseline_endnote.ris").read_bytes()[:cut] + tail
    try:
        text, encoding = decode(data, Path("cut.ris"))
        records = list(RIS.parse(Document(Path("cut.ris"), data, text, encoding)))
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert len(records) <= 10


def test_file_that_never_writes_er_may_end_on_an_empty_tag() -> None:
    """An empty last tag refuses a file that closes its records with `ER`
    (a cut); in one that never does, it may be how every record ends."""
    records = parse("TY  - JOUR\nTI  - One\nN1  - \nTY  - JOUR\nTI  - Two\nN1  - \n")
    assert [r.title for r in records] == ["One", "Two"]
    assert [[w.kind for w in r.warnings] for r in records] == [[], ["incomplete_file"]]
    with pytest.raises(ImportFormatError, match="ends on a `N1` line with no value"):
        parse("TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\nN1  - \n")


def test_file_that_never_writes_er_is_split_without_missing_end_warnings() -> None:
    """Only the last record, which ends with the file, is flagged: a cut
    there cannot be told from the file's own way of ending records."""
    records = parse("TY  - JOUR\nTI  - One\n\nTY  - JOUR\nTI  - Two\n\nTY  - JOUR\nTI  - Three\n")
    assert [r.title for r in records] == ["One", "Two", "Three"]
    assert [[w.kind for w in r.warnings] for r in records] == [[], [], ["incomplete_file"]]
