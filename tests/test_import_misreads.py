"""Files that used to be misread in silence: each is now read as what it is, or refused.

An import either stores exactly the records the file holds, or says plainly
why not (the line and the fix); a file that is probably incomplete is
stored with a warning shown at import and in `review status`.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli
from review.errors import ImportFormatError
from review.importers import by_name
from review.ingest import ImportOptions, import_paths
from review.models import RecordDraft, SourceKind
from review.store import Store
from tests.conftest import FIXTURES, SAMPLE_PROTOCOL

DATABASE = ImportOptions(kind=SourceKind.DATABASE, source_name="Test")
SCOPUS_RIS = FIXTURES / "ris/citation-file-formatting/_baseline_scopus.ris"
INDENTED_OVID = FIXTURES / "ovid/indented_two_records.txt"


def stored_titles(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT title FROM records ORDER BY id")]
    finally:
        conn.close()


# --- tagged exports never become one "web page" ----------------------------


def test_an_ovid_export_indented_by_a_space_imports_as_its_two_records(store: Store) -> None:
    [result] = import_paths(store, [INDENTED_OVID], DATABASE)
    assert (result.source.format, result.source.record_count) == ("ovid", 2)
    titles = stored_titles(store.path)
    assert titles[0].startswith("Concurrent pembrolizumab and radiotherapy")
    assert titles[1].startswith("Nivolumab with stereotactic body radiotherapy")
    # The six-space continuation of the abstract is still joined to it.
    record = store.records.record(1)
    assert "Grade 3 mucositis" in (record.abstract or "")


@pytest.mark.parametrize(
    ("text", "likely"),
    [
        (" TY  - JOUR\n TI  - First\n ER  - \n\n TY  - JOUR\n TI  - Second\n ER  - \n", "RIS"),
        (" PMID- 1\n TI  - First\n\n PMID- 2\n TI  - Second\n", "MEDLINE"),
        (" <1. >\n TI  - First\n AB  - One.\n\n <2. >\n TI  - Second\n", "Ovid"),
        ("TI  - First title\nAU  - Smith J\n\nTI  - Second title\nAU  - Jones K\n", "tagged"),
    ],
)
def test_the_text_fallback_refuses_several_tagged_records(
    store: Store, tmp_path: Path, text: str, likely: str
) -> None:
    path = tmp_path / "export.txt"
    path.write_text(text)
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], ImportOptions(DATABASE.kind, "Test", format_name="text"))
    assert likely in str(error.value)
    assert error.value.problems and error.value.problems[0].line in (1, 2)
    assert error.value.hint
    assert stored_titles(store.path) == []


def test_an_indented_ris_file_is_refused_with_the_fix_not_stored_as_a_page(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "indented.txt"
    path.write_text(" TY  - JOUR\n TI  - First\n ER  - \n\n TY  - JOUR\n TI  - Second\n ER  - \n")
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert "2 record" in str(error.value)
    assert "leading spaces" in (error.value.hint or "")


# --- a RIS file cut short ---------------------------------------------------


def cut_scopus(tmp_path: Path, end: int) -> Path:
    data = SCOPUS_RIS.read_bytes()
    path = tmp_path / "scopus-cut.ris"
    path.write_bytes(data[:end])
    return path


def test_a_last_record_without_er_is_stored_with_a_file_warning(
    tmp_path: Path, store: Store
) -> None:
    data = SCOPUS_RIS.read_bytes()
    # Cut at a line boundary inside the last record, after its abstract.
    end = data.rindex(b"\nER  -") + 1
    path = cut_scopus(tmp_path, end)
    [result] = import_paths(store, [path], DATABASE)
    assert result.source.record_count == 10
    assert result.notices == ["the last record has no ER: the file may be incomplete"]


def test_status_and_import_show_the_incomplete_file_warning(tmp_path: Path) -> None:
    data = SCOPUS_RIS.read_bytes()
    path = cut_scopus(tmp_path, data.rindex(b"\nER  -") + 1)
    db = tmp_path / "r.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(db), "--protocol", str(SAMPLE_PROTOCOL)]).exit_code == 0
    imported = runner.invoke(
        cli, ["import", str(db), str(path), "--kind", "database", "--source", "Scopus"]
    )
    assert imported.exit_code == 0, imported.output
    assert "the last record has no ER: the file may be incomplete" in imported.output
    status = runner.invoke(cli, ["status", str(db)])
    assert "the last record has no ER: the file may be incomplete" in status.output


def test_a_ris_file_cut_mid_word_is_refused(tmp_path: Path, store: Store) -> None:
    data = SCOPUS_RIS.read_bytes()
    abstract = data.rindex(b"AB  - Theropods are obligate")
    path = cut_scopus(tmp_path, abstract + len(b"AB  - Theropods are oblig"))
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert "cut" in str(error.value)
    assert error.value.line == data[:abstract].count(b"\n") + 1
    assert stored_titles(store.path) == []


def test_a_ris_file_ending_on_a_tag_without_value_is_refused(tmp_path: Path, store: Store) -> None:
    data = SCOPUS_RIS.read_bytes()
    abstract = data.rindex(b"AB  - Theropods are obligate")
    path = cut_scopus(tmp_path, abstract + len(b"AB  - "))
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert "`AB`" in str(error.value)
    assert stored_titles(store.path) == []


def test_a_file_that_never_writes_er_warns_on_its_last_record_only() -> None:
    """Records ended by the next `TY` are read as the file writes them; the
    last one ends with the file, which may have been cut there."""
    ris = by_name("ris")
    text = "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\n"
    from review.importers.base import Document

    drafts = list(ris.parse(Document(Path("x.ris"), text.encode(), text, "utf-8")))
    assert [[w.kind for w in d.warnings] for d in drafts] == [[], ["incomplete_file"]]


def test_a_one_record_ris_file_cut_mid_word_is_refused(tmp_path: Path, store: Store) -> None:
    """With no `ER` anywhere, only the last line tells a cut file: it stops
    in a word with no line break after it."""
    data = SCOPUS_RIS.read_bytes()
    first_end = data.index(b"\nER  -")
    path = cut_scopus(tmp_path, data.rindex(b"KW  - ", 0, first_end) + len(b"KW  - Dino"))
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert "in the middle of a word in `KW`: it was cut" in str(error.value)
    assert error.value.line == path.read_bytes().count(b"\n") + 1
    assert "end it with a line break" in (error.value.hint or "")
    assert stored_titles(store.path) == []


# --- MEDLINE and Web of Science files cut short ------------------------------

PUBMED = FIXTURES / "medline/pubmed-balloongui-set.nbib"
WOS = FIXTURES / "wos/wos_plaintext.txt"


def cut_file(tmp_path: Path, source: Path, end: int) -> Path:
    path = tmp_path / f"cut{source.suffix}"
    path.write_bytes(source.read_bytes()[:end])
    return path


@pytest.mark.parametrize(
    ("after", "where"),
    [
        (b"AB  - ", "in the middle of a word in `AB`"),
        (b"\n      ", "in the indent of a continuation line in `AB`"),
    ],
)
def test_a_medline_file_cut_in_its_last_record_is_refused(
    tmp_path: Path, store: Store, after: bytes, where: str
) -> None:
    """MEDLINE has no end tag: a PubMed file cut mid-abstract used to import
    its last record with half an abstract, in silence."""
    data = PUBMED.read_bytes()
    abstract = data.rindex(b"AB  - ")
    start = abstract if after == b"AB  - " else data.index(b"\n      ", abstract)
    path = cut_file(tmp_path, PUBMED, start + len(after) + (8 if after == b"AB  - " else 0))
    assert not path.read_bytes().endswith(b"\n")
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert f"ends {where}: it was cut" in str(error.value)
    assert error.value.line == path.read_bytes().count(b"\n") + 1
    assert stored_titles(store.path) == []


@pytest.mark.parametrize(
    "fixture",
    [
        "medline/pubmed-balloongui-set.nbib",
        "endnote_tagged/ais_enl.txt",
        "ovid/embase_medline_tagged.txt",
        "wos/wos_plaintext.txt",
        "ris/citation-file-formatting/_baseline_scopus.ris",
    ],
)
def test_every_tagged_format_refuses_a_file_cut_mid_word(
    tmp_path: Path, store: Store, fixture: str
) -> None:
    """Cut inside the last long word of the file, as a stopped download is."""
    source = FIXTURES / fixture
    data = source.read_bytes()
    *_, word = re.finditer(rb"[A-Za-z]{8,}", data)
    path = cut_file(tmp_path, source, word.start() + 4)
    with pytest.raises(ImportFormatError, match="the file ends in the middle of a word") as error:
        import_paths(store, [path], DATABASE)
    assert error.value.line == path.read_bytes().count(b"\n") + 1
    assert stored_titles(store.path) == []


def test_a_complete_medline_file_without_its_last_line_break_imports(
    tmp_path: Path, store: Store
) -> None:
    """Only a last line stopping in a word is taken for a cut: a source line
    ending `.` with no line break after it is a whole value."""
    data = PUBMED.read_bytes().rstrip()
    assert data.endswith(b".")
    path = tmp_path / "no-break.nbib"
    path.write_bytes(data)
    [result] = import_paths(store, [path], DATABASE)
    assert result.source.record_count == PUBMED.read_bytes().count(b"\nPMID- ") + 1


def test_a_wos_file_cut_between_lines_warns_and_cut_mid_word_is_refused(
    tmp_path: Path, store: Store
) -> None:
    data = WOS.read_bytes()
    last = data.rindex(b"\nPT ")
    title = data.index(b"\nTI ", last) + 1
    # Cut at a line break inside the last record: stored, with the file warning.
    path = cut_file(tmp_path, WOS, data.index(b"\n", title) + 1)
    [result] = import_paths(store, [path], DATABASE)
    assert result.notices == ["the last record has no ER: the file may be incomplete"]
    assert result.source.record_count == data.count(b"\nPT ") + data.startswith(b"PT ")
    # Cut in the middle of the title's first word: refused, nothing stored.
    other = Store.create(tmp_path / "other.db")
    try:
        path = cut_file(tmp_path, WOS, title + len(b"TI ") + 3)
        with pytest.raises(ImportFormatError, match="middle of a word in `TI`: it was cut"):
            import_paths(other, [path], DATABASE)
        assert stored_titles(other.path) == []
    finally:
        other.close()


# --- CSV rows wider or shorter than their header ---------------------------

SCOPUS_CSV = FIXTURES / "tabular/_baseline_scopus_first4.csv"


def scopus_rows() -> list[list[str]]:
    import csv

    with SCOPUS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return [row[:45] for row in csv.reader(handle)]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def test_a_scopus_csv_with_a_trailing_separator_on_every_row_imports(
    tmp_path: Path, store: Store
) -> None:
    header, *rows = scopus_rows()
    path = write_csv(tmp_path / "scopus.csv", [header, *[[*row, ""] for row in rows]])
    assert path.read_text().splitlines()[1].endswith(",")
    [result] = import_paths(store, [path], DATABASE)
    assert result.source.record_count == 4


def test_a_header_with_a_trailing_separator_over_rows_without_imports(
    tmp_path: Path, store: Store
) -> None:
    header, *rows = scopus_rows()
    path = write_csv(tmp_path / "scopus.csv", [[*header, ""], *rows])
    [result] = import_paths(store, [path], DATABASE)
    assert result.source.record_count == 4


ABSTRACKR_HEADER = ["(internal) id", "(source) id", "pubmed id", "keywords", "abstract", "title"]


def test_quoted_line_breaks_are_one_record_each(tmp_path: Path, store: Store) -> None:
    rows = [
        ABSTRACKR_HEADER,
        ["1", "a1", "111", "x; y", "Background: one.\nMethods: two.\n\nResults: three.", "First"],
        ["2", "a2", "222", "z", "Single line.", "Second"],
    ]
    [result] = import_paths(store, [write_csv(tmp_path / "abstrackr.csv", rows)], DATABASE)
    assert result.source.record_count == 2
    assert store.records.record(1).abstract.count("\n") >= 2  # type: ignore[union-attr]


def test_a_row_that_ends_early_is_refused_naming_the_record_and_field(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "abstrackr.csv"
    path.write_text(
        ",".join(ABSTRACKR_HEADER)
        + "\n1,a1,111,x,Fine abstract.,First\n2,a2,222,y,Short abstract.\n3,a3,333,z,Ok.,Third\n"
    )
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    [problem] = error.value.problems
    assert problem.line == 3
    assert "record 2" in problem.message
    assert '"abstract"' in problem.message and '"title"' in problem.message
    assert stored_titles(store.path) == []


def test_a_record_split_by_an_unquoted_line_break_is_named_as_such(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "abstrackr.csv"
    path.write_text(
        ",".join(ABSTRACKR_HEADER)
        + "\n1,a1,111,x,Fine.,First\n2,a2,222,y,Broken\nabstract.,Second\n3,a3,333,z,Ok.,Third\n"
    )
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    [problem] = error.value.problems
    assert problem.line == 3
    assert "record 2" in problem.message and "lines 3 and 4" in problem.message
    assert '"abstract"' in problem.message


# --- Ovid RIS with separator lines between records ---------------------------


def test_ovid_psycinfo_ris_with_separator_lines_imports_every_record(store: Store) -> None:
    path = FIXTURES / "ris/ovid/psycinfo_separators.ris"
    [result] = import_paths(store, [path], DATABASE)
    assert (result.source.format, result.source.record_count) == ("ris", 3)
    assert stored_titles(store.path)[2] == "Coping with immunotherapy side effects."
    assert result.notices == []


def parse_ris(text: str) -> list[RecordDraft]:
    from review.importers.base import Document

    return list(by_name("ris").parse(Document(Path("x.ris"), text.encode(), text, "utf-8")))


def test_header_tags_just_before_ty_belong_to_that_record() -> None:
    text = (
        "<1. >\nVN  - Ovid Technologies\nTY  - JOUR\nTI  - One\nER  - \n\n"
        "<2. >\nVN  - Ovid Technologies\nTY  - JOUR\nTI  - Two\nER  - \n"
    )
    drafts = parse_ris(text)
    assert [d.title for d in drafts] == ["One", "Two"]
    assert drafts[1].extra.get("VN") == "Ovid Technologies"


def test_a_record_that_lost_its_ty_is_still_refused() -> None:
    text = "TY  - JOUR\nTI  - One\nER  - \n\nTI  - Lost\nAU  - Smith\nER  - \n"
    with pytest.raises(ImportFormatError) as error:
        parse_ris(text)
    assert [p.line for p in error.value.problems] == [5, 6]
    text = "TY  - JOUR\nTI  - One\nER  - \n\nTI  - Lost\nTY  - JOUR\nTI  - Two\nER  - \n"
    with pytest.raises(ImportFormatError):
        parse_ris(text)


# --- damage the fuzz tests found ----------------------------------------------


def parse_as(name: str, text: str) -> list[RecordDraft]:
    from review.importers.base import Document

    return list(by_name(name).parse(Document(Path("x.txt"), text.encode(), text, "utf-8")))


def test_a_blank_line_before_a_pubmed_records_pmc_line_is_refused() -> None:
    text = "PMID- 1\nTI  - One\n\nPMC - PMC9\nAU  - Smith J\n\nPMID- 2\nTI  - Two\n"
    with pytest.raises(ImportFormatError) as error:
        parse_as("medline", text)
    assert [p.line for p in error.value.problems] == [4]


def test_a_pmid_line_without_a_number_opens_no_record() -> None:
    with pytest.raises(ImportFormatError) as error:
        parse_as("medline", 'PMID- \n[\n{"protocolSection": {}},\n{"protocolSection": {}}\n]\n')
    assert "PubMed ID" in str(error.value.problems[0].message)


def test_another_file_pasted_under_a_pmid_line_is_refused() -> None:
    pasted = "\n".join(f'{{"study": {i}}},' for i in range(5))
    with pytest.raises(ImportFormatError) as error:
        parse_as("medline", f"PMID- 1\nTI  - One\n{pasted}\n")
    assert "neither tagged nor indented" in error.value.problems[0].message


def test_a_pubmed_file_under_a_stray_ty_line_is_not_one_record() -> None:
    text = "TY -\nPMID- 1\nTI  - One\n\nPMID- 2\nTI  - Two\n\nPMID- 3\nTI  - Three\n"
    with pytest.raises(ImportFormatError) as error:
        parse_as("ris", text)
    assert error.value.line == 1
    assert "3 `PMID-` lines" in str(error.value)


def test_an_endnote_line_with_an_empty_record_tag_is_refused() -> None:
    with pytest.raises(ImportFormatError) as error:
        parse_as("endnote_tagged", "%0\n%T One\n%0 Journal Article\n%A Smith\n\n%T Two\n")
    assert [p.line for p in error.value.problems] == [1]


def test_a_stray_record_tag_that_leaves_a_part_without_title_is_refused() -> None:
    with pytest.raises(ImportFormatError):
        parse_as("endnote_tagged", "%0 Book\n%T One\n%0 Journal Article\n%A Smith\n\n%T Two\n")


def test_an_ovid_search_strategy_without_records_is_not_a_web_page(
    store: Store, tmp_path: Path
) -> None:
    head = (FIXTURES / "ovid/embase_medline_tagged.txt").read_bytes().split(b"<1. >")[0]
    path = tmp_path / "ovid.txt"
    path.write_bytes(head)
    with pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], DATABASE)
    assert "search strategy" in str(error.value)
