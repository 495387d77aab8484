"""The command line as a user meets it: exit codes, messages, what was stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.entry import main
from review.store import Store
from tests.conftest import SAMPLE_PROTOCOL, SEEDS

RIS = """TY  - JOUR
TI  - Stereotactic radiotherapy plus nivolumab in recurrent head and neck cancer
AU  - Müller, Anna
PY  - 2021
DO  - 10.1000/example.1
ER  -

TY  - JOUR
TI  - Pembrolizumab with chemoradiotherapy
AU  - Ng, Wai Tong
PY  - 2022
ER  -
"""


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


@pytest.fixture
def review_file(tmp_path: Path) -> Path:
    path = tmp_path / "rt-io.db"
    assert run("init", path, "--protocol", SAMPLE_PROTOCOL) == 0
    return path


def status(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert run("status", path, "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_init_import_status(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ris = tmp_path / "embase.ris"
    ris.write_text(RIS, encoding="utf-8")
    assert (
        run(
            "import",
            review_file,
            ris,
            "--kind",
            "database",
            "--source",
            "Embase",
            "--search-date",
            "2026-11-01",
        )
        == 0
    )
    assert "embase.ris: 2 records" in capsys.readouterr().out
    assert (
        run(
            "import",
            review_file,
            SEEDS,
            "--kind",
            "other",
            "--method",
            "website",
            "--source",
            "Web search",
        )
        == 0
    )
    report = status(review_file, capsys)
    assert report["records"] == 7
    assert report["records_by_kind"] == {"database": 2, "other": 5}
    embase = report["sources"][0]
    assert (embase["name"], embase["kind"], embase["format"], embase["search_date"]) == (
        "Embase",
        "database",
        "ris",
        "2026-11-01",
    )
    assert report["warnings"]["missing_abstract"] >= 2


def test_same_file_twice_is_refused_unless_forced(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ris = tmp_path / "pubmed.ris"
    ris.write_text(RIS, encoding="utf-8")
    args = ("import", review_file, ris, "--kind", "database", "--source", "PubMed")
    assert run(*args) == 0
    capsys.readouterr()
    assert run(*args) == 6
    err = capsys.readouterr().err
    assert "already imported" in err and "--force" in err
    assert status(review_file, capsys)["records"] == 2
    assert run(*args, "--force") == 0
    assert status(review_file, capsys)["records"] == 4


def test_cp1252_file_is_refused_with_a_hint_then_read_when_named(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ris = tmp_path / "cinahl.ris"
    ris.write_bytes(RIS.replace("Müller", "Müller – “quoted”").encode("cp1252"))
    args = ("import", review_file, ris, "--kind", "database", "--source", "CINAHL")
    assert run(*args) == 3
    err = capsys.readouterr().err
    assert "cinahl.ris:3" in err and "--encoding" in err
    assert status(review_file, capsys)["records"] == 0
    assert run(*args, "--encoding", "cp1252") == 0
    with Store.open(review_file) as store:
        first = store.records.record(store.records.record_rows()[0].id)
    assert first.authors == ["Müller – “quoted”, Anna"]


def test_a_bad_file_in_a_folder_stores_nothing(
    review_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "searches"
    folder.mkdir()
    (folder / "a.ris").write_text(RIS, encoding="utf-8")
    (folder / "b.ris").write_bytes(b"")
    assert run("import", review_file, folder, "--kind", "database", "--source", "X") == 3
    assert "b.ris" in capsys.readouterr().err
    assert status(review_file, capsys)["records"] == 0


def test_errors_name_the_problem_and_exit_codes_are_documented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("status", tmp_path / "missing.db") == 5
    assert "missing.db" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("review:\n  titel: x\n", encoding="utf-8")
    assert run("init", tmp_path / "new.db", "--protocol", bad) == 4
    assert "bad.yaml:2" in capsys.readouterr().err
    assert not (tmp_path / "new.db").exists()
    assert run("import", tmp_path / "x.db") == 2
    assert run("bogus-command", "x", "y") == 2


def test_protocol_check_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("protocol", "check", SAMPLE_PROTOCOL) == 0
    assert "OK" in capsys.readouterr().out
    assert run("formats") == 0
    listed = capsys.readouterr().out
    for name in ("ris", "medline", "pubmed_xml", "bibtex", "csv", "xlsx", "text", "wos"):
        assert f"\n{name} " in f"\n{listed}"


def test_sample_review_builds_from_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sample.db"
    assert run("sample", path) == 0
    report = status(path, capsys)
    assert report["records"] == 5
    assert {s["name"] for s in report["sources"]} == {"Web search"}


def test_init_on_an_existing_file_is_a_conflict_as_the_readme_says(
    review_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README's exit codes: 6 when "the target already exists" (issue 14: it was 5)."""
    before = review_file.read_bytes()
    capsys.readouterr()
    assert run("init", review_file, "--protocol", SAMPLE_PROTOCOL) == 6
    assert "a file already exists here" in capsys.readouterr().err
    assert review_file.read_bytes() == before


def test_formats_names_binaries_as_the_import_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`review formats` says what `review import` would: a zip of exports is an
    archive (not an Excel workbook) and a PDF is named as one."""
    import zipfile

    from openpyxl import Workbook

    archive = tmp_path / "ctg-studies.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("studies.csv", "NCT Number,Study Title\nNCT00000001,A trial\n")
    workbook = tmp_path / "scopus.xlsx"
    Workbook().save(workbook)
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")

    assert run("formats", archive, workbook) == 0
    listed = capsys.readouterr().out
    assert f"{archive}: zip " in listed
    assert f"{workbook}: xlsx " in listed
    assert run("formats", pdf) == 3
    assert "this is a PDF file" in capsys.readouterr().err


def test_status_counts_read_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The sample's one study without a risk-of-bias tool: '1 study', not '1 studies'."""
    path = tmp_path / "sample.db"
    assert run("sample", path) == 0
    capsys.readouterr()
    assert run("status", path) == 0
    assert "; 1 study without a tool" in capsys.readouterr().out
