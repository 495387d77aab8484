"""Damaged workbooks, ClinicalTrials.gov zip downloads and plain-text pages:
never a silent success with a different record count.

As in `test_import_fuzz.py`, each is cut short, loses a line (a row, a line of
a member) or gains a line of garbage; the import must be refused or store as
many records as the damaged file visibly holds, counted here without the
parser: non-empty rows under the header, `"protocolSection"` objects in the
archive's members, one page per plain-text file.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from review.errors import ReviewError
from review.importers import open_bytes
from tests.conftest import FIXTURES
from tests.test_import_fuzz import GARBAGE, SETTINGS

WORKBOOK = FIXTURES / "tabular/_baseline.xlsx"
STUDIES = FIXTURES / "ctgov_json/ctg-studies_first3.json"
PAGES = ["blog_post.md", "chictr_page.txt", "ctgov_page.txt", "journal_page.html"]
PAGES += ["news_article.txt", "pubmed_page.txt"]


def imported(name: str, data: bytes) -> int | None:
    """Records the damaged file imports as, or None when it is refused."""
    try:
        doc, fmt = open_bytes(Path(name), data)
        count = sum(1 for _ in fmt.parse(doc))
    except ReviewError:
        return None
    return count or None  # the ingest refuses a file without records


# -- xlsx: the rows of a real export, damaged, written as a workbook ------------


def sheet_rows() -> list[list[object]]:
    """The header (the row naming a Title column; Lens puts two lines above
    it) and the first 15 records of the fixture workbook."""
    book = openpyxl.load_workbook(WORKBOOK, read_only=True)
    try:
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    header = next(i for i, row in enumerate(rows) if "Title" in row)
    return rows[header : header + 16]


ROWS = sheet_rows()


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:  # text, as an export writes it, never a formula
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_rows(rows: list[list[object]]) -> None:
    count = imported("export.xlsx", workbook(rows))
    visible = sum(any(str(c).strip() for c in row if c is not None) for row in rows[1:])
    assert count in (None, visible), f"{count} records imported, {visible} rows in the sheet"


def test_the_workbook_imports_every_row() -> None:
    assert imported("export.xlsx", workbook(ROWS)) == len(ROWS) - 1 == 15


@SETTINGS
@given(cut=st.floats(0.05, 0.999))
def test_a_truncated_workbook_is_refused(cut: float) -> None:
    data = workbook(ROWS)
    # A workbook is a zip: cut short, it has lost its directory and is unreadable.
    assert imported("export.xlsx", data[: int(len(data) * cut)]) is None


@SETTINGS
@given(where=st.floats(0, 1), keep=st.integers(0, 40))
def test_a_sheet_cut_mid_row_is_refused_or_counted_right(where: float, keep: int) -> None:
    # What a spreadsheet saved while still filling in looks like: the rows
    # end early, the last one with only its first cells.
    index = 1 + int((len(ROWS) - 2) * where)
    cut = ROWS[index][:keep] + [None] * (len(ROWS[index]) - keep)
    check_rows([*ROWS[:index], cut])


@SETTINGS
@given(where=st.floats(0, 1))
def test_a_deleted_row_is_refused_or_counted_right(where: float) -> None:
    index = min(int(len(ROWS) * where), len(ROWS) - 1)
    check_rows(ROWS[:index] + ROWS[index + 1 :])


@SETTINGS
@given(where=st.floats(0, 1), column=st.integers(0, 20), garbage=GARBAGE)
def test_an_inserted_garbage_row_is_refused_or_counted_right(
    where: float, column: int, garbage: str
) -> None:
    index = 1 + int((len(ROWS) - 1) * where)
    width = len(ROWS[0])
    row: list[object] = [None] * width
    row[column % width] = garbage or None
    check_rows([*ROWS[:index], row, *ROWS[index:]])


# -- zip: ClinicalTrials.gov's JSON download, one file per study ----------------


def member_texts() -> dict[str, str]:
    studies = json.loads(STUDIES.read_text(encoding="utf-8"))
    return {
        f"{s['protocolSection']['identificationModule']['nctId']}.json": json.dumps(s, indent=2)
        for s in studies
    }


MEMBERS = member_texts()


def archive(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, text in members.items():
            zipped.writestr(name, text)
    return out.getvalue()


def check_members(members: dict[str, str]) -> None:
    count = imported("ctg-studies.json.zip", archive(members))
    visible = sum(text.count('"protocolSection"') for text in members.values())
    assert count in (None, visible), f"{count} records imported, {visible} studies in the zip"


def test_the_archive_imports_every_study() -> None:
    assert imported("ctg-studies.json.zip", archive(MEMBERS)) == len(MEMBERS) == 3


@SETTINGS
@given(cut=st.floats(0.05, 0.999))
def test_a_truncated_archive_is_refused(cut: float) -> None:
    data = archive(MEMBERS)
    assert imported("ctg-studies.json.zip", data[: int(len(data) * cut)]) is None


@SETTINGS
@given(member=st.integers(0, 2), cut=st.floats(0.0, 0.999))
def test_a_member_cut_short_is_refused_or_counted_right(member: int, cut: float) -> None:
    name = sorted(MEMBERS)[member]
    text = MEMBERS[name]
    check_members({**MEMBERS, name: text[: int(len(text) * cut)]})


@SETTINGS
@given(member=st.integers(0, 2), where=st.floats(0, 1))
def test_a_line_deleted_from_a_member_is_refused_or_counted_right(
    member: int, where: float
) -> None:
    name = sorted(MEMBERS)[member]
    lines = MEMBERS[name].splitlines(keepends=True)
    index = min(int(len(lines) * where), len(lines) - 1)
    check_members({**MEMBERS, name: "".join(lines[:index] + lines[index + 1 :])})


@SETTINGS
@given(member=st.integers(0, 2), where=st.floats(0, 1), garbage=GARBAGE)
def test_garbage_in_a_member_is_refused_or_counted_right(
    member: int, where: float, garbage: str
) -> None:
    name = sorted(MEMBERS)[member]
    lines = MEMBERS[name].splitlines(keepends=True)
    index = int(len(lines) * where)
    check_members({**MEMBERS, name: "".join([*lines[:index], garbage + "\n", *lines[index:]])})


def test_a_missing_member_is_counted_right() -> None:
    for name in MEMBERS:
        check_members({k: v for k, v in MEMBERS.items() if k != name})


# -- plain text: a saved web page is one record --------------------------------


def page(name: str) -> bytes:
    return (FIXTURES / "text" / name).read_bytes()


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_one_record(name: str) -> None:
    assert imported(name, page(name)) == 1


@pytest.mark.parametrize("name", PAGES)
@SETTINGS
@given(cut=st.floats(0.05, 0.999))
def test_a_truncated_page_is_refused_or_one_record(name: str, cut: float) -> None:
    data = page(name)
    assert imported(name, data[: int(len(data) * cut)]) in (None, 1)


@pytest.mark.parametrize("name", PAGES)
@SETTINGS
@given(where=st.floats(0, 1))
def test_a_page_without_one_line_is_refused_or_one_record(name: str, where: float) -> None:
    lines = page(name).splitlines(keepends=True)
    index = min(int(len(lines) * where), len(lines) - 1)
    assert imported(name, b"".join(lines[:index] + lines[index + 1 :])) in (None, 1)


@pytest.mark.parametrize("name", PAGES)
@SETTINGS
@given(where=st.floats(0, 1), garbage=GARBAGE)
def test_a_page_with_a_garbage_line_is_refused_or_one_record(
    name: str, where: float, garbage: str
) -> None:
    lines = page(name).splitlines(keepends=True)
    index = int(len(lines) * where)
    damaged = b"".join([*lines[:index], garbage.encode() + b"\n", *lines[index:]])
    assert imported(name, damaged) in (None, 1)
