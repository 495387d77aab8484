"""BibTeX: real exports (Scopus, WoS, Wiley, ACM, DBLP …), bibtexparser's edge cases, traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ImportFormatError
from review.importers import read_document
from review.importers.base import Document, decode
from review.importers.bibtex import FORMATS
from review.models import RecordDraft

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bibtex"
V1 = FIXTURES / "bibtexparser-v1"
COLREV = FIXTURES / "colrev"
BIBTEX = FORMATS[0]


def load(path: Path) -> list[RecordDraft]:
    doc, fmt = read_document(path)
    assert fmt.name == "bibtex"
    return fmt.parse(doc)


def parse(text: str | bytes, name: str = "inline.bib") -> list[RecordDraft]:
    data = text.encode() if isinstance(text, str) else text
    path = Path(name)
    decoded, encoding = decode(data, path)
    return BIBTEX.parse(Document(path, data, decoded, encoding))


# --- real files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "count"),
    [
        (V1 / "article_comma_first.bib", 2),
        (V1 / "article_missing_coma.bib", 4),
        (V1 / "article_multilines.bib", 1),
        (V1 / "article_no_braces.bib", 1),
        (V1 / "article_start_with_bom.bib", 1),
        (V1 / "article_with_protection_braces.bib", 1),
        (V1 / "article_with_special_characters.bib", 1),
        (V1 / "article_with_strings.bib", 1),
        (V1 / "book_bom.bib", 1),
        (V1 / "book_capital_AND.bib", 1),
        (V1 / "comments_percentage.bib", 2),
        (V1 / "comments_spaces_and_declarations.bib", 1),
        (V1 / "common_strings.bib", 0),
        (V1 / "crossref_entries.bib", 14),
        (V1 / "encoding.bib", 1),
        (V1 / "features.bib", 1),
        (V1 / "multiline_comments.bib", 0),
        (V1 / "multiple_entries_and_comments.bib", 3),
        (V1 / "string.bib", 1),
        (V1 / "traps.bib", 1),
        (V1 / "xref_entries.bib", 8),
        (FIXTURES / "asysd" / "test_export.bib", 3),
        (COLREV / "scopus_bib.bib", 11),
        (COLREV / "web_of_science_bib.bib", 2),
        (COLREV / "wiley_bib.bib", 2),
        (COLREV / "europe_pmc_bib.bib", 2),
        (COLREV / "taylor_and_francis_bib.bib", 2),
        (COLREV / "unknown_source_bib.bib", 1),
        (COLREV / "acm_bib.bib", 2),
        (COLREV / "dblp_bib.bib", 2),
        (COLREV / "crossref_bib.bib", 1),
        (COLREV / "files_dir_bib.bib", 3),
        (COLREV / "abi_inform_proquest_bib.bib", 2),
        (COLREV / "bib_data.bib", 6),
        (COLREV / "records.bib", 21),
        (COLREV / "dblp_bib_result.bib", 2),
        (COLREV / "wiley_bib_result.bib", 2),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)
def test_real_files_parse_completely(path: Path, count: int) -> None:
    records = load(path)
    assert len(records) == count
    assert [r.position for r in records] == list(range(1, count + 1))


def test_scopus_export() -> None:
    records = load(COLREV / "scopus_bib.bib")
    first = records[0]
    assert (
        first.title
        == "Article classified as document_type Article, NO Volume, NO Number, NO art_number"
    )
    assert first.authors == ["Firstwriter, Z.", "Secondwriter, T.", "Thirdwriter, L."]
    assert first.year == 2022
    assert first.doi == "10.1111/88888888.2022.7777777"
    assert first.journal == "Public Dummy Review One"
    assert first.record_type == "journal article"
    assert first.line == 2
    assert first.source_id == "Firstwriter2022"
    # Scopus' own document_type refines the BibTeX entry type
    types = {r.title: r.record_type for r in records}
    assert types["Article classified as document_type Data Paper"] == "data paper"


def test_web_of_science_export_keeps_the_ut_as_key() -> None:
    records = load(COLREV / "web_of_science_bib.bib")
    proceedings = records[0]
    assert proceedings.source_id == "WOS:000223334444221"
    assert proceedings.record_type == "conference paper"
    assert proceedings.journal == "A BOOKTITLE"
    assert proceedings.authors[:2] == ["Writerone, Julia", "Writertwo, Paul"]


def test_latex_accents_become_unicode() -> None:
    (record,) = load(V1 / "article_with_special_characters.bib")
    assert record.authors == ["Césarü, Jean"]
    (record,) = load(V1 / "article_no_braces.bib")
    assert record.authors == ["Césarü, Jean"]
    assert record.abstract is not None and "érudit" in record.abstract


def test_protection_braces_are_removed() -> None:
    (record,) = load(V1 / "article_with_protection_braces.bib")
    assert record.title == "An amazing title"
    assert record.journal == "Nice Journal"
    (record,) = load(V1 / "traps.bib")
    assert record.title == "An amazing title"
    assert record.volume == "n.s. 2"


def test_string_macros_and_concatenation() -> None:
    (record,) = load(V1 / "article_with_strings.bib")
    assert record.journal == "Nice Journal"
    # author = jean # " " # cesar
    assert record.authors == ["César, Jean"]
    (record,) = load(V1 / "string.bib")
    assert record.journal == "Proceedings of the IEEE Symposium on Security and Privacy"
    assert record.title == "Program-Adaptive Mutational Fuzzing"
    assert record.pages == "725-741"


def test_comments_preambles_and_strings_are_not_records() -> None:
    (record,) = load(V1 / "features.bib")
    assert record.journal == "My International Conference"
    assert record.line == 13
    assert load(V1 / "multiline_comments.bib") == []


def test_crossref_children_inherit_from_their_parent() -> None:
    records = {r.source_id: r for r in load(V1 / "crossref_entries.bib")}
    child = records["cr1"]
    assert child.year == 1974
    assert child.journal == "Graphs of the Continent"
    assert child.extra["publisher"] == "Grimble"
    assert records["cr_m"].record_type == "book"


def test_bom_does_not_hide_the_first_entry() -> None:
    (record,) = load(V1 / "article_start_with_bom.bib")
    assert record.title == "An amazing title"
    assert record.line == 2


def test_gbk_file_after_naming_its_encoding() -> None:
    path = V1 / "gbk_test.bib"
    with pytest.raises(ImportFormatError) as caught:
        read_document(path)
    assert "--encoding" in (caught.value.hint or "")
    data = path.read_bytes()
    text, encoding = decode(data, path, "gbk")
    (record,) = BIBTEX.parse(Document(path, data, text, encoding))
    assert record.authors == ["凯撒"]
    assert record.journal == "测试期刊"
    assert record.source_id == "凯撒2013"


def test_html_entities_from_exporters() -> None:
    (record,) = load(COLREV / "unknown_source_bib.bib")
    assert record.journal == "Dummy in Practice © asdf"


def test_percent_sign_does_not_cut_an_abstract() -> None:
    (record,) = parse(
        "@article{k, title = {A \\emph{new} drug}, abstract = {Response in 50% of "
        "patients \\& more}, year = 2020}"
    )
    assert record.title == "A new drug"
    assert record.abstract == "Response in 50% of patients & more"


def test_wrong_entry_type_is_refused_with_its_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        load(V1 / "wrong.bib")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "@wrong" in problem.message


def test_empty_file_is_refused_before_parsing() -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        read_document(V1 / "empty.bib")


def test_syntax_error_is_refused_with_its_line() -> None:
    # EBSCO scraped a web page into Keywords; its braces do not balance
    with pytest.raises(ImportFormatError) as caught:
        load(COLREV / "ebsco_bib.bib")
    assert [p.line for p in caught.value.problems] == [15]


def test_biber_examples_refuse_only_the_unknown_type() -> None:
    path = V1 / "biber-examples.bib"
    with pytest.raises(ImportFormatError) as caught:
        load(path)
    assert [(p.line, "@conversation" in p.message.lower()) for p in caught.value.problems] == [
        (1632, True)
    ]
    # With the type fixed, all 118 entries except the three @set groups import;
    # the repeated key tmn4 is kept, with a warning, not dropped.
    records = parse(path.read_text(encoding="utf-8").replace("@CONVERSATION", "@MISC"))
    assert len(records) == 115
    repeated = [r for r in records if any(w.kind == "duplicate_key" for w in r.warnings)]
    assert [(r.line, r.source_id, r.authors) for r in repeated] == [(1543, None, ["ZZZ"])]


def test_duplicate_keys_are_both_imported() -> None:
    records = load(COLREV / "bib_data.bib")
    assert [r.doi for r in records[:2]] == ["10.3333/xyz.v4444.04", "10.3333/xyz.v4444.04a"]
    assert records[1].source_id is None
    assert records[1].warnings[0].kind == "duplicate_key"


# --- traps, inline --------------------------------------------------------


def test_parenthesised_entries_and_month_macros() -> None:
    records = parse(
        '@Article (k1,\n  title = "A (bracketed) title",\n  author = "Smith, J. and Doe, A.",\n'
        "  month = jan, year = 1999\n)\n"
        "@book(k2, title = {Second}, year = {2001})\n"
    )
    assert [r.title for r in records] == ["A (bracketed) title", "Second"]
    assert records[0].authors == ["Smith, J.", "Doe, A."]
    assert records[0].year == 1999
    assert records[0].warnings == []  # jan is a predefined macro
    assert [r.line for r in records] == [1, 6]


def test_names_in_every_bibtex_form() -> None:
    (record,) = parse(
        "@article{k, author = {{World Health Organization} and van der Berg, Jan and "
        'Ludwig van Beethoven and {\\"O}zg{\\"u}r, A. and King, Jr, Martin and others}}'
    )
    assert record.authors == [
        "World Health Organization",
        "van der Berg, Jan",
        "van Beethoven, Ludwig",
        "Özgür, A.",
        "King, Martin, Jr",
    ]
    assert [w.kind for w in record.warnings] == ["authors_truncated"]


def test_undefined_macro_is_kept_and_warned() -> None:
    (record,) = parse("@article{k, journal = undefinedjournal, title = {T}}")
    assert record.journal == "undefinedjournal"
    assert record.warnings[0].kind == "unresolved_macro"


def test_bare_cr_line_endings_keep_line_numbers() -> None:
    records = parse("@article{a,\r title={One}}\r\r@article{b,\r title={Two}}\r")
    assert [(r.title, r.line) for r in records] == [("One", 1), ("Two", 4)]


def test_entry_hidden_in_a_comment_line_is_refused() -> None:
    # bibtexparser starts an entry at any "@type{"; BibTeX exports start lines with them
    with pytest.raises(ImportFormatError) as caught:
        parse("@article{a, title={One}}\n% old: @article{b, title={Two}}\n")
    assert [p.line for p in caught.value.problems] == [2]


def test_entry_missed_by_the_splitter_is_caught_by_the_count() -> None:
    # two entries open on the same line: bibtexparser reads both, we count one line
    with pytest.raises(ImportFormatError, match="found 1 BibTeX entries but parsed 2"):
        parse("@article{a, title={One}} @article{b, title={Two}}\n")


def test_unclosed_entry_is_refused() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse("@article{a, title={One}\n@article{b, title={Two}}\n")
    assert caught.value.problems[0].line == 1


def test_identifiers_lose_their_escapes() -> None:
    (record,) = parse(
        "@misc{k, title={Page}, url={https://example.org/a\\_b~c}, doi={10.1000/ABC\\_1}, "
        "pmid={123456}, issn={1234-567X (Print)}, keywords={one; two; One}}"
    )
    assert record.url == "https://example.org/a_b~c"
    assert record.doi == "10.1000/abc_1"
    assert record.pmid == "123456"
    assert record.issn == "1234-567X"
    assert record.keywords == ["one", "two"]
    assert record.record_type is None


def test_sniffing() -> None:
    sniff = BIBTEX.sniff
    assert sniff(Path("x.txt"), "% exported\n@Article{key,\n title={x}}")
    assert sniff(Path("x.bib"), "@Inreference{key,\n title={x}}")
    assert not sniff(Path("x.txt"), "TY  - JOUR\nTI  - email me @home{x}\nER  -")


# --- robustness -----------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    try:
        parse(b"@article{k,\n" + data)
    except ImportFormatError as exc:
        assert exc.message


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_truncated_real_files_parse_or_refuse(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from([COLREV / "records.bib", COLREV / "scopus_bib.bib"]))
    raw = path.read_bytes()
    cut = data.draw(st.integers(min_value=1, max_value=len(raw)))
    try:
        records = parse(raw[:cut])
    except ImportFormatError as exc:
        assert exc.message
    else:
        assert all(r.position == i for i, r in enumerate(records, start=1))
