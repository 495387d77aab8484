"""`review export`: every file written, read back against the store, cells
that survive spreadsheets, drafts, and failures that leave nothing behind."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from review.cli import cli
from review.errors import ExportError, UsageError
from review.exports import export_review
from review.exports.cells import XLSX_CELL_LIMIT, xlsx_cell
from review.exports.outcomes import effect_columns
from review.models import Stage
from review.prisma import PrismaError
from review.review_file import review_protocol
from review.screening.units import load_state
from review.store import Store
from tests.export_helpers import FORMULA_TITLE, LONG_ABSTRACT, build_meta_review, build_odd_review
from tests.prisma_helpers import build_review

SHEETS = ["Records", "Studies", "Outcomes", "PRISMA", "Agreement", "Dictionary"]
FILES = [
    "review.xlsx",
    "records.csv",
    "studies.csv",
    "outcomes.csv",
    "prisma.csv",
    "included.ris",
    "records.ris",
]
METAFOR_HEADER = [
    "study", "label", "outcome", "timepoint", "comparison", "result", "result_id",
    "arm_1", "arm_2", "shared_arm", "measure",
    "ai", "bi", "ci", "di", "n1i", "n2i", "m1i", "sd1i", "m2i", "sd2i", "xi", "ni",
    "yi", "vi", "sei", "estimate", "ci_lower", "ci_upper",
]  # fmt: skip


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The odd review and its export (built once: ~1 s)."""
    base = tmp_path_factory.mktemp("odd")
    path = build_odd_review(base / "odd.db")
    with Store.open(path) as store:
        export_review(store, base / "out")
    return path, base / "out"


def sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    book = load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header = [str(h) for h in rows[0]]
    # A read-only sheet drops a row's trailing blanks: pad them back.
    return [dict(zip(header, [*row, *[None] * len(header)], strict=False)) for row in rows[1:]]


def test_every_file_and_sheet_with_the_stores_counts(odd: tuple[Path, Path]) -> None:
    path, out = odd
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temp files left
    book = load_workbook(out / "review.xlsx")
    assert book.sheetnames == SHEETS
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        last = sheet.cell(1, sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    with Store.open(path) as store:
        records = store.records.record_count()
    assert book["Records"].max_row == records + 1
    with (out / "records.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == records + 1
    ris = (out / "records.ris").read_text(encoding="utf-8")
    assert ris.count("\nER  - ") == records
    assert (out / "included.ris").read_text(encoding="utf-8").count("ER  - ") == 3


def test_records_sheet_matches_the_store_cell_by_cell(odd: tuple[Path, Path]) -> None:
    path, out = odd
    rows = {row["record_id"]: row for row in sheet_rows(out / "review.xlsx", "Records")}
    with Store.open(path) as store:
        state = load_state(store, review_protocol(store))
        for record_id in (1, 2, 7, 12, 17, 19):
            record, row = store.records.record(record_id), rows[record_id]
            assert row["key"] == record.key
            assert row["year"] == record.year and isinstance(row["year"], int)
            assert row["doi"] == record.doi
            assert row["authors"] == xlsx_cell(record.authors)  # '@someone: escaped
            assert row["source"] == record.source_name
            unit = state.resolved.unit_of_record(record_id, record.key)
            assert row["unit"] == unit
            for stage in Stage:
                for who in ("ann", "bob"):
                    event = state.screen_of(unit, stage, who)
                    assert row[f"{stage.value}_{who}_decision"] == (
                        event.decision if event else None
                    )
    # P1 and R1 are one study, included; P4 was excluded for its population.
    p1 = next(r for r in rows.values() if r["doi"] == "10.1000/p1")
    r1 = next(r for r in rows.values() if r["registry_id"] == "NCT01")
    assert r1["study"] == p1["study"] == p1["unit"]
    assert p1["full_text_final"] == "include"
    p4 = next(r for r in rows.values() if r["doi"] == "10.1000/p4")
    assert (p4["title_abstract_final"], p4["title_abstract_final_reason"]) == (
        "exclude",
        "population",
    )
    assert p4["full_text_final"] is None  # never reached full text


def test_formula_injection_comes_back_as_text(odd: tuple[Path, Path]) -> None:
    _, out = odd
    book = load_workbook(out / "review.xlsx")
    sheet = book["Records"]
    header = [c.value for c in sheet[1]]
    cells = {
        name: [row[header.index(name)] for row in sheet.iter_rows(min_row=2)]
        for name in ("title", "authors", "labels", "title_abstract_bob_note")
    }
    [formula] = [c for c in cells["title"] if c.value and "HYPERLINK" in str(c.value)]
    # The workbook's inline strings never run, so text stays as typed there;
    # the CSV, which any program may open, gets the apostrophe.
    assert formula.value == FORMULA_TITLE and formula.data_type == "s"
    assert "@someone" in [c.value for c in cells["authors"]]
    assert "+ looks like spam" in [c.value for c in cells["title_abstract_bob_note"]]
    assert "odd-one" in [c.value for c in cells["labels"]]
    with (out / "records.csv").open(encoding="utf-8-sig", newline="") as handle:
        titles = [row["title"] for row in csv.DictReader(handle)]
    assert "'" + FORMULA_TITLE in titles


def test_a_long_abstract_is_cut_with_a_note_in_the_workbook_only(odd: tuple[Path, Path]) -> None:
    _, out = odd
    [row] = [
        r
        for r in sheet_rows(out / "review.xlsx", "Records")
        if r["title"] == "A very long abstract"
    ]
    text = str(row["abstract"])
    assert len(text) == XLSX_CELL_LIMIT
    assert text.endswith(
        f"[CUT: {len(LONG_ABSTRACT):,} characters in all; the CSV export holds the whole text]"
    )
    with (out / "records.csv").open(encoding="utf-8-sig", newline="") as handle:
        [whole] = [r for r in csv.DictReader(handle) if r["title"] == "A very long abstract"]
    assert whole["abstract"] == LONG_ABSTRACT


def test_studies_count_reports_as_prisma_does(odd: tuple[Path, Path]) -> None:
    """A report's duplicate records (P1 = E1) count once: the Studies sheet's
    reports add up to PRISMA's reports of included studies (3), and the
    record ids still list every record."""
    _, out = odd
    studies = {r["study"]: r for r in sheet_rows(out / "review.xlsx", "Studies")}
    prisma = {r["data"]: r["n"] for r in sheet_rows(out / "review.xlsx", "PRISMA")}
    assert sum(int(str(r["reports"])) for r in studies.values()) == int(
        str(prisma["total_reports"])
    )
    p1 = studies["doi:10.1000/p1"]
    assert p1["reports"] == 2 and len(str(p1["report_record_ids"]).split("; ")) == 3


def test_outcomes_have_metafor_names_numbers_and_blanks(tmp_path: Path) -> None:
    path = build_meta_review(tmp_path / "meta.db")
    with Store.open(path) as store:
        export_review(store, tmp_path / "out")
    book = load_workbook(tmp_path / "out" / "review.xlsx", read_only=True)
    header = [c.value for c in next(book["Outcomes"].iter_rows(max_row=1))]
    assert header[: len(METAFOR_HEADER)] == METAFOR_HEADER
    rows = sheet_rows(tmp_path / "out" / "review.xlsx", "Outcomes")
    assert len(rows) == 13 + 9 + 14 + 8  # the case report is narrative only
    first = next(r for r in rows if r["measure"] == "RR")
    assert (first["ai"], first["bi"], first["ci"], first["di"]) == (4, 119, 11, 128)  # Aronson
    assert first["m1i"] is None and first["yi"] is None  # blanks, never 0
    hr = next(r for r in rows if r["measure"] == "HR")
    assert isinstance(hr["yi"], float) and isinstance(hr["vi"], float)
    notes = [r["meaning"] for r in sheet_rows(tmp_path / "out" / "review.xlsx", "Dictionary")]
    assert any("case_report" in str(n) and "1 result row of" in str(n) for n in notes)


def test_effect_columns_say_which_measure() -> None:
    cells, measure = effect_columns({"ai": 4, "n1i": 123, "ci": 11, "n2i": 139})
    assert (measure, cells["bi"], cells["di"]) == ("RR", 119, 128)
    cells, measure = effect_columns({"hr": 0.5, "ci_lower": 0.25, "ci_upper": 1.0})
    assert measure == "HR" and cells["yi"] == pytest.approx(-0.693147, abs=1e-6)
    assert cells["sei"] == pytest.approx((0.693147 * 2) / (2 * 1.959964), abs=1e-6)
    cells, measure = effect_columns({"hr": 0.5})  # no CI: no variance, no measure
    assert measure is None and cells["vi"] is None
    assert effect_columns({"yi": 0.2, "sei": 0.1})[1] == "GEN"
    assert effect_columns({"ai": 4})[1] is None


def test_an_in_progress_review_exports_only_as_a_draft(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db", finish=False)
    out = tmp_path / "out"
    with Store.open(path) as store:
        with pytest.raises(UsageError, match="in progress"):
            export_review(store, out)
        assert not out.exists() or not any(out.iterdir())
        result = export_review(store, out, draft=True)
    assert result.draft
    assert sorted(p.name for p in out.iterdir()) == sorted(f.replace(".", "-draft.") for f in FILES)
    book = load_workbook(out / "review-draft.xlsx", read_only=True)
    assert str(book.properties.title).startswith("DRAFT")
    notes = [r["meaning"] for r in sheet_rows(out / "review-draft.xlsx", "Dictionary")]
    assert any(str(n).startswith("DRAFT: the review is in progress") for n in notes)


def test_a_failed_export_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db")
    out = tmp_path / "out"
    (out / "records.csv").mkdir(parents=True)  # even root cannot replace a folder by a file
    with Store.open(path) as store, pytest.raises(ExportError) as failed:
        export_review(store, out)
    assert "records.csv" in str(failed.value)
    assert [p.name for p in out.iterdir()] == ["records.csv"]  # no temp files, no workbook


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_fails_cleanly(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        with Store.open(path) as store, pytest.raises(ExportError, match="cannot write"):
            export_review(store, out)
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)


def test_the_command_line(odd: tuple[Path, Path], tmp_path: Path) -> None:
    path, _ = odd
    out = tmp_path / "cli"
    result = CliRunner().invoke(cli, ["export", str(path), "--to", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        f"Wrote {out / 'review.xlsx'}: Records 19, Studies 2, Outcomes 0, PRISMA 34"
        in result.output
    )
    assert f"Wrote {out / 'included.ris'}: 3 records" in result.output
    assert f"Wrote {out / 'records.csv'}: 19 rows" in result.output
    assert f"Wrote {out / 'studies.csv'}: 2 rows" in result.output
    unfinished = build_review(tmp_path / "u.db", finish=False)
    refused = CliRunner().invoke(cli, ["export", str(unfinished), "--to", str(out)])
    assert refused.exit_code != 0 and "--draft" in str(refused.exception)


def test_what_a_written_file_holds_is_worded_for_one_and_for_many() -> None:
    from review.exports.writer import WrittenFile

    assert WrittenFile(Path("o/outcomes.csv"), {"outcomes.csv": 1}).contents() == "1 row"
    assert WrittenFile(Path("o/included.ris"), {"included.ris": 1}).contents() == "1 record"
    assert WrittenFile(Path("o/records.ris"), {"records.ris": 0}).contents() == "0 records"
    sheets = WrittenFile(Path("o/review.xlsx"), {"Studies": 1, "Outcomes": 2}).contents()
    assert sheets == "Studies 1, Outcomes 2"


def test_the_default_folder_is_beside_the_review_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the TUI: run from elsewhere, `review export FILE` writes FILE's exports/."""
    (tmp_path / "reviews").mkdir()
    path = build_review(tmp_path / "reviews" / "r.db")
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path / "home")
    result = CliRunner().invoke(cli, ["export", str(path), "--only", "ris"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reviews" / "exports" / "included.ris").is_file()
    assert list((tmp_path / "home").iterdir()) == []


def test_an_inconsistent_ledger_writes_nothing(tmp_path: Path) -> None:
    path = build_review(tmp_path / "r.db")
    out = tmp_path / "out"
    with Store.open(path) as store:
        # P1 stays included at full text although marked not retrieved: PRISMA refuses.
        store.fulltexts.mark_not_retrieved("doi:10.1000/p1", reviewer="ann")
        with pytest.raises(PrismaError):
            export_review(store, out)
    assert not out.exists()


def test_agreement_sheet_is_the_screening_states(odd: tuple[Path, Path]) -> None:
    path, out = odd
    rows = sheet_rows(out / "review.xlsx", "Agreement")
    with Store.open(path) as store:
        state = load_state(store, review_protocol(store))
    for stage in Stage:
        [pair] = state.agreement(stage)
        [row] = [r for r in rows if r["stage"] == stage.value]
        assert (row["reviewer_a"], row["reviewer_b"], row["n"]) == ("ann", "bob", pair.stats.n)
        assert row["both_include"] == pair.stats.table.both_include
        assert row["pabak"] == pytest.approx(pair.stats.pabak)
        assert row["kappa"] == pytest.approx(pair.stats.kappa)
