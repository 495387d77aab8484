"""CSV, TSV and Excel exports of any vendor, read through one column table.

One row is one record. The header row is found by content (Embase writes a
search-query preamble above it, Excel exports a title row), the delimiter by
which of `, ; TAB |` makes that row a header we recognise (European Excel
writes `;`; ClinicalTrials.gov puts `|` inside its cells). Quoted cells may
hold newlines, so records are CSV rows, not text lines, and problems name the
line where a row starts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from functools import lru_cache
from itertools import islice
from pathlib import Path

from review.errors import ImportFormatError, Problem
from review.importers import columns as col
from review.importers.base import Document, Format, refuse
from review.importers.tabular_rows import row_draft
from review.models import RecordDraft

_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".tab"})
_DELIMITERS = (",", ";", "\t", "|")
_HEADER_ROWS = 30
"""How far down the header row may sit (Embase: 3 preamble rows)."""
_SNIFF_BYTES = 65_536

# Big enough for any real cell (abstracts with embedded tables, CT.gov outcome
# lists) and still a 32-bit C long on every platform.
_FIELD_LIMIT = 1 << 30


def _sniff_csv(path: Path, head: str) -> bool:
    layout = _layout(head, 2) if path.suffix.lower() in _SUFFIXES else None
    return layout is not None and layout[0] != "\t"


def _sniff_tsv(path: Path, head: str) -> bool:
    layout = _layout(head, 2) if path.suffix.lower() in _SUFFIXES else None
    return layout is not None and layout[0] == "\t"


def _sniff_xlsx(path: Path, head: str) -> bool:
    """Workbooks are routed by their `PK` magic bytes, never by decoded text."""
    return False


@lru_cache(maxsize=8)
def _layout(head: str, min_known: int) -> tuple[str, int, col.Table] | None:
    """The delimiter, header row index and column table that fit best.

    Each delimiter is tried on the first rows; the one whose header row
    names the most known columns (one of them a title) wins.
    """
    best: tuple[int, str, int, col.Table] | None = None
    _raise_field_limit()
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
        try:
            found = _header_row(reader, min_known)
        except csv.Error:
            continue
        if found and (best is None or found[1].known() > best[0]):
            best = (found[1].known(), delimiter, found[0], found[1])
    return (best[1], best[2], best[3]) if best else None


def _header_row(rows: Iterable[list[str]], min_known: int) -> tuple[int, col.Table] | None:
    for index, row in enumerate(islice(rows, _HEADER_ROWS)):
        if len(row) < 2 and min_known > 1:
            continue
        table = col.Table(row)
        if table.has_title() and table.known() >= min_known:
            return index, table
    return None


def _raise_field_limit() -> None:
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)


def _parse_text(doc: Document) -> Iterable[RecordDraft]:
    head = doc.head(_SNIFF_BYTES)
    layout = _layout(head, 1)
    if layout is None:
        raise _no_title(doc, _first_row(head))
    delimiter, header_index, table = layout
    _raise_field_limit()
    if delimiter != "\t":
        # Streamed: rows go to the store as they are read (100k rows in flat
        # memory); an error found late still rolls the whole file back.
        return _stream_rows(doc, delimiter, header_index, table)
    try:
        return _read_rows(doc, delimiter, header_index, table, literal_quotes=False)
    except ImportFormatError as exc:
        raise_now = True
        with doc.open_text() as handle:
            raise_now = not any('"' in line for line in handle)
        if raise_now:
            raise
        first_error = exc
    # Tab-delimited exports (legacy ClinicalTrials.gov, WoS) often do not
    # quote at all, so a cell may start with a literal `"`. Read the quotes
    # as text, and accept that reading only if every row then fits.
    try:
        return _read_rows(doc, delimiter, header_index, table, literal_quotes=True)
    except ImportFormatError:
        raise first_error from None


def _stream_rows(
    doc: Document, delimiter: str, header_index: int, table: col.Table
) -> Iterator[RecordDraft]:
    with doc.open_text() as handle:
        reader = csv.reader(doc.counted(handle), delimiter=delimiter, strict=True)
        yield from _records(doc, table, _numbered(doc, reader), header_index, check_width=True)


def _read_rows(
    doc: Document, delimiter: str, header_index: int, table: col.Table, *, literal_quotes: bool
) -> list[RecordDraft]:
    with doc.open_text() as handle:
        reader = csv.reader(
            handle,
            delimiter=delimiter,
            strict=True,
            quoting=csv.QUOTE_NONE if literal_quotes else csv.QUOTE_MINIMAL,
        )
        return list(_records(doc, table, _numbered(doc, reader), header_index, check_width=True))


def _numbered(doc: Document, reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on; a quoting error refuses the file there."""
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(
                f"the file is not valid CSV: {exc}",
                path=doc.path,
                line=start,
                hint="a quote is probably unbalanced; fix it or export the file again",
            ) from None
        yield start, row
        start = reader.line_num + 1  # type: ignore[attr-defined]


def _records(
    doc: Document,
    table: col.Table,
    rows: Iterable[tuple[int, list[str]]],
    header_index: int,
    *,
    check_width: bool,
    binary: bool = False,
) -> Iterator[RecordDraft]:
    width = _named_width(table.header)
    count = 0
    problems: list[Problem] = []
    short: tuple[int, int, list[str]] | None = None
    """(record number, line, row) of the last row that ended early."""
    number = 0
    for index, (line, row) in enumerate(rows):
        if index <= header_index or not any(cell.strip() for cell in row):
            continue
        number += 1
        # Extra empty cells are harmless (Scopus and WoS end every row with a
        # separator, and some headers too); anything else is a broken row.
        if check_width and len(row) < width:
            if short and short[0] == number - 1 and len(short[2]) + len(row) - 1 == width:
                problems[-1] = _split_problem(table, short, line)
            else:
                problems.append(_short_problem(table, number, line, row, width))
            short = (number, line, row)
            continue
        if check_width and len(row) > width and not _only_blank_tail(row, width):
            problems.append(
                Problem(
                    f"record {number} has {len(row)} fields but the header names {width}",
                    line=line,
                )
            )
            continue
        if not problems:  # after the first bad row, only collect the others
            count += 1
            yield row_draft(table, row, count, None if binary else line)
    refuse(doc, problems, "rows", one="row")


def _named_width(header: list[str]) -> int:
    """The header's width without unnamed columns at its end (a trailing separator)."""
    width = len(header)
    while width > 1 and not header[width - 1].strip():
        width -= 1
    return width


def _short_problem(table: col.Table, number: int, line: int, row: list[str], width: int) -> Problem:
    missing = ", ".join(f'"{name}"' for name in table.header[len(row) : width][:5])
    more = " …" if width - len(row) > 5 else ""
    return Problem(
        f'record {number} ends early, after field {len(row)} "{table.header[len(row) - 1]}": '
        f"{missing}{more} missing",
        line=line,
        hint="a field probably holds a line break or quote that is not quoted; export again",
    )


def _split_problem(table: col.Table, short: tuple[int, int, list[str]], line: int) -> Problem:
    number, first, row = short
    field = table.header[len(row) - 1]
    return Problem(
        f"record {number} is split over lines {first} and {line}: "
        f'field "{field}" holds a line break outside quotes',
        line=first,
        hint=f'put the "{field}" value in double quotes, or export the file again',
    )


def _only_blank_tail(row: list[str], width: int) -> bool:
    return len(row) > width and not any(cell.strip() for cell in row[width:])


def _no_title(doc: Document, header: list[str]) -> ImportFormatError:
    found = ", ".join(f'"{c.strip()}"' for c in header[:40] if c.strip()) or "none"
    return ImportFormatError(
        "no title column in the header row",
        path=doc.path,
        line=1,
        hint=f"columns found: {found}; title columns we know: {col.known_titles()}",
    )


def _first_row(head: str) -> list[str]:
    """The first non-empty row, split by the delimiter that gives the most cells."""
    line = next((line for line in head.splitlines() if line.strip()), "")
    rows = []
    for delimiter in _DELIMITERS:
        try:
            rows.append(next(csv.reader([line], delimiter=delimiter), []))
        except csv.Error:
            continue
    return max(rows, key=len, default=[])


# --- Excel -----------------------------------------------------------------


def _parse_xlsx(doc: Document) -> list[RecordDraft]:
    import openpyxl  # deferred: only workbooks need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(doc.data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError …
        raise ImportFormatError(
            f"not a readable Excel workbook ({type(exc).__name__}: {exc})",
            path=doc.path,
            hint="open it in Excel and save it again as .xlsx, or export as CSV",
        ) from None
    try:
        return _read_book(doc, book)
    finally:
        book.close()


def _read_book(doc: Document, book: object) -> list[RecordDraft]:
    found: list[tuple[str, list[list[str]], int, col.Table]] = []
    first_rows: list[str] = []
    for sheet in book.worksheets:  # type: ignore[attr-defined]
        sheet.reset_dimensions()  # some writers record a wrong sheet size
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        header = _header_row(rows, 1)
        if header is not None:
            found.append((sheet.title, rows, header[0], header[1]))
        elif not first_rows:
            first_rows = next((r for r in rows if any(c.strip() for c in r)), [])
    if not found:
        raise _no_title(doc, first_rows)
    if len(found) > 1:
        names = ", ".join(f'"{name}"' for name, *_ in found)
        raise ImportFormatError(
            f"the workbook has {len(found)} sheets with records: {names}",
            path=doc.path,
            hint="save each sheet as its own file and import them one by one",
        )
    _, rows, header_index, table = found[0]
    numbered = ((number, row) for number, row in enumerate(rows, start=1))
    return list(_records(doc, table, numbered, header_index, check_width=False, binary=True))


def _text(value: object) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


FORMATS = [
    Format("xlsx", "Excel workbook (.xlsx, any vendor)", _sniff_xlsx, _parse_xlsx, binary=True),
    Format("tsv", "Tab-delimited (WoS, ClinicalTrials.gov, any vendor)", _sniff_tsv, _parse_text),
    Format("csv", "CSV (Scopus, Embase, PubMed, Covidence, Rayyan …)", _sniff_csv, _parse_text),
]
