"""Damaged exports of every format: never a silent success with a wrong record count.

Each format's real (or vendor-documented) export is cut at a random byte,
loses a random line, or gains a random line of garbage. The import must then
either be refused, or store as many records as the damaged file visibly holds,
counted here independently of the parser (record-start markers, CSV rows).
A record glued to its neighbour, a record split in two, a tagged export read
as one web page: each shows up as a count that differs from the markers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import ReviewError
from review.importers import open_bytes
from tests.conftest import FIXTURES


def markers(pattern: str, flags: int = re.MULTILINE) -> Callable[[str], int]:
    compiled = re.compile(pattern, flags)
    return lambda text: len(compiled.findall(text))


def csv_rows(delimiter: str) -> Callable[[str], int]:
    """Non-empty rows below the header (the first row with a "Title" column)."""

    def count(text: str) -> int:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = False
        found = 0
        for row in rows:
            if header:
                found += any(cell.strip() for cell in row)
            else:
                header = bool({"title", "title primary"} & {c.strip().lower() for c in row})
        return found

    return count


def endnote_records(text: str) -> int:
    """Runs of `%` lines between blank lines, one more at each repeated %0 or %T."""
    count = 0
    for block in re.split(r"\n\s*\n", text):
        starts = [line[:2] for line in block.splitlines() if re.match(r"%[0T] +\S", line)]
        count += bool(starts) + max(starts.count("%0"), starts.count("%T"), 1) - 1
    return count


BIBTEX_ENTRY = r"^\s*@(?!string|comment|preamble)\w+\s*[{(]"

# format → (fixture, its records, independent count of the records a text holds)
CASES: dict[str, tuple[str, int, Callable[[str], int]]] = {
    "ris": ("ris/asysd/test_export.ris", 3, markers(r"^\ufeff?TY {1,2}-")),
    "ris-ovid": ("ris/ovid/psycinfo_separators.ris", 3, markers(r"^TY {1,2}-")),
    "medline": ("medline/pubmed_result2.txt", 4, markers(r"^PMID-")),
    "ovid": ("ovid/embase_medline_tagged.txt", 3, markers(r"^[ \t]*<\s*\d+\s*\.?\s*>[ \t]*$")),
    "wos": ("wos/example_wos.ris", 2, markers(r"^PT ")),
    "endnote_tagged": ("endnote_tagged/enl_data.enl", 3, endnote_records),
    "bibtex": (
        "bibtex/asysd/test_export.bib",
        3,
        markers(BIBTEX_ENTRY, re.M | re.I),
    ),
    "pubmed_xml": ("pubmed_xml/pubmed2.xml", 2, markers(r"<PubmedArticle>")),
    "endnote_xml": ("endnote_xml/mendeley_export_first100.xml", 100, markers(r"<record>", 0)),
    "ctgov_json": ("ctgov_json/ctg-studies_first3.json", 3, markers(r'"protocolSection"', 0)),
    "csv": ("vendors/openalex_works.csv", 3, csv_rows(",")),
    "tsv": ("vendors/refworks_tab.txt", 3, csv_rows("\t")),
    "csv-preamble": ("vendors/dimensions.csv", 3, csv_rows(",")),
}

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
GARBAGE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(
        [
            "TI  - Stray title",
            "ER  - ",
            "<9. >",
            "PMID- 1",
            "%T Stray",
            "@article{x,",
            '"',
            ",,,",
            "\t\t",
        ]
    ),
)


def imported(name: str, data: bytes) -> int | None:
    """Records the damaged file imports as, or None when it is refused."""
    fixture = FIXTURES / CASES[name][0]
    try:
        doc, fmt = open_bytes(Path(fixture.name), data)
        count = sum(1 for _ in fmt.parse(doc))
    except ReviewError:
        return None
    return count or None  # the ingest refuses a file without records


def check(name: str, damaged: bytes) -> None:
    count = imported(name, damaged)
    if count is None:
        return
    text = damaged.decode("utf-8-sig", "replace")
    if not name.startswith(("csv", "tsv")):  # quoted cells keep their line breaks
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    visible = CASES[name][2](text)
    assert count == visible, f"{name}: {count} records imported, {visible} in the file"


def original(name: str) -> bytes:
    return (FIXTURES / CASES[name][0]).read_bytes()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_fixture_holds_the_records_the_markers_count(name: str) -> None:
    data = original(name)
    count = CASES[name][1]
    assert imported(name, data) == count
    assert CASES[name][2](data.decode("utf-8-sig").replace("\r\n", "\n")) == count


@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(cut=st.floats(0.05, 0.999))
def test_a_truncated_file_is_refused_or_counted_right(name: str, cut: float) -> None:
    data = original(name)
    check(name, data[: int(len(data) * cut)])


@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(where=st.floats(0, 1))
def test_a_deleted_line_is_refused_or_counted_right(name: str, where: float) -> None:
    lines = original(name).splitlines(keepends=True)
    index = min(int(len(lines) * where), len(lines) - 1)
    check(name, b"".join(lines[:index] + lines[index + 1 :]))


@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(where=st.floats(0, 1), garbage=GARBAGE)
def test_an_inserted_garbage_line_is_refused_or_counted_right(
    name: str, where: float, garbage: str
) -> None:
    lines = original(name).splitlines(keepends=True)
    index = int(len(lines) * where)
    ending = b"\r\n" if lines[0].endswith(b"\r\n") else b"\n"
    check(name, b"".join([*lines[:index], garbage.encode() + ending, *lines[index:]]))
