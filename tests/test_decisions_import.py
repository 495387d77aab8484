"""`review decisions import`: screening done elsewhere lands on the records'
units as screen events saying where they came from, all or nothing, every
bad row named by file, row and column; importing twice stores nothing new;
what the export's Records sheet shows afterwards is what was imported."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from review.entry import main
from review.errors import ExitCode
from review.exports import export_review
from review.models import RecordDraft, SourceKind, Stage
from review.review_file import create_review, review_protocol
from review.sample import SAMPLE_PROTOCOL
from review.screening.units import load_state
from review.store import Store
from tests.prisma_helpers import add

HEADER = ["record", "reviewer", "stage", "decision", "reason", "note"]
GOOD = [
    ["1001", "ann", "title_abstract", "include", "", ""],
    ["1001", "bob", "title_abstract", "include", "", "looks eligible"],
    ["10.1000/b", "ann", "title_abstract", "exclude", "Wrong population", ""],
    ["pmid:1002", "bob", "Title/Abstract", "Exclude", "population", ""],
    ["1003", "ann", "title_abstract", "maybe", "", "=unsure, check dose"],
    ["1003", "bob", "title_abstract", "include", "", ""],
    ["https://doi.org/10.1000/A", "ann", "full_text", "exclude", "design", ""],
    ["1001", "bob", "full_text", "exclude", "Wrong study design", "cohort of 6"],
    ["1003", "ann", "full_text", "include", "", ""],
    ["1003", "bob", "full_text", "include", "", ""],
]
"""Ten decisions on three units: A (PubMed 1001 = Embase E1 by DOI) included
then excluded at full text, B excluded at title/abstract, C included."""


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        # A spreadsheet holds PMIDs as numbers.
        sheet.append([int(cell) if cell.isdigit() else cell or None for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text, as a spreadsheet user would
    book.save(path)
    return path


A_AUTHORS = ["Smith, Jane"]
T = "Radiotherapy with checkpoint inhibitors in head and neck cancer, paper "


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """PubMed 1001–1004 and Embase E1 (= 1001 by DOI), E2 (its own paper, whose
    id in Embase is 1004 too) and E3 (included at title/abstract by both,
    its full text marked not retrieved)."""
    path = tmp_path / "review.db"
    with create_review(path, SAMPLE_PROTOCOL) as store:
        pubmed = [
            RecordDraft(1, title=T + "A", year=2021, doi="10.1000/a", pmid="1001",
                        source_id="1001", authors=A_AUTHORS),
            RecordDraft(2, title=T + "B", year=2021, doi="10.1000/b", pmid="1002",
                        source_id="1002"),
            RecordDraft(3, title=T + "C", year=2022, pmid="1003", source_id="1003"),
            RecordDraft(4, title=T + "D", year=2022, pmid="1004", source_id="1004"),
        ]  # fmt: skip
        add(store, "PubMed", SourceKind.DATABASE, pubmed)
        embase = [
            RecordDraft(
                1, title=T + "A", year=2021, doi="10.1000/a", source_id="E1", authors=A_AUTHORS
            ),
            RecordDraft(2, title=T + "E", year=2020, authors=["Roe, R"], source_id="1004"),
            RecordDraft(3, title=T + "F", year=2020, doi="10.1000/f", source_id="E3"),
        ]
        add(store, "Embase", SourceKind.DATABASE, embase)
        for who in ("ann", "bob"):
            store.screening.record_decision("doi:10.1000/f", Stage.TITLE_ABSTRACT, "include",
                                            reviewer=who)  # fmt: skip
        store.fulltexts.mark_not_retrieved("doi:10.1000/f", reviewer="ann")
    return path


def decisions(
    path: Path,
) -> dict[tuple[str, str, str], tuple[str | None, tuple[str, ...], str | None]]:
    """(unit, stage, reviewer) → (decision, reasons, note) as replayed."""
    with Store.open(path) as store:
        state = load_state(store, review_protocol(store))
        return {
            (unit.key, stage.value, who): (event.decision, event.reasons, event.note)
            for unit in state.units
            for stage in Stage
            for who, event in state.decisions(unit.key, stage).items()
        }


def stored_count(path: Path) -> int:
    with Store.open(path) as store:
        return len(store.screening.decisions())


EXPECTED = {
    ("doi:10.1000/a", "title_abstract", "ann"): ("include", (), None),
    ("doi:10.1000/a", "title_abstract", "bob"): ("include", (), "looks eligible"),
    ("doi:10.1000/b", "title_abstract", "ann"): ("exclude", ("population",), None),
    ("doi:10.1000/b", "title_abstract", "bob"): ("exclude", ("population",), None),
    ("pmid:1003", "title_abstract", "ann"): ("maybe", (), "=unsure, check dose"),
    ("pmid:1003", "title_abstract", "bob"): ("include", (), None),
    ("doi:10.1000/a", "full_text", "ann"): ("exclude", ("design",), None),
    ("doi:10.1000/a", "full_text", "bob"): ("exclude", ("design",), "cohort of 6"),
    ("pmid:1003", "full_text", "ann"): ("include", (), None),
    ("pmid:1003", "full_text", "bob"): ("include", (), None),
    ("doi:10.1000/f", "title_abstract", "ann"): ("include", (), None),
    ("doi:10.1000/f", "title_abstract", "bob"): ("include", (), None),
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_import_stores_each_decision_on_its_unit_with_its_origin(
    review: Path, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = write_csv if suffix == ".csv" else write_xlsx
    source = writer(tmp_path / f"pilot{suffix}", GOOD)
    assert run("decisions", "import", review, source, "--reviewer", "lead") == 0
    out = capsys.readouterr().out
    assert f"Imported 10 decisions from pilot{suffix} (title_abstract 6, full_text 4) " \
        "on 3 records, duplicates counted once" in out  # fmt: skip
    assert decisions(review) == EXPECTED
    with Store.open(review) as store:
        origins = store.screening.origins()
        imported = [e for e in store.screening.decisions() if e.uid in origins]
    assert len(imported) == 10
    assert all(f"imported from pilot{suffix} (sha256 " in o for o in origins.values())
    assert all(
        o.endswith(tuple(f"by lead, row {n}" for n in range(2, 12))) for o in origins.values()
    )


def test_imported_decisions_show_in_status_and_prisma(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("decisions", "import", review, write_csv(tmp_path / "d.csv", GOOD)) == 0
    capsys.readouterr()
    assert run("status", review, "--json") == 0
    status = json.loads(capsys.readouterr().out)["decisions"]
    assert status["title_abstract"]["include"] == 3  # A, C, F
    assert status["title_abstract"]["exclude"] == 1  # B
    assert status["title_abstract"]["by_reviewer"]["ann"] == {
        "include": 2,
        "exclude": 1,
        "maybe": 1,
    }
    assert status["full_text"]["include"] == 1
    assert status["full_text"]["exclude"] == 1
    assert run("prisma", review, "--json") == 0
    arm = json.loads(capsys.readouterr().out)["databases_registers"]
    assert arm["records_screened"] == 6  # 7 records less A's duplicate
    assert arm["records_excluded"] == 1
    assert arm["records_awaiting_screening"] == 2  # D and E: not in the file
    assert arm["reports_sought"] == 3
    assert arm["reports_not_retrieved"] == 1
    assert arm["reports_assessed"] == 2
    assert arm["reports_excluded"] == 1
    assert [(r["id"], r["count"]) for r in arm["reports_excluded_reasons"]] == [("design", 1)]
    assert arm["reports_included"] == 1


def test_importing_the_same_file_twice_stores_nothing_new(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "d.csv", GOOD)
    assert run("decisions", "import", review, source) == 0
    before = stored_count(review)
    capsys.readouterr()
    assert run("decisions", "import", review, source) == 0
    out = capsys.readouterr().out
    assert "Imported 0 decisions" in out
    assert "10 rows already current, not stored again" in out
    assert stored_count(review) == before
    assert decisions(review) == EXPECTED


def test_a_changed_row_replaces_the_reviewers_earlier_decision(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(review) as store:
        store.screening.record_decision(
            "pmid:1004", Stage.TITLE_ABSTRACT, "include", reviewer="ann"
        )
    rows = [["1004", "ann", "title_abstract", "exclude", "review", "", "PubMed"]]
    source = write_csv(tmp_path / "d.csv", rows, [*HEADER, "source"])
    assert run("decisions", "import", review, source) == 0
    assert "1 replaces the reviewer's earlier decision" in capsys.readouterr().out
    assert decisions(review)[("pmid:1004", "title_abstract", "ann")] == (
        "exclude",
        ("review",),
        None,
    )


def test_a_source_column_tells_apart_records_sharing_an_id(review: Path, tmp_path: Path) -> None:
    rows = [
        ["1004", "ann", "title_abstract", "exclude", "", "", "Embase"],
        ["1004", "ann", "title_abstract", "include", "", "", "PubMed.ris"],
    ]
    assert run("decisions", "import", review, write_csv(tmp_path / "d.csv", rows,
                                                        [*HEADER, "source"])) == 0  # fmt: skip
    found = decisions(review)
    embase_e2 = next(k for k in found if k[0].startswith("tya:"))
    assert found[embase_e2] == ("exclude", (), None)
    assert found[("pmid:1004", "title_abstract", "ann")] == ("include", (), None)


def test_dry_run_checks_everything_and_stores_nothing(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored_count(review)
    assert run("decisions", "import", review, write_csv(tmp_path / "d.csv", GOOD), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Would import 10 decisions" in out and "Nothing was stored" in out
    assert stored_count(review) == before


BAD = [
    ("9999", "ann", "title_abstract", "include", "", "", 2, "record", "no record '9999'"),
    ("1004", "ann", "title_abstract", "include", "", "", 3, "record",
     "'1004' names 2 records of 2 different units"),
    ("1002", "", "title_abstract", "include", "", "", 4, "reviewer", "no reviewer given"),
    ("1002", "ann", "screening", "include", "", "", 5, "stage", "unknown stage 'screening'"),
    ("1002", "ann", "title_abstract", "exclud", "", "", 6, "decision",
     "unknown decision 'exclud' (did you mean 'exclude'?"),
    ("1002", "ann", "title_abstract", "exclude", "Wrong populaton", "", 7, "reason",
     "no exclusion reason 'Wrong populaton' at title abstract in the protocol "
     "(did you mean 'population'?"),
    ("1001", "ann", "full_text", "exclude", "", "", 8, "reason",
     "an exclusion at full text needs a reason"),
    ("1002", "bob", "title_abstract", "include", "design", "", 9, "reason",
     "a reason goes with an exclusion, not with 'include'"),
    ("1003", "ann", "full_text", "include", "", "", 10, "stage",
     "'1003' has not passed title/abstract screening (its outcome there: undecided)"),
    ("E3", "ann", "full_text", "include", "", "", 11, "stage",
     "'E3' is marked as not retrieved"),
    ("1001", "bob", "title_abstract", "include", "", "", 12, "decision", None),  # row 13 conflicts
    ("10.1000/a", "bob", "title_abstract", "exclude", "", "", 13, "decision",
     "bob decided '10.1000/a' at title_abstract differently in row 12 (the same unit)"),
]  # fmt: skip


def test_every_bad_row_is_named_and_nothing_is_stored(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A good row last: it is kept out too.
    rows = [*(list(row[:6]) for row in BAD), ["1001", "ann", "title_abstract", "include", "", ""]]
    source = write_csv(tmp_path / "bad.csv", [list(map(str, r)) for r in rows])
    before = stored_count(review)
    assert run("decisions", "import", review, source) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "11 problems; nothing was imported" in err
    for *_, line, column, message in BAD:
        if message is not None:
            assert f"{source}:{line}:{column}: {message}" in err
    assert "hint: fix each row listed" in err
    assert stored_count(review) == before


def test_a_missing_column_is_refused(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(
        tmp_path / "d.csv", [["1001", "ann", "include"]], ["record", "reviewer", "decision"]
    )
    assert run("decisions", "import", review, source) == ExitCode.INPUT
    assert f"{source}:1: missing column: stage" in capsys.readouterr().err


def test_a_csv_saved_by_excel_in_its_windows_code_page_names_the_line_and_the_fix(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel's plain "CSV" is cp1252: the refusal names the line and how to
    save it, not a Python codec message; a `;`-separated UTF-8 one with a BOM
    (Excel in a European locale, "CSV UTF-8") is read."""
    rows = [["1001", "ann", "title_abstract", "include", "", ""],
            ["1002", "ann", "title_abstract", "exclude", "", "Zoë's pick"]]  # fmt: skip
    source = tmp_path / "pilot.csv"
    with source.open("w", encoding="cp1252", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    assert run("decisions", "import", review, source, "--reviewer", "ann") == ExitCode.INPUT
    err = capsys.readouterr().err
    assert f"{source}:3: the file is not UTF-8 text (byte 0xeb)" in err
    assert 'hint: save it from Excel as "CSV UTF-8' in err
    with source.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, delimiter=";").writerows([HEADER, *rows])
    assert run("decisions", "import", review, source, "--reviewer", "ann") == 0
    assert "Imported 2 decisions" in capsys.readouterr().out


def test_an_exclusion_that_strands_full_text_decisions_is_refused(
    review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("decisions", "import", review, write_csv(tmp_path / "d.csv", GOOD)) == 0
    change = [["1003", "bob", "title_abstract", "exclude", "", ""]]
    assert (
        run("decisions", "import", review, write_csv(tmp_path / "e.csv", change)) == ExitCode.INPUT
    )
    assert "'1003' has full-text decisions that this exclusion would leave standing" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("name", ["records-draft.csv", "review-draft.xlsx"])
def test_the_exports_records_sheet_reads_back_what_was_imported(
    review: Path, tmp_path: Path, name: str
) -> None:
    assert run("decisions", "import", review, write_csv(tmp_path / "d.csv", GOOD)) == 0
    with Store.open(review) as store:
        export_review(store, tmp_path / "out", draft=True)
    if name.endswith(".csv"):
        with (tmp_path / "out" / name).open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.DictReader(handle))
    else:
        book = load_workbook(tmp_path / "out" / name, read_only=True)
        table = list(book["Records"].iter_rows(values_only=True))
        book.close()
        names = [str(h) for h in table[0]]
        padded = [[*row, *[None] * len(names)] for row in table[1:]]
        records = [
            {k: "" if v is None else str(v) for k, v in zip(names, row, strict=False)}
            for row in padded
        ]
    read_back = []
    for row in records:
        for stage in ("title_abstract", "full_text"):
            for who in ("ann", "bob"):
                if decision := row.get(f"{stage}_{who}_decision"):
                    reason = row[f"{stage}_{who}_reason"]
                    note = row[f"{stage}_{who}_note"].removeprefix("'")
                    read_back.append((row["source_ref"], who, stage, decision, reason, note))
    by_ref = {"1001": "1001", "10.1000/b": "1002", "pmid:1002": "1002", "1003": "1003",
              "https://doi.org/10.1000/A": "1001"}  # fmt: skip
    for ref, who, stage, decision, _, _ in GOOD:
        stage = stage.lower().replace("/", "_")
        expected = EXPECTED[(_unit(by_ref[ref]), stage, who)]
        got = [r for r in read_back if r[:3] == (by_ref[ref], who, stage)]
        assert got == [(by_ref[ref], who, stage, decision.lower(), "; ".join(expected[1]),
                        expected[2] or "")]  # fmt: skip
    # E1 is A's Embase record: one unit, so its row shows A's decisions too.
    e1 = next(r for r in records if r["source_ref"] == "E1")
    assert e1["full_text_bob_decision"] == "exclude"


def _unit(pmid: str) -> str:
    return {"1001": "doi:10.1000/a", "1002": "doi:10.1000/b", "1003": "pmid:1003"}[pmid]
