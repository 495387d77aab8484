"""The long layout out and in: a round trip into a fresh copy gives the same
values; a malformed file changes nothing and says where; the command line's
exit codes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.entry import main
from review.errors import ExitCode, ImportFormatError
from review.extraction.long_layout import COLUMNS, export_long, export_rows, import_long
from review.extraction.session import ExtractionSession
from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.sample import INCLUDED, build_sample
from review.store import Store
from tests.conftest import fixed_clock

FRESH = "doi:10.1259/bjr.20220548"
TRIAL = "tya:d309c0c4181834ca188c"


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Store]:
    with build_sample(tmp_path / "sample.db", now=fixed_clock) as store:
        yield store


@pytest.fixture
def protocol(sample: Store) -> Protocol:
    return review_protocol(sample)


def comparable(store: Store, protocol: Protocol) -> list[tuple[object, ...]]:
    """Exported rows without row ids, which a fresh copy gives new ones."""
    return sorted(
        (r.study, r.reviewer, r.field, r.instance, repr(r.value), r.source)
        for r, _ in export_rows(store, protocol)
    )


def values_count(path: Path) -> int:
    with Store.open(path) as store:
        return len(store.extraction.value_events())


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_into_a_fresh_copy_gives_the_same_values(
    sample: Store, protocol: Protocol, tmp_path: Path, suffix: str
) -> None:
    fresh = tmp_path / "fresh.db"
    sample.backup(fresh)  # before anyone below extracted
    session = ExtractionSession(sample, protocol, "ann", FRESH, included=INCLUDED)
    session.set_value("study.notes", "", '=HYPERLINK("x")\nsecond line', source="@p. 2")
    session.set_value("study.follow_up_median", "", "14.5")
    arm = session.add_row("arms.arm", "Pembrolizumab + RT")
    session.set_value("arms.arm.rt_dose_gy", arm, "66")
    session.set_value("arms.arm.chemotherapy", arm, "yes")
    result = session.add_row("results.result", "OS · 2 years")
    session.set_value("results.result.mean_1", result, "-1.25")
    session.set_value("study.n_randomised", "", "40", agreed=True)
    target = tmp_path / f"values{suffix}"
    count = export_long(sample, protocol, target)
    assert count == len(export_rows(sample, protocol)) == 16 + 6

    if suffix == ".xlsx":
        sheet = load_workbook(target, read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == list(COLUMNS)
        by_field = {(row[0], row[3]): row for row in rows[1:]}
        assert by_field[(FRESH, "arm.rt_dose_gy")][6] == 66  # numbers stay numbers
        assert by_field[(FRESH, "arm.rt_dose_gy")][7] == "Gy"
        assert str(by_field[(FRESH, "notes")][6]).startswith("'=")  # no formula runs
        assert by_field[(FRESH, "n_randomised")][1] == "agreed"
    else:
        with target.open(encoding="utf-8-sig") as handle:
            text_rows = list(csv.reader(handle))
        assert any(row[6] == "-1.25" for row in text_rows)  # numbers are never escaped

    with Store.open(fresh, now=fixed_clock) as copy:
        done = import_long(copy, protocol, target, reviewer="lead")
        assert (done.values, done.rows_created) == (6, 2)  # the sample's were already there
        assert comparable(copy, protocol) == comparable(sample, protocol)
        again = import_long(copy, protocol, target, reviewer="lead")
        assert (again.values, again.rows_created, again.unchanged) == (0, 0, 22)


def test_a_malformed_import_changes_nothing_and_names_row_column_and_field(
    sample: Store, protocol: Protocol, tmp_path: Path
) -> None:
    source = tmp_path / "values.csv"
    lines = [
        ["study", "reviewer", "section", "field", "instance_id", "instance", "value", "unit"],
        [FRESH, "", "study", "study_design", "", "", "rct", ""],  # row 2: fine
        [FRESH, "", "arms", "arm.rt_dose_gy", "", "New arm", "60", "Gy"],  # fine: a new row
        [FRESH, "", "study", "no_such_field", "", "", "1", ""],  # row 4
        ["doi:10.0/unknown", "", "study", "study_design", "", "", "rct", ""],  # row 5
        [FRESH, "", "arms", "arm.rt_dose_gy", "", "", "60", ""],  # row 6: which row?
        [FRESH, "", "study", "n_randomised", "", "", "many", ""],  # row 7
        [FRESH, "", "arms", "arm.rt_dose_gy", "abc", "", "60", ""],  # row 8
        [FRESH, "", "study", "follow_up_median", "", "", "12", "weeks"],  # row 9
        [FRESH, "", "study", "study_design", "", "", "cohort", ""],  # row 10: repeats row 2
        [FRESH, "", "study", "country", "", "Arm A", "China", ""],  # row 11
    ]
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lines)
    before = values_count(sample.path), len(sample.entities.entities())
    with pytest.raises(ImportFormatError) as refused:
        import_long(sample, protocol, source, reviewer="ann")
    found = {(p.line, p.field): p.message for p in refused.value.problems}
    assert "unknown field 'study.no_such_field'" in found[(4, "field")]
    assert "not an included study" in found[(5, "study")]
    assert "which row?" in found[(6, "instance")]
    assert "study.n_randomised: 'many' is not a whole number" in found[(7, "value")]
    assert "no row 'abc'" in found[(8, "instance_id")]
    assert "unit 'weeks'" in found[(9, "unit")]
    assert "as row 2" in found[(10, "field")]
    assert "answered once per study" in found[(11, "instance")]
    assert len(found) == 8
    assert "values.csv:7:value" in str(refused.value)
    assert (values_count(sample.path), len(sample.entities.entities())) == before


def test_a_csv_cut_inside_a_quoted_value_is_refused_not_stored_short(
    sample: Store, protocol: Protocol, tmp_path: Path
) -> None:
    """A download or copy cut inside a quoted value read as a shorter value
    and was imported: 'Ch' stored as the country."""
    source = tmp_path / "values.csv"
    header = "study,reviewer,section,field,instance_id,instance,value,unit\n"
    source.write_text(
        header + f'{FRESH},,study,notes,,,"one\ntwo",\n{FRESH},,study,country,,,"Ch',
        encoding="utf-8",
    )
    before = values_count(sample.path)
    with pytest.raises(ImportFormatError) as refused:
        import_long(sample, protocol, source, reviewer="ann")
    assert "values.csv:4: a quoted value is never closed" in str(refused.value)
    assert values_count(sample.path) == before


def test_a_file_without_the_needed_columns_is_refused(
    sample: Store, protocol: Protocol, tmp_path: Path
) -> None:
    source = tmp_path / "values.csv"
    source.write_text("study,fields,value\nx,y,z\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as refused:
        import_long(sample, protocol, source, reviewer="ann")
    assert {(p.line, p.field) for p in refused.value.problems} >= {(1, "field"), (1, "fields")}


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


def test_the_command_line(
    sample: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sample.path
    sample.close()
    assert run("extraction", "status", path) == 0
    out = capsys.readouterr().out
    assert "3 included studies" in out and f"{TRIAL}  in progress  (kim: in progress)" in out
    assert f"{FRESH}  not started" in out
    assert run("extraction", "status", path, "--only", "not started") == 0
    out = capsys.readouterr().out
    assert FRESH in out and TRIAL not in out
    target = tmp_path / "out" / "values.xlsx"
    assert run("extraction", "export", path, "--to", target) == 0
    assert "Wrote 16 values" in capsys.readouterr().out
    assert run("extraction", "export", path, "--to", tmp_path / "values.txt") == ExitCode.EXPORT
    assert "name the file .xlsx or .csv" in capsys.readouterr().err
    assert run("extraction", "import", path, target, "--reviewer", "ann") == 0
    assert "Imported 0 values" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(f"study,field,value\n{FRESH},study.n_randomised,0\n", encoding="utf-8")
    before = values_count(path)
    assert run("extraction", "import", path, bad, "--reviewer", "ann") == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "bad.csv:2:value" in err and "out of range" in err
    assert values_count(path) == before
    assert run("extraction", "import", path, bad) == ExitCode.USAGE  # who is importing?
