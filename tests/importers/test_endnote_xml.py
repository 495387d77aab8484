"""EndNote XML: a real Mendeley export, EndNote's <style>-wrapped fields, and the traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers.base import Document
from review.importers.endnote_xml import FORMATS
from review.models import RecordDraft
from tests.importers.helpers import lenient_document, sniffed
from tests.importers.helpers import parse_bytes as parse_as

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "endnote_xml"
MENDELEY = FIXTURES / "mendeley_export_first100.xml"
FULL_CORPUS = Path("/work/shared/corpora/asysd/mendeley_export.xml")
ENDNOTE_XML = FORMATS[0]


def parse_bytes(data: bytes, name: str = "inline.xml") -> list[RecordDraft]:
    return parse_as(ENDNOTE_XML, data, name)


def wrap(records: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" ?><xml><records>{records}</records></xml>'.encode()
    )


def styled(text: str) -> str:
    return f'<style face="normal" font="default" size="100%">{text}</style>'


# --- real files -----------------------------------------------------------


def test_mendeley_export() -> None:
    records = parse_bytes(MENDELEY.read_bytes(), MENDELEY.name)
    assert len(records) == 100
    assert sniffed(MENDELEY) == "endnote_xml"
    first = records[0]
    assert first.title == "Myoclonus in older Cavalier King Charles Spaniels."
    assert first.authors == ["Rotter, Carina", "Whittaker, Danielle", "Rusbridge, Clare"]
    assert (first.year, first.volume, first.issue, first.pages) == (2022, "36", "3", "1032-1038")
    assert first.journal == "Journal of veterinary internal medicine"
    assert first.doi == "10.1111/jvim.16404"
    assert first.pmid == first.source_id == "35319117"
    assert first.record_type == "journal article"
    assert first.language == "eng"
    assert "Dog Diseases" in first.keywords
    assert first.abstract is not None
    assert "Spaniels (CKCS) but" in first.abstract  # double space collapsed
    generic = records[2]
    assert generic.title == "Collapsing Clumber spaniels."
    assert generic.record_type is None  # Mendeley's "Generic" says nothing
    assert generic.abstract is None


@pytest.mark.skipif(not FULL_CORPUS.exists(), reason="shared corpus not on this machine")
def test_full_mendeley_corpus_has_1233_records() -> None:
    records = parse_bytes(FULL_CORPUS.read_bytes(), FULL_CORPUS.name)
    assert len(records) == 1233
    assert records[-1].doi == "10.1892/0891-6640(2006)20[894:hdaaco]2.0.co;2"
    assert len({r.pmid for r in records}) == 1233


# --- EndNote's own XML and traps --------------------------------------------


ENDNOTE_RECORD = (
    '<record><database name="Lib.enl" path="C:\\Lib.enl">Lib.enl</database>'
    '<source-app name="EndNote" version="20.0">EndNote</source-app><rec-number>17</rec-number>'
    '<ref-type name="Conference Proceedings">10</ref-type>'
    f"<contributors><authors><author>{styled('Núñez, José')}</author>"
    f"<author>{styled('Li, W.')}</author></authors></contributors>"
    f'<titles><title>{styled("Effect of ")}<style face="italic" font="default" size="100%">'
    f"Staphylococcus</style>{styled(' aureus   on&#xD;&#xA;wounds')}</title>"
    f"<secondary-title>{styled('Annual Meeting 2020')}</secondary-title></titles>"
    f"<pages>{styled('e12')}</pages><volume>{styled('4')}</volume><number>{styled('2')}</number>"
    f"<dates><year>{styled('2020')}</year></dates><isbn>{styled('1234-567X (Print)')}</isbn>"
    f"<accession-num>{styled('2005566431')}</accession-num>"
    f"<electronic-resource-num>{styled('https://doi.org/10.1000/XYZ.1')}</electronic-resource-num>"
    f"<urls><related-urls><url>{styled('https://example.org/a')}</url></related-urls></urls>"
    f"<remote-database-name>{styled('Embase')}</remote-database-name>"
    f"<abstract>{styled('Background.&#xD;First  paragraph.&#xD;&#xD;Results. Second.')}</abstract>"
    "</record>"
)


def test_endnote_styled_fields() -> None:
    (record,) = parse_bytes(wrap(ENDNOTE_RECORD))
    assert record.title == "Effect of Staphylococcus aureus on wounds"
    assert record.authors == ["Núñez, José", "Li, W."]
    assert record.journal == "Annual Meeting 2020"
    assert (record.volume, record.issue, record.pages, record.year) == ("4", "2", "e12", 2020)
    assert record.record_type == "conference proceedings"
    assert record.doi == "10.1000/xyz.1"
    assert record.issn == "1234-567X"
    assert record.url == "https://example.org/a"
    assert record.abstract == "Background.\nFirst paragraph.\nResults. Second."
    assert record.source_id == "17"
    assert record.extra["accession-num"] == "2005566431"
    assert record.pmid is None  # an Embase accession number is not a PMID


def test_pmid_only_when_the_database_allows() -> None:
    def record(accession: str, database: str = "") -> str:
        remote = f"<remote-database-name>{database}</remote-database-name>" if database else ""
        return f"<record><accession-num>{accession}</accession-num>{remote}</record>"

    records = parse_bytes(
        wrap(
            record("12345678", "PubMed")
            + record("12345678", "CINAHL")
            + record("12345678")
            + record("2005-12345-001")
        )
    )
    assert [r.pmid for r in records] == ["12345678", None, "12345678", None]
    assert [r.source_id for r in records] == ["12345678", "12345678", "12345678", "2005-12345-001"]


def test_empty_records_and_non_doi_resource_kept() -> None:
    data = wrap(
        "<record/><record><electronic-resource-num>ISSN 123</electronic-resource-num></record>"
    )
    first, second = parse_bytes(data)
    assert first.title is None and first.authors == []
    assert second.doi is None
    assert second.extra["electronic-resource-num"] == "ISSN 123"


def test_lines_of_records() -> None:
    data = b'<?xml version="1.0"?>\n<xml>\n<records>\n<record>\n</record>\n<record/>\n'
    data += b"</records>\n</xml>\n"
    assert [r.line for r in parse_bytes(data)] == [4, 6]


def test_malformed_xml_names_the_line() -> None:
    data = b"<xml><records>\n<record><title>a</title></record>\n<record><title>b</record>\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert caught.value.line == 3


def test_count_mismatch_is_refused() -> None:
    data = wrap("<record><notes><![CDATA[<record>]]></notes></record>")
    with pytest.raises(ImportFormatError, match="found 2"):
        parse_bytes(data)


def test_sniff() -> None:
    assert ENDNOTE_XML.sniff(Path("a.xml"), '<?xml version="1.0"?><xml><records><record>')
    assert ENDNOTE_XML.sniff(Path("a.txt"), "<xml>\n  <records>\n    <record>")
    assert not ENDNOTE_XML.sniff(Path("a.xml"), "<PubmedArticleSet><PubmedArticle>")
    assert not ENDNOTE_XML.sniff(Path("a.xml"), "<xml><data/></xml>")


# --- never another exception ------------------------------------------------


def _document(data: bytes) -> Document:
    return lenient_document(data, "fuzz.xml")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        ENDNOTE_XML.parse(_document(b"<xml><records><record>" + data))
    except ImportFormatError as exc:
        assert str(exc)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=0, max_value=20_000))
def test_truncated_file_parses_or_refuses(cut: int) -> None:
    data = MENDELEY.read_bytes()[:cut]
    try:
        ENDNOTE_XML.parse(_document(data))
    except ImportFormatError as exc:
        assert str(exc)
