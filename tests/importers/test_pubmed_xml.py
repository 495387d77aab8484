"""PubMed XML: real efetch files of several DTD years, and the traps of the format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers import pubmed_xml
from review.importers.base import Document
from review.importers.pubmed_xml import FORMATS
from review.models import RecordDraft
from tests.importers.helpers import lenient_document, sniffed
from tests.importers.helpers import parse_bytes as parse_as

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pubmed_xml"
PUBMED_XML = FORMATS[0]


def parse_bytes(data: bytes, name: str = "inline.xml") -> list[RecordDraft]:
    return parse_as(PUBMED_XML, data, name)


def load(name: str) -> list[RecordDraft]:
    return parse_bytes((FIXTURES / name).read_bytes(), name)


def wrap(articles: str) -> bytes:
    return (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        f"<PubmedArticleSet>\n{articles}</PubmedArticleSet>\n"
    ).encode()


def article(pmid: str, inner: str = "", journal: str = "", data: str = "") -> str:
    return (
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>"
        f"<Journal>{journal}</Journal>{inner}</Article></MedlineCitation>"
        f"<PubmedData>{data}</PubmedData></PubmedArticle>\n"
    )


# --- real files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pmids"),
    [
        ("pubmed1.xml", ["12091962", "9997"]),
        ("pubmed2.xml", ["11748933", "11700088"]),
        ("pubmed4.xml", ["27797938"]),
        ("pubmed5.xml", ["28775130"]),
        ("pubmed6.xml", ["30108519"]),
        ("pubmed7.xml", ["29963580"]),
    ],
)
def test_real_files_count_and_sniff(name: str, pmids: list[str]) -> None:
    records = load(name)
    assert [r.pmid for r in records] == pmids
    assert [r.source_id for r in records] == pmids
    assert sniffed(FIXTURES / name) == "pubmed_xml"


def test_structured_abstract_and_inline_markup() -> None:
    (record,) = load("pubmed4.xml")
    assert record.line == 4
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region "
        "and risk of pancreatic cancer."
    )
    assert record.abstract is not None
    paragraphs = record.abstract.split("\n")
    assert [p.split(":")[0] for p in paragraphs] == [
        "OBJECTIVE",
        "DESIGN",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert "linkage disequilibrium r2<0.25" in record.abstract
    assert record.doi == "10.1136/gutjnl-2016-312510"
    assert len(record.authors) == 22
    assert record.authors[0] == "Bao, Ying"
    assert (record.year, record.journal, record.volume, record.issue, record.pages) == (
        2017,
        "Gut",
        "66",
        "6",
        "1116-1122",
    )
    assert record.record_type == "observational study"
    assert record.issn == "1468-3288"
    assert record.extra["pmc"] == "PMC5442267"
    assert "Pancreatic Neoplasms/*epidemiology/*genetics" in record.keywords


def test_mathml_and_quotes_flattened() -> None:
    (record,) = load("pubmed6.xml")
    assert record.title is not None
    assert record.title.startswith('A "Blood Relationship" Between the Overlooked')
    assert record.abstract is not None
    assert "maximal oxygen uptake ( V.O2max ) 67.6" in record.abstract
    assert "\n" not in record.abstract


def test_collective_author_and_reference_dois_ignored() -> None:
    (record,) = load("pubmed7.xml")
    assert record.authors[-1] == "Canadian Respiratory Research Network"
    assert record.doi == "10.1117/1.jmi.5.2.026002"


def test_season_date_and_missing_doi() -> None:
    first, second = load("pubmed1.xml")
    assert first.year == 1990
    assert first.doi is None
    assert first.record_type == "review"
    assert second.doi == "10.1016/0005-2795(76)90109-4"


def test_many_records_streamed_with_lines() -> None:
    """All real articles in one set: each keeps its own fields and line."""
    bodies = []
    for path in sorted(FIXTURES.glob("pubmed*.xml")):
        text = path.read_text(encoding="utf-8")
        bodies += re.findall(r"<PubmedArticle>.*?</PubmedArticle>", text, re.DOTALL)
    data = wrap("\n".join(bodies) + "\n")
    records = parse_bytes(data)
    assert len(records) == len(bodies) == 8
    text = data.decode()
    for record in records:
        assert record.line is not None
        assert text.splitlines()[record.line - 1].lstrip().startswith("<PubmedArticle>")
        assert f'<PMID Version="1">{record.pmid}</PMID>' in bodies[record.position - 1]


@pytest.mark.parametrize("chunk", [1, 7, 33, 50, 4096])
def test_chunk_boundaries_change_nothing(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """The text is read in chunks; a start tag cut by a chunk edge still counts."""
    data = wrap(article("1") + article("2") + article("3"))
    for newline in (b"\r\n", b"\r"):
        records = parse_bytes(data.replace(b"\n", newline))
        assert [(r.pmid, r.line) for r in records] == [("1", 4), ("2", 5), ("3", 6)]
        monkeypatch.setattr(pubmed_xml, "_CHUNK", chunk)
        records = parse_bytes(data.replace(b"\n", newline))
        assert [(r.pmid, r.line) for r in records] == [("1", 4), ("2", 5), ("3", 6)]
        monkeypatch.undo()


# --- traps -----------------------------------------------------------------


def test_medline_date_vernacular_registry_and_article_id_doi() -> None:
    inner = (
        "<ArticleTitle>[Effect of X].</ArticleTitle>"
        "<VernacularTitle>Wirkung von X.</VernacularTitle>"
        "<Abstract><AbstractText>Plain.</AbstractText>"
        '<AbstractText Label="RESULTS" NlmCategory="RESULTS">Better.</AbstractText></Abstract>'
        "<DataBankList><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>"
        "<AccessionNumberList><AccessionNumber>NCT00000001</AccessionNumber>"
        "</AccessionNumberList></DataBank></DataBankList>"
    )
    journal = (
        "<JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate>"
        "</PubDate></JournalIssue>"
    )
    ids = (
        '<ArticleIdList><ArticleId IdType="doi">10.1000/ABC</ArticleId></ArticleIdList>'
        '<ReferenceList><Reference><ArticleIdList><ArticleId IdType="doi">10.9/other'
        "</ArticleId></ArticleIdList></Reference></ReferenceList>"
    )
    (record,) = parse_bytes(wrap(article("42", inner, journal, ids)))
    assert record.year == 1998
    assert record.title == "[Effect of X]."
    assert record.vernacular_title == "Wirkung von X."
    assert record.abstract == "Plain.\nRESULTS: Better."
    assert record.registry_id == "NCT00000001"
    assert record.doi == "10.1000/abc"


def test_book_article() -> None:
    book = (
        "<PubmedBookArticle><BookDocument><PMID>20301295</PMID>"
        '<ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>'
        "<Book><Publisher><PublisherName>University of Washington</PublisherName></Publisher>"
        "<BookTitle>GeneReviews<sup>®</sup></BookTitle><PubDate><Year>1993</Year></PubDate>"
        "</Book><ArticleTitle>Alpha-Thalassemia</ArticleTitle>"
        "<AuthorList><Author><LastName>Tamary</LastName><ForeName>Hannah</ForeName></Author>"
        "</AuthorList></BookDocument></PubmedBookArticle>\n"
    )
    (record,) = parse_bytes(wrap(book))
    assert (record.pmid, record.title, record.journal) == (
        "20301295",
        "Alpha-Thalassemia",
        "GeneReviews®",
    )
    assert record.record_type == "book chapter"
    assert record.authors == ["Tamary, Hannah"]
    assert record.year == 1993


def test_malformed_xml_names_the_line() -> None:
    data = wrap(article("1") + "<PubmedArticle><MedlineCitation><PMID>2</PMID>\n</PubmedArticle>\n")
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert caught.value.line == 6  # the </PubmedArticle> that closes too early
    assert "malformed XML" in caught.value.message


def test_count_mismatch_is_refused() -> None:
    """A record marker the parser does not see as a record must not pass silently."""
    data = wrap("<!-- <PubmedArticle> -->\n" + article("1"))
    with pytest.raises(ImportFormatError, match="found 2"):
        parse_bytes(data)


def test_invalid_author_skipped_and_utf16() -> None:
    inner = (
        "<AuthorList><Author><LastName>Núñez</LastName><Initials>J</Initials><Suffix>Jr</Suffix>"
        '</Author><Author ValidYN="N"><LastName>Wrong</LastName></Author></AuthorList>'
    )
    text = (
        wrap(article("7", inner))
        .decode()
        .replace('<?xml version="1.0" ?>', '<?xml version="1.0" encoding="UTF-16"?>')
    )
    (record,) = parse_bytes(text.encode("utf-16"))
    assert record.authors == ["Núñez, J Jr"]


def test_deeply_nested_markup() -> None:
    title = "<ArticleTitle>" + "<i>" * 5000 + "deep" + "</i>" * 5000 + "</ArticleTitle>"
    assert parse_bytes(wrap(article("9", title)))[0].title == "deep"


def test_encoding_expat_cannot_read() -> None:
    """expat refuses GBK / UTF-32 declarations: the decoded text is used instead."""
    text = wrap(article("8", "<ArticleTitle>放疗联合免疫治疗</ArticleTitle>")).decode()
    data = text.replace('<?xml version="1.0" ?>', '<?xml version="1.0" encoding="GBK"?>').encode(
        "gbk"
    )
    path = Path("gbk.xml")
    (record,) = PUBMED_XML.parse(Document(path, data, data.decode("gbk"), "gbk"))
    assert record.title == "放疗联合免疫治疗"
    unknown = b'<?xml version="1.0" encoding="nonsense"?><PubmedArticleSet/>'
    assert PUBMED_XML.parse(Document(path, unknown, unknown.decode(), "utf-8")) == []


def test_sniff() -> None:
    assert PUBMED_XML.sniff(Path("a.xml"), '<?xml version="1.0"?>\n<PubmedArticleSet>\n')
    assert PUBMED_XML.sniff(Path("a.txt"), "<!DOCTYPE PubmedArticleSet PUBLIC>")
    assert not PUBMED_XML.sniff(Path("a.xml"), "<xml><records><record>")
    assert not PUBMED_XML.sniff(Path("a.txt"), "PMID- 1\nAB  - see <PubmedArticle> docs\n")


# --- never another exception ------------------------------------------------


def _document(data: bytes) -> Document:
    return lenient_document(data, "fuzz.xml")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        PUBMED_XML.parse(_document(b"<PubmedArticleSet><PubmedArticle>" + data))
    except ImportFormatError as exc:
        assert str(exc)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=0, max_value=(FIXTURES / "pubmed1.xml").stat().st_size))
def test_truncated_file_parses_or_refuses(cut: int) -> None:
    data = (FIXTURES / "pubmed1.xml").read_bytes()[:cut]
    try:
        records = PUBMED_XML.parse(_document(data))
    except ImportFormatError as exc:
        assert str(exc)
    else:
        assert len(records) == 2  # only the whole file parses
