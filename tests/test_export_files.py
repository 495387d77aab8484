"""The files every export command writes, as the people who open them meet
them: CSVs that Excel reads as UTF-8 (a byte-order mark first, CRLF), files
a colleague can read (not mkstemp's 0600), an .xlsx refusal that names the
file asked for, and a robvis export that a full disk leaves as it was."""

from __future__ import annotations

import csv
import errno
import stat
from pathlib import Path

import pytest

from review.errors import ExitCode
from review.exports.writer import export_review
from review.extraction.session import ExtractionSession
from review.review_file import review_protocol
from review.rob import reports as rob_reports
from review.sample import INCLUDED
from review.store import Store
from tests.rob_session_helpers import COHORT, judged_sample
from tests.test_cli import run

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def review_file(tmp_path: Path) -> Path:
    """The sample with a trial judged on RoB 2 and a long, accented note."""
    path = tmp_path / "sample.db"
    with judged_sample(path) as store:
        protocol = review_protocol(store)
        form = ExtractionSession(store, protocol, "kim", COHORT, included=INCLUDED)
        form.set_value("study.country", "", "Danmark, Øster Søgaard")
        form.set_value("study.notes", "", "Müller's table 2. " + "x" * 40_000)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_csv_is_utf8_with_a_byte_order_mark_and_crlf(
    review_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with Store.open(review_file) as store:
        export_review(store, out, draft=True)
    assert run("rob", "export", review_file, "--to", tmp_path / "rob") == 0
    assert run("prisma", review_file, "--draft", "--csv", tmp_path / "prisma.csv") == 0
    assert run("extraction", "export", review_file, "--to", tmp_path / "values.csv") == 0
    written = [*out.glob("*.csv"), *(tmp_path / "rob").glob("*.csv")]
    written += [tmp_path / "prisma.csv", tmp_path / "values.csv"]
    assert len(written) == 4 + 2 + 5 + 2  # the export's, rob's, prisma's, the values
    for path in written:
        data = path.read_bytes()
        assert data.startswith(BOM), path.name
        header = data.split(b"\n", 1)[0]  # (a quoted cell may hold a bare line feed)
        assert header.endswith(b"\r") and data.endswith(b"\r\n"), path.name
        assert mode(path) == 0o644, path.name
    assert mode(tmp_path / "rob" / "rob2.csv") == 0o644
    with (out / "studies-draft.csv").open(encoding="utf-8-sig", newline="") as handle:
        studies = list(csv.DictReader(handle))
    cohort = next(row for row in studies if row["study"] == COHORT)
    assert cohort["country"] == "Danmark, Øster Søgaard"
    assert len(cohort["notes"]) == 40_018  # whole in the CSV


def test_prisma_svg_is_readable_by_others(review_file: Path, tmp_path: Path) -> None:
    assert run("prisma", review_file, "--draft", "--svg", tmp_path / "p.svg") == 0
    assert mode(tmp_path / "p.svg") == 0o644


def test_values_too_long_for_xlsx_are_refused_naming_the_file_row_and_field(
    review_file: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "values.xlsx"
    assert run("extraction", "export", review_file, "--to", target) == ExitCode.EXPORT
    err = capfd.readouterr().err
    assert f"{target}: row " in err and f"({COHORT} notes), column value: 40,018" in err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert list(tmp_path.glob("*values*")) == []  # no temporary file left


def test_a_robvis_export_that_cannot_finish_leaves_the_old_files(
    review_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "rob"
    assert run("rob", "export", review_file, "--to", out) == 0
    before = {p.name: p.stat().st_ino for p in out.iterdir()}

    class FullDisk:
        def __str__(self) -> str:
            raise OSError(errno.ENOSPC, "No space left on device")

    real = rob_reports.long_rows
    # The long file, written last, meets a full disk.
    monkeypatch.setattr(rob_reports, "long_rows", lambda *a: [[FullDisk()], *real(*a)])
    assert run("rob", "export", review_file, "--to", out) == ExitCode.EXPORT
    # Not one file replaced (a rename gives a new inode), no temporary file left.
    assert {p.name: p.stat().st_ino for p in out.iterdir()} == before
