"""CSV / TSV / XLSX: every vendor's columns, WoS tab-delimited, ClinicalTrials.gov, traps."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers import read_document
from review.importers.base import Document, decode
from review.importers.tabular import FORMATS
from review.models import RecordDraft

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tabular"
CORPORA = Path("/work/shared/corpora")
CSV = next(f for f in FORMATS if f.name == "csv")
XLSX = next(f for f in FORMATS if f.name == "xlsx")


def load(name: str, encoding: str | None = None) -> tuple[str, list[RecordDraft]]:
    doc, fmt = read_document(FIXTURES / name, encoding=encoding)
    return fmt.name, list(fmt.parse(doc))


def parse(text: str | bytes, name: str = "inline.csv") -> list[RecordDraft]:
    data = text.encode() if isinstance(text, str) else text
    path = Path(name)
    decoded, encoding = decode(data, path)
    return list(CSV.parse(Document(path, data, decoded, encoding)))


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse_xlsx(data: bytes) -> list[RecordDraft]:
    return list(XLSX.parse(Document(Path("inline.xlsx"), data, "", "binary")))


# --- real files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("_baseline_scopus_first4.csv", "csv", 4),
        ("_baseline_cochrane.csv", "csv", 3),
        ("_baseline_cinahl.csv", "csv", 10),
        ("_baseline_embase.csv", "csv", 10),
        ("_baseline_pubmed.csv", "csv", 10),
        ("_baseline_lens_first20.tsv", "tsv", 20),
        ("_baseline.xlsx", "xlsx", 100),
        ("wos_tab_delimited_win_utf8_first15.txt", "tsv", 15),
        ("ctg-studies_first40.csv", "csv", 40),
        ("SearchResults.tsv", "tsv", 40),
        ("cohen_ADHD_first40.csv", "csv", 40),
        ("kitchenham_2010_first60.csv", "csv", 60),
        ("bib_dedupe_special_cases.csv", "csv", 12),
        ("asysd_test_export.csv", "csv", 3),
        ("colrev_csv_data.csv", "csv", 2),
        ("xlsx_data.xlsx", "xlsx", 3),
        ("springer_csv.csv", "csv", 1),
        ("ieee_csv.csv", "csv", 2),
    ],
)
def test_real_files_sniff_and_parse(name: str, fmt: str, count: int) -> None:
    found, records = load(name)
    assert found == fmt
    assert len(records) == count
    assert all(r.title for r in records)
    assert [r.position for r in records] == list(range(1, count + 1))


def test_scopus_csv() -> None:
    _, records = load("_baseline_scopus_first4.csv")
    first = records[0]
    assert first.title == (
        "Global latitudinal gradients and the evolution of body size in dinosaurs and mammals"
    )
    # "Author full names" wins over "Authors"; Scopus author ids are dropped
    assert first.authors[:2] == ["Wilson, Lauren N.", "Gardner, Jacob D."]
    assert first.doi == "10.1038/s41467-024-46843-2"
    assert first.source_id == "2-s2.0-85189760133"
    assert first.pmid == "38580657"
    assert first.record_type == "journal article"
    assert first.language == "English"
    assert first.extra["Art. No."] == "2864"
    assert "References" not in first.extra
    second = records[1]
    assert second.pages == "1084-1092"
    assert second.line == 3
    # author keywords then index keywords, merged without repeats
    assert second.keywords[:2] == ["bone histology", "ornithodira"]
    assert "Dinosaurs" in second.keywords


def test_cochrane_central_csv() -> None:
    _, records = load("_baseline_cochrane.csv")
    second = records[1]
    assert second.source_id == "CN-02677909"
    assert second.journal == "Developmental psychology"  # CENTRAL names it "Source"
    assert second.pmid == "38407106"  # written "PUBMED 38407106"
    assert second.authors[0] == "Kim, JS"
    assert second.extra["Embase ID"] == "EMBASE 643589775"


def test_cinahl_excel_text_cells_are_unwrapped() -> None:
    _, records = load("_baseline_cinahl.csv")
    first = records[0]
    assert first.issn == "19326203"  # written ="19326203"
    assert first.year == 2024  # from ="4/3/2024"
    assert first.source_id == "176404503"
    assert first.authors[0] == "Curry Rogers, Kristina"


def test_embase_preamble_rows_are_skipped() -> None:
    _, records = load("_baseline_embase.csv")
    first = records[0]
    assert first.line == 5  # after "SEARCH QUERY", dashes, a blank line and the header
    assert first.authors == ["Yang Z.", "Jiang B.", "Xu J.", "McNamara M.E."]
    assert first.source_id == "L2029880245"  # the PUI
    assert first.keywords[:2] == ["animal tissue", "article"]  # Emtree: ", "-separated
    assert first.pmid == "38773066"


def test_pubmed_csv_citation_fills_volume_issue_pages() -> None:
    _, records = load("_baseline_pubmed.csv")
    first = records[0]
    assert first.source_id == first.pmid == "30922926"
    assert first.authors == ["Griffin DK", "Larkin DM", "O'Connor RE"]
    assert (first.volume, first.issue, first.pages) == ("63", "2", "103640")
    assert first.journal == "Eur J Med Genet"


def test_lens_tsv_and_xlsx_agree() -> None:
    _, tsv = load("_baseline_lens_first20.tsv")
    _, xlsx = load("_baseline.xlsx")
    for a, b in zip(tsv, xlsx[:20], strict=True):
        assert (a.title, a.doi, a.year, a.authors) == (b.title, b.doi, b.year, b.authors)
    first = xlsx[0]
    assert first.line is None
    assert first.volume == "15"  # a number cell, not "15.0"
    assert first.pages == "97-105"
    assert first.source_id == "000-463-679-101-319"
    assert first.issn == "18602002"


def test_web_of_science_tab_delimited() -> None:
    _, records = load("wos_tab_delimited_win_utf8_first15.txt")
    first = records[0]
    assert first.title.startswith("Knowledge networks as channels and conduits")
    assert first.authors == ["Owen-Smith, J", "Powell, WW"]
    assert first.source_id == "WOS:000220015600001"
    assert first.doi == "10.1287/orsc.1030.0054"
    assert (first.year, first.volume, first.issue, first.pages) == (2004, "15", "1", "5-21")
    assert first.journal == "ORGANIZATION SCIENCE"
    assert "STRATEGIC ALLIANCE FORMATION" in first.keywords  # ID = Keywords Plus here
    assert first.extra["WC"] == "Management"
    assert "CR" not in first.extra


def test_clinicaltrials_gov_csv() -> None:
    _, records = load("ctg-studies_first40.csv")
    first = records[0]
    assert first.registry_id == first.source_id == "NCT06600893"
    assert first.record_type == "trial registration"
    assert first.url == "https://clinicaltrials.gov/study/NCT06600893"
    assert first.year == 2019
    assert first.keywords == ["Erectile Dysfunctions"]
    assert first.extra["Interventions"].startswith("DEVICE: Low intensity shockwave")
    # multi-line quoted cells: records are rows, and each knows its first line
    lines = [r.line for r in records]
    assert lines == sorted(lines) and len(set(lines)) == 40
    assert lines[-1] > 41


def test_legacy_clinicaltrials_gov_tsv_with_literal_quotes() -> None:
    _, records = load("SearchResults.tsv")
    # row 3 has a cell starting '"Study Protocol", https://…' that is not CSV quoting
    third = records[2]
    assert third.registry_id == "NCT03865654"
    assert (
        third.title == "Individualizing Surveillance Mammography for Older Breast Cancer Survivors"
    )
    assert third.year == 2019
    assert records[3].line == 5


def test_labelled_screening_sets_keep_their_labels() -> None:
    _, records = load("cohen_ADHD_first40.csv")
    assert records[0].pmid == "10051933"
    assert records[0].source_id == "1"
    assert set(records[0].extra) == {"label_abstract_screening", "label_included"}
    _, records = load("kitchenham_2010_first60.csv")
    assert all("label_included" in r.extra for r in records)
    # a CRLF inside a quoted abstract is a paragraph break, not a new record
    broken = next(r for r in records if r.abstract and r.abstract.startswith("Abstract:\n"))
    assert broken.title == "A Survey on Software Estimation in the Norwegian Industry"


def test_latin1_file_after_naming_its_encoding() -> None:
    with pytest.raises(ImportFormatError) as caught:
        load("asysd_labelled_latin1_first40.csv")
    assert "--encoding" in (caught.value.hint or "")
    _, records = load("asysd_labelled_latin1_first40.csv", encoding="latin-1")
    assert len(records) == 40
    assert records[0].extra["source"] == "unique"  # the gold-standard column
    assert records[0].extra["label"] == "In_database"
    assert records[0].journal == "Curr Opin Lipidol"


def test_small_vendor_exports() -> None:
    _, (springer,) = load("springer_csv.csv")
    assert springer.authors == ["Andy SmithTom Weber"]  # glued by Springer: kept as given
    assert springer.doi == "10.1007/11111"
    _, ieee = load("ieee_csv.csv")
    assert ieee[0].authors == ["Joseph Rottman", "Erran Carmel", "Mary Lacity"]
    assert ieee[0].record_type == "magazine article"
    _, asysd = load("asysd_test_export.csv")
    assert asysd[0].warnings[0].kind == "bad_doi"  # "DOI 1"


@pytest.mark.skipif(not CORPORA.exists(), reason="full corpora not available")
@pytest.mark.parametrize(
    ("name", "count", "encoding"),
    [
        ("ctgov-morcos/ctg-studies.csv", 635, None),
        ("wosfile/wos_tab_delimited_win_utf8.txt", 50, None),
        ("asysd/labelled_test_set.csv", 1845, "latin-1"),
        (
            "systematic-review-datasets/datasets/Nagtegaal_2019/output/Nagtegaal_2019.csv",
            2019,
            None,
        ),
        ("bib-dedupe/data/haematology/records_pre_merged.csv", 1415, None),
    ],
)
def test_full_corpus_files(name: str, count: int, encoding: str | None) -> None:
    doc, fmt = read_document(CORPORA / name, encoding=encoding)
    assert len(list(fmt.parse(doc))) == count


# --- vendors without a corpus file: the headers their exports write --------


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (  # Rayyan
            "key,title,authors,journal,issn,volume,issue,pages,year,publisher,url,abstract,"
            "notes,doi,keywords",
            '7,A trial,"Doe, J and Roe, A",BMJ,0959-8138,1,2,3-4,2020,,,,'
            '"RAYYAN-INCLUSION: {""Ann""=>""Included""}",10.1000/XYZ9,a; b',
            {
                "source_id": "7",
                "authors": ["Doe, J", "Roe, A"],
                "doi": "10.1000/xyz9",
                "year": 2020,
            },
        ),
        (  # Covidence
            "Title,Authors,Abstract,Published Year,Published Month,Journal,Volume,Issue,Pages,"
            "Accession Number,DOI,Ref,Covidence #,Study,Notes,Tags",
            "A trial,Doe J; Roe A,,2019,Mar,Lancet,1,2,3,12345,,,#42,Doe 2019,,x; y",
            {"source_id": "12345", "authors": ["Doe J", "Roe A"], "keywords": ["x", "y"]},
        ),
        (  # Zotero
            "Key,Item Type,Publication Year,Author,Title,Publication Title,ISBN,ISSN,DOI,Url,"
            "Abstract Note,Date,Pages,Issue,Volume,Language,Manual Tags",
            'ABCD1234,bookSection,2018,"Doe, Jane",A chapter,A book,,,,,,2018-05-01,1-9,,,en,',
            {"source_id": "ABCD1234", "record_type": "book chapter", "authors": ["Doe, Jane"]},
        ),
        (  # IEEE Xplore
            "Document Title,Authors,Author Affiliations,Publication Title,Publication Year,"
            "Volume,Issue,Start Page,End Page,Abstract,ISSN,DOI,PDF Link,Author Keywords,"
            "IEEE Terms",
            "A paper,A. Doe; B. Roe,Uni,IEEE Access,2021,9,,100,110,,2169-3536,10.1109/X.1,,k1,k2",
            {"pages": "100-110", "journal": "IEEE Access", "keywords": ["k1", "k2"]},
        ),
    ],
    ids=["rayyan", "covidence", "zotero", "ieee"],
)
def test_vendor_headers(header: str, row: str, expected: dict[str, object]) -> None:
    (record,) = parse(f"{header}\n{row}\n")
    assert record.title
    assert {key: getattr(record, key) for key in expected} == expected


# --- traps, inline --------------------------------------------------------


def test_semicolon_delimiter_and_bom() -> None:
    records = parse(
        "\ufeffTitel;Title;Authors;Year\r\nx;Paracetamol for fever;Doe J, Roe A;2021\r\n"
    )
    (record,) = records
    assert record.title == "Paracetamol for fever"
    assert record.authors == ["Doe J", "Roe A"]
    assert record.extra == {"Titel": "x"}


def test_cells_over_the_default_csv_limit() -> None:
    abstract = "word " * 40_000  # 200,000 characters
    (record,) = parse(f'Title,Abstract\nLong one,"{abstract}"\n')
    assert record.abstract is not None and len(record.abstract) == len(abstract) - 1


def test_quoted_newlines_count_rows_and_keep_start_lines() -> None:
    records = parse('Title,Abstract\nOne,"a\n\nb"\r\nTwo,c\n\n"Three",d\n')
    assert [(r.title, r.line) for r in records] == [("One", 2), ("Two", 5), ("Three", 7)]
    assert records[0].abstract == "a\nb"


def test_row_with_wrong_column_count_is_refused_with_its_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse("Title,Year,DOI\nOne,2020,10.1/abc\nTwo,2021\nThree,2022,x,y\nFour,2023,,\n")
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (3, 'record 2 ends early, after field 2 "Year": "DOI" missing'),
        (4, "record 3 has 4 fields but the header names 3"),
    ]


def test_unbalanced_quote_is_refused_with_its_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse('Title,Year\nOne,2020\n"Two" and more,2021\n')
    assert caught.value.line == 3
    with pytest.raises(ImportFormatError) as caught:
        parse('Title,Year\nOne,2020\n"Two, never closed,2021\nThree,2022\n')
    assert caught.value.line == 3


def test_header_without_title_column_names_what_it_found() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse("Name,Score\nx,1\n")
    assert '"Name", "Score"' in (caught.value.hint or "")
    assert '"article title"' in (caught.value.hint or "")


def test_header_only_gives_no_records() -> None:
    assert parse("Title,Authors,Year\n\n,,\n") == []


def test_sniffing_needs_a_suffix_and_a_title_column() -> None:
    tsv = next(f for f in FORMATS if f.name == "tsv")
    assert CSV.sniff(Path("x.csv"), "Title,Authors\nA,B\n")
    assert CSV.sniff(Path("x.txt"), "Title,Authors\nA,B\n")
    assert not CSV.sniff(Path("x.ris"), "Title,Authors\nA,B\n")
    assert not CSV.sniff(Path("x.csv"), "Name,Score\nA,1\n")
    assert not CSV.sniff(Path("x.txt"), "Title\nsome web page text\n")
    assert tsv.sniff(Path("wos.txt"), "PT\tAU\tTI\tUT\nJ\tX\tY\tZ\n")
    assert not CSV.sniff(Path("x.txt"), "TY  - JOUR\nTI  - Title, more\nER  -\n")


def test_workbook_title_row_dates_and_numbers() -> None:
    data = workbook(
        (
            "export",
            [
                ["My export"],
                ["Title", "Year", "Volume", "Date"],
                ["A study", 2020.0, 12, None],
                [None, None, None, None],
                ["Another", None, None, __import__("datetime").datetime(2019, 5, 1)],
            ],
        )
    )
    records = parse_xlsx(data)
    assert [(r.title, r.year, r.volume, r.line) for r in records] == [
        ("A study", 2020, "12", None),
        ("Another", 2019, None, None),
    ]


def test_workbook_with_records_on_two_sheets_is_refused() -> None:
    data = workbook(("a", [["Title", "Year"], ["x", 1]]), ("b", [["Title", "Year"], ["y", 2]]))
    with pytest.raises(ImportFormatError, match='2 sheets with records: "a", "b"'):
        parse_xlsx(data)


def test_damaged_workbook_is_refused() -> None:
    data = (FIXTURES / "xlsx_data.xlsx").read_bytes()
    with pytest.raises(ImportFormatError, match="not a readable Excel workbook"):
        parse_xlsx(data[: len(data) // 2])


# --- robustness -----------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        parse(b"Title,Authors,Year\n" + data)
    except ImportFormatError as exc:
        assert exc.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_truncated_real_files_parse_or_refuse(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["ctg-studies_first40.csv", "SearchResults.tsv"]))
    raw = (FIXTURES / name).read_bytes()
    cut = data.draw(st.integers(min_value=1, max_value=len(raw)))
    try:
        parse(raw[:cut], name)
    except ImportFormatError as exc:
        assert exc.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_workbook_bytes_are_refused_cleanly(data: bytes) -> None:
    try:
        parse_xlsx(b"PK\x03\x04" + data)
    except ImportFormatError as exc:
        assert exc.message
