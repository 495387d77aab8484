"""Plain-text documents: the five seed pages, synthetic pages and the traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers.base import Document, decode
from review.importers.text import FORMATS, parse, sniff
from review.importers.text_fields import (
    detect_language,
    format_names,
    parse_citation,
    split_names,
)
from review.models import RecordDraft
from tests.importers.helpers import sniffed

ROOT = Path(__file__).parents[2]
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "text"


def load(path: Path) -> RecordDraft:
    data = path.read_bytes()
    text, encoding = decode(data, path)
    [record] = parse(Document(path, data, text, encoding))
    return record


def inline(text: str, name: str = "page.txt") -> RecordDraft:
    [record] = parse(Document(Path(name), text.encode(), text, "utf-8"))
    return record


def kinds(record: RecordDraft) -> set[str]:
    return {w.kind for w in record.warnings}


def seed(prefix: str) -> RecordDraft:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return load(path)


# ---------------------------------------------------------------- the seeds


def test_scraped_chinese_journal_page() -> None:
    record = seed("000")
    assert record.title == (
        "Application of radiotherapy combined with immunotherapy in the treatment of "
        "head and neck squamous cell carcinoma"
    )
    assert record.vernacular_title == "放疗联合免疫治疗在头颈部鳞状细胞癌治疗中的应用"
    assert record.doi == "10.3760/cma.j.cn371439-20230612-00105"
    assert record.authors == ["Cui, Tenglu", "Lyu, Lu", "Sun, Pengfei"]
    assert (record.journal, record.year) == ("Journal of International Oncology", 2023)
    assert (record.volume, record.issue, record.pages) == ("50", "9", "548-552")
    assert record.keywords == [
        "Head and neck neoplasms",
        "Carcinoma, squamous cell",
        "Radiotherapy",
        "Immunotherapy",
    ]
    assert record.abstract is not None
    assert record.abstract.startswith("Immune checkpoint inhibitors in the treatment")
    assert "\t" not in record.abstract
    assert record.language == "zh"  # the page says "Language:Chinese"
    assert record.record_type == "journal article"
    assert record.extra["affiliations"] == "兰州大学第二临床医学院,兰州 730030"
    assert record.warnings == []


def test_frontiers_case_report_page() -> None:
    record = seed("001")
    assert record.title == (
        "The impact of dissociated response of immunotherapy on the treatment strategy "
        "of advanced head and neck cancer"
    )
    assert record.doi == "10.3389/fimmu.2024.1460480"
    assert (record.journal, record.volume, record.year) == ("Front. Immunol.", "15", 2024)
    assert record.record_type == "case report"
    assert record.keywords[1:3] == ["Immunotherapy", "Advanced head and neck cancer"]
    assert record.abstract is not None
    assert record.abstract.startswith("Some special therapeutic responses")
    assert "Skip to main content" not in record.abstract
    assert "Copyright" not in record.abstract and "Disclaimer" not in record.abstract
    assert record.authors == []
    assert kinds(record) == {"missing_authors"}
    [warning] = record.warnings
    assert "Jiang, Li and Li" in warning.message  # where the names can be found
    assert record.extra["copyright"] == "© 2024 Jiang, Li and Li"
    assert "Hunan Cancer Hospital" in record.extra["affiliations"]


def test_consumer_health_article() -> None:
    record = seed("002")
    assert record.title == (
        "How radiotherapy and immunotherapy work together to achieve a 1+1>2 effect in "
        "cancer treatment"
    )
    assert record.record_type == "web page"
    assert record.abstract is not None
    paragraphs = record.abstract.split("\n")
    assert len(paragraphs) == 5
    assert paragraphs[-1].startswith("In short, the synergy")
    assert "menstruation" not in record.abstract  # the navigation after the article
    assert record.language == "en"
    assert kinds(record) == {"missing_authors", "missing_year"}


def test_registration_without_an_id() -> None:
    record = seed("003")
    assert record.title is not None
    assert record.title.startswith("The Efficacy and Safety of Sintilimab")
    assert record.record_type == "trial registration"
    assert record.registry_id is None
    assert record.abstract is not None
    assert record.abstract.count("Nasopharyngeal carcinoma is the most common") == 1
    assert record.extra["conditions"] == "Nasopharyngeal Carcinoma"
    assert record.extra["interventions"].startswith("DRUG: Sintilimab")
    assert len(record.extra["outcomes"].split("\n")) == 6
    assert kinds(record) == {"missing_registry_id", "missing_year"}
    [warning] = [w for w in record.warnings if w.kind == "missing_registry_id"]
    assert warning.field == "registry_id"


def test_pubmed_page_without_title() -> None:
    record = seed("004")
    assert record.title is None
    assert (record.journal, record.year, record.volume, record.issue) == (
        "Br J Radiol",
        2022,
        "95",
        "1138",
    )
    assert record.pages == "20220548"
    assert record.doi == "10.1259/bjr.20220548"
    assert record.record_type == "journal article"
    assert record.language == "en"
    assert record.abstract is not None
    assert record.abstract.startswith("Interventional radiology techniques")
    assert "介入" not in record.abstract
    assert record.extra["abstract_zh"].startswith("介入放射学技术")
    assert "Gustave Roussy" in record.extra["affiliations"]
    assert kinds(record) == {"missing_authors", "title_lost"}


_PAGES = sorted(SEEDS.glob("*.txt")) + sorted(p for p in FIXTURES.iterdir() if p.suffix != ".md")


@pytest.mark.parametrize("path", [*_PAGES, FIXTURES / "blog_post.md"], ids=lambda p: p.name)
def test_pages_are_sniffed_as_text(path: Path) -> None:
    """Every page goes to `text`; a MEDLINE export still goes to its own parser."""
    expected = "medline" if path.name.startswith("medline") else "text"
    assert sniffed(path) == expected


# ---------------------------------------------------------------- synthetic pages


def test_pubmed_abstract_page_dump() -> None:
    record = load(FIXTURES / "pubmed_page.txt")
    assert record.title is not None
    assert record.title.startswith("Hypofractionated radiotherapy with concurrent")
    assert record.authors[:2] == ["Marta Ferreira-Lopes", "Jonas Van der Berg"]
    assert (record.journal, record.year, record.volume, record.pages) == (
        "Oral Oncol",
        2021,
        "114",
        "105123",
    )
    assert record.doi == "10.1016/j.oraloncology.2021.105123"
    assert record.pmid == record.source_id == "33456789"
    assert record.registry_id == "NCT03012345"  # labelled "Trial registration:"
    assert record.abstract is not None
    assert record.abstract.split("\n")[0].startswith("Background: Older patients")
    assert record.abstract.split("\n")[-1].startswith("Conclusions:")
    assert "stereotactic" not in record.abstract.lower()  # from "Similar articles"
    assert record.keywords[-1] == "PD-1"
    assert record.record_type == "journal article"
    assert record.warnings == []


def test_registry_page_with_nct_id() -> None:
    record = load(FIXTURES / "ctgov_page.txt")
    assert record.title == (
        "Pembrolizumab Plus Reirradiation for Recurrent Nasopharyngeal Carcinoma (PRINCE)"
    )
    assert record.record_type == "trial registration"
    assert record.registry_id == record.source_id == "NCT04567890"
    assert record.year == 2020  # first posted, not last updated
    assert record.extra["interventions"].split("\n") == [
        "DRUG: Pembrolizumab",
        "RADIATION: Intensity-modulated reirradiation",
    ]
    assert record.warnings == []


def test_html_journal_page_uses_meta_tags() -> None:
    record = load(FIXTURES / "journal_page.html")
    assert record.title == (
        "Neoadjuvant durvalumab and stereotactic radiotherapy in oral cavity cancer"
    )
    assert record.authors == ["Okafor, Chiamaka", "Lindqvist, Erik"]
    assert (record.year, record.volume, record.issue, record.pages) == (2023, "12", "3", "201-210")
    assert record.doi == "10.5555/jeo.2023.0042"
    assert record.url == "https://example.org/jeo/article/42"
    assert record.abstract is not None
    assert len(record.abstract.split("\n")) == 2
    assert "full article" not in record.abstract  # the Introduction is not the abstract
    assert "tracking" not in record.abstract
    assert record.record_type == "journal article"


def test_markdown_blog_post() -> None:
    record = load(FIXTURES / "blog_post.md")
    assert record.title == "Can radiotherapy make immunotherapy work better?"
    assert record.authors == ["Jane Doe"]
    assert record.year == 2023
    assert record.record_type == "web page"
    assert record.abstract is not None
    assert "checkpoint inhibitor?" not in record.abstract
    assert record.warnings == []


def test_bilingual_chictr_page() -> None:
    record = load(FIXTURES / "chictr_page.txt")
    assert record.title is not None
    assert record.title.startswith("Radiotherapy combined with a PD-1 inhibitor")
    assert record.vernacular_title == "放疗联合PD-1抑制剂治疗复发鼻咽癌的II期临床研究"
    assert record.record_type == "trial registration"
    assert record.registry_id == "ChiCTR2000031234"
    assert record.year == 2020  # 注册时间：Date of Registration：2020-03-25
    assert record.extra["conditions"] == "鼻咽癌 Nasopharyngeal carcinoma"
    assert record.warnings == []


def test_news_article_with_dateline_and_byline() -> None:
    record = load(FIXTURES / "news_article.txt")
    assert record.title == "New trial combines immunotherapy and radiation for throat cancer"
    assert record.authors == ["Maria Gonzalez", "Peter Olsen"]
    assert record.year == 2024
    assert record.record_type == "web page"
    assert record.registry_id is None  # a news page that mentions a trial is not the trial
    assert record.extra["registry_ids_mentioned"] == "NCT05555555"
    assert record.abstract is not None
    assert "Share this article" not in record.abstract


def test_structured_abstract_stays_whole() -> None:
    text = (
        "Radiotherapy with checkpoint inhibitors in head and neck cancer\n"
        "Abstract\n"
        "Objective: To compare two schedules of radiotherapy given with nivolumab.\n"
        "Methods: We randomised 80 patients to 60 Gy in 30 fractions or 50 Gy in 20.\n"
        "Results: Control at two years did not differ between the two schedules.\n"
        "Keywords: radiotherapy; nivolumab\n"
    )
    record = inline(text)
    assert record.abstract is not None
    assert [p.split(":")[0] for p in record.abstract.split("\n")] == [
        "Objective",
        "Methods",
        "Results",
    ]
    assert record.keywords == ["radiotherapy", "nivolumab"]


def test_pubmed_abstract_export_with_two_records_is_refused() -> None:
    path = FIXTURES / "pubmed_abstract_export.txt"
    with pytest.raises(ImportFormatError) as caught:
        load(path)
    assert [p.line for p in caught.value.problems] == [1, 14]
    assert "MEDLINE" in (caught.value.hint or "")


# ---------------------------------------------------------------- exports and tables


def test_a_real_medline_export_is_refused_not_read_as_a_page() -> None:
    with pytest.raises(ImportFormatError, match="MEDLINE export") as caught:
        load(FIXTURES / "medline_pubmed_result1.txt")
    assert [p.line for p in caught.value.problems] == [2]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two\nER  - \n", "RIS"),
        ("PT J\nAU Smith, J\nTI A title\nER\n\nPT J\nAU Doe, A\nTI B\nER\n", "Web of Science"),
        ("@article{a,\n title={One}\n}\n@article{b,\n title={Two}\n}\n", "BibTeX"),
        ("%0 Journal Article\n%T One\n\n%0 Journal Article\n%T Two\n", "EndNote"),
        ("Title\tAuthors\tYear\nOne\tSmith\t2020\nTwo\tDoe\t2021\n", "tabs"),
        ("study n1 n2 e1\n1 20 22 4\n2 31 30 9\n3 12 11 1\n4 40 41 7\n", "numbers"),
    ],
)  # fmt: skip
def test_exports_and_tables_are_refused(text: str, what: str) -> None:
    with pytest.raises(ImportFormatError, match=what):
        inline(text)


# ---------------------------------------------------------------- traps


def test_tabs_and_blank_lines_are_normalised() -> None:
    text = "\n\n\n\t \n  \tA  study\tof   radiotherapy and\u00a0immunotherapy \n" + "\t\n" * 300
    record = inline(text)
    assert record.title == "A study of radiotherapy and immunotherapy"
    assert record.line == 5


@pytest.mark.parametrize("text", ["...\n;;;\n---", "1234 5678\n", "* * *\n§"])
def test_a_document_without_words_is_refused(text: str) -> None:
    with pytest.raises(ImportFormatError, match="no words"):
        inline(text)


def test_only_a_chinese_title_goes_into_title() -> None:
    text = "- VernacularTitle:放疗联合免疫治疗的进展\n- Language:Chinese\n"
    record = inline(text)
    assert record.title == record.vernacular_title == "放疗联合免疫治疗的进展"
    assert record.language == "zh"


def test_bilingual_title_pair() -> None:
    text = (
        "放疗联合免疫治疗在头颈部鳞状细胞癌中的应用\n"
        "Radiotherapy combined with immunotherapy in head and neck cancer\n"
        "张伟, 李娜, 王芳\n"
    )
    record = inline(text)
    assert record.title == "Radiotherapy combined with immunotherapy in head and neck cancer"
    assert record.vernacular_title == "放疗联合免疫治疗在头颈部鳞状细胞癌中的应用"
    assert record.authors == ["张伟", "李娜", "王芳"]


def test_html_entities_scripts_and_title_suffix() -> None:
    html = (
        "<html><head><title>Radiotherapy &amp; immunotherapy for head and neck cancer"
        " | Example Health</title><script>alert('x')</script></head><body>"
        "<h1>Radiotherapy &amp; immunotherapy for head and neck cancer</h1>"
        "<p>By Sam Lee</p></body></html>"
    )
    record = inline(html, "page.html")
    assert record.title == "Radiotherapy & immunotherapy for head and neck cancer"
    assert record.authors == ["Sam Lee"]
    assert "alert" not in str(record)


def test_several_registry_ids_on_a_registration() -> None:
    text = (
        "A trial of radiotherapy with nivolumab\n"
        "NCT01234567\n"
        "Conditions: Head and Neck Cancer\n"
        "Interventions: DRUG: Nivolumab\n"
        "Related studies: NCT07654321 and ChiCTR2000029308\n"
        "First Posted: 2019-01-02\n"
    )
    record = inline(text)
    assert record.record_type == "trial registration"
    assert record.registry_id == "NCT01234567"
    assert kinds(record) == {"several_registry_ids"}


def test_structured_abstract_sections_do_not_make_a_registration() -> None:
    text = (
        "Radiotherapy and pembrolizumab in oral cancer: a cohort study\n"
        "J Example Oncol. 2020;5(2):10-19.\n"
        "Interventions: Patients received radiotherapy to 70 Gy. Pembrolizumab was given "
        "every three weeks for one year after the end of radiotherapy.\n"
        "Outcomes: Overall survival was the main outcome. Toxicity was graded with CTCAE "
        "version 5 at every visit during the first two years.\n"
    )
    record = inline(text)
    assert record.record_type == "journal article"
    assert record.journal == "J Example Oncol"
    assert kinds(record) == {"missing_authors", "missing_doi"}


def test_pubmed_citation_split_over_two_lines_is_joined() -> None:
    text = "Head Neck\n. 2019 Jan;41(1):99-108.\nA title of an article here\n"
    record = inline(text)
    assert (record.journal, record.year, record.volume, record.issue, record.pages) == (
        "Head Neck",
        2019,
        "41",
        "1",
        "99-108",
    )


def test_french_page_language() -> None:
    assert detect_language("Les effets de la radiothérapie et des traitements") == "fr"
    assert detect_language("放疗联合免疫治疗") == "zh"
    assert detect_language("The effect of radiotherapy in the elderly") == "en"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Br J Radiol. 2022 Sep 1;95(1138):20220548. doi: 10.1259/x. Epub 2022 Sep 8.",
         ("Br J Radiol", 2022, "95", "1138", "20220548")),
        ("2023;50(9):548-552", (None, 2023, "50", "9", "548-552")),
        ("J. Clin. Oncol. 2019;37(15):1234-1245.", ("J. Clin. Oncol", 2019, "37", "15",
                                                     "1234-1245")),
        ("Volume 15 - 2024 | doi: 10.3389/fimmu.2024.1460480", (None, 2024, "15", None, None)),
    ],
)  # fmt: skip
def test_citation_lines(line: str, expected: tuple[object, ...]) -> None:
    citation = parse_citation(line)
    assert citation is not None
    assert (citation.journal, citation.year, citation.volume, citation.issue, citation.pages) == (
        expected
    )


@pytest.mark.parametrize(
    "line",
    [
        "In 2019; 45 patients (30%): most of them were treated with radiotherapy alone and "
        "then followed for five years in the outpatient clinic",
        "Radiotherapy in 2020 was common",
    ],
)
def test_sentences_with_years_are_not_citations(line: str) -> None:
    assert parse_citation(line) is None


def test_author_names() -> None:
    assert split_names("Tenglu CUI 1 ; Lu LYU ; Pengfei SUN") == [
        "Tenglu CUI",
        "Lu LYU",
        "Pengfei SUN",
    ]
    assert split_names("Charles Roux 1, Lambros Tselikas 1, 2 and Ana Silva*") == [
        "Charles Roux",
        "Lambros Tselikas",
        "Ana Silva",
    ]
    assert format_names(["Tenglu CUI", "Wei LI", "Mei-Ling WANG"]) == [
        "Cui, Tenglu",
        "Li, Wei",
        "Wang, Mei-Ling",
    ]
    assert format_names(["Roux CA", "Smith J"]) == ["Roux, CA", "Smith, J"]
    assert format_names(["Charles Roux", "DE LA CRUZ Maria"]) == [
        "Charles Roux",
        "De La Cruz, Maria",
    ]


def test_sniff() -> None:
    [fmt] = FORMATS
    assert fmt.name == "text"
    assert sniff(Path("page.txt"), "Some words")
    assert sniff(Path("page.html"), "<p>Some words</p>")
    assert sniff(Path("README"), "Some words\nmore words")
    assert not sniff(Path("results.csv"), "a,b,c\n1,2,3")
    assert not sniff(Path("page"), "\x00\x01\x02\x03binary\x04\x05" * 20)


# ---------------------------------------------------------------- robustness


def _parse_or_refuse(data: bytes, name: str = "page.txt") -> None:
    path = Path(name)
    try:
        text, encoding = decode(data, path)
        records = parse(Document(path, data, text, encoding))
    except ImportFormatError as exc:
        assert exc.message
        return
    assert len(records) == 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["page.txt", "page.html", "page.md", "page"]))
def test_random_bytes_parse_or_refuse(data: bytes, name: str) -> None:
    _parse_or_refuse(data, name)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000), st.sampled_from(["page.txt", "page.html"]))
def test_random_text_parses_or_refuses(text: str, name: str) -> None:
    _parse_or_refuse(text.encode("utf-8"), name)


_REAL = sorted(SEEDS.glob("*.txt")) + sorted(FIXTURES.glob("*.*"))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_REAL), st.floats(min_value=0, max_value=1))
def test_truncated_real_pages_parse_or_refuse(path: Path, fraction: float) -> None:
    data = path.read_bytes()
    _parse_or_refuse(data[: int(len(data) * fraction)], path.name)


_PIECES = sorted(
    {line for path in _REAL for line in path.read_text("utf-8").splitlines() if line.strip()}
    | {
        "<p>", "</p>", "<title>", "<script>", "</script>",
        "<meta name='citation_title' content='x'>",
        "<!--", "<![CDATA[", "<!doctype html>", "&amp;", "Abstract", "Keywords:", "Authors:",
        "Similar articles", "PMID: 1", "1. J Test. 2020;1(1):1-2.", "DRUG: X", "NCT01234567",
        "- VernacularTitle:", "Language:", ". 2021 Mar;1:2.", "Volume 1 - 2020", "By",
    }
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40),
    st.sampled_from(["page.txt", "page.html", "page.md"]),
)
def test_shuffled_page_fragments_parse_or_refuse(pieces: list[str], name: str) -> None:
    _parse_or_refuse("\n".join(pieces).encode("utf-8"), name)
