"""Refusals of the plain-text importer: files that hold many records or a table, not a page.

`text` is the fallback format, so whatever no other sniffer claimed ends up
here: a damaged RIS file, a MEDLINE export forced with `--format text`, a
spreadsheet saved as .txt. Reading any of those as one "web page" would glue
hundreds of records into one silently; they are refused with the lines where
records start.
"""

from __future__ import annotations

import re
from collections import Counter

from review.errors import ImportFormatError, Problem
from review.importers.base import Document
from review.importers.text_lines import CITATION, LABEL, Block
from review.wording import counted

# Record starts of each tagged format, with any margin: a copy pasted from a
# mail or a web page may indent every line, and is still that export.
_EXPORTS = (
    ("MEDLINE", re.compile(r"^\s*PMID- ?\d")),
    ("RIS", re.compile(r"^\s*TY {1,2}- ")),
    ("Ovid", re.compile(r"^\s*<\s*\d+\s*\.?\s*>\s*$")),
    ("EndNote tagged", re.compile(r"^\s*%0 ")),
    ("Web of Science", re.compile(r"^\s*PT [A-Z]\s*$")),
    ("BibTeX", re.compile(r"^\s*@[A-Za-z]+\s*[{(]")),
    # No format's record start, but a title tag per record: still a list.
    ("tagged (RIS-like)", re.compile(r"^\s*(?:TI|T1) {1,2}- \S")),
)
_TAGGED = re.compile(
    r"^\s*(?:[A-Z][A-Z0-9]{1,3} {0,3}- |%[A-Z0-9] |[A-Z][A-Z0-9] |ER\s*$)|^\s{2,}\S"
)
_NUMBERED = re.compile(r"^\d{1,5}\.\s")
_PMID = re.compile(r"\b(\d{1,9})\b")
_SENTENCE = re.compile(r"[^\W\d_]{2}[.!?](?:\s|$)")
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?%?$")


def refuse_exports(doc: Document, lines: list[str]) -> None:
    """Refuse a tagged bibliographic export: two record starts, or one record
    whose tagged lines make up most of the file."""
    filled = [line for line in lines if line.strip()]
    if any(line.startswith("Database:") for line in filled[:5]) and any(
        line.strip() == "Search Strategy:" for line in filled[:10]
    ):
        _refuse(
            doc,
            "this is an Ovid search strategy with no records after it, not a saved page",
            [],
            "the export was probably cut short: download the results from Ovid again",
        )
    tagged = sum(1 for line in filled if _TAGGED.match(line))
    for name, marker in _EXPORTS:
        starts = [n for n, line in enumerate(lines, 1) if marker.match(line)]
        if len(starts) >= 2 or (starts and tagged * 2 >= len(filled)):
            _refuse(
                doc,
                f"this looks like a {name} export with {counted(len(starts), 'record')}, "
                "not a saved page",
                starts,
                _fix(name, [lines[n - 1] for n in starts]),
            )
    _refuse_table(doc, filled)


def _fix(name: str, starts: list[str]) -> str:
    """What to do: remove a margin that hides the tags, or name the format."""
    if name.startswith("tagged"):
        return (
            "export the results again as RIS, MEDLINE or CSV (one record per `TY`, "
            "`PMID-` or row); a list of tagged records is not one page"
        )
    if all(line[:1] in (" ", "\t") for line in starts):
        return (
            "every line is indented: remove the leading spaces (e.g. "
            f"`sed 's/^ *//' FILE > fixed.txt`) and import the result as {name}"
        )
    return f"import it as {name} (leave out --format, or name that format)"


def _refuse_table(doc: Document, filled: list[str]) -> None:
    """Rows of a spreadsheet or data table: most lines split into the same
    number (3 or more) of fields by one delimiter or by spaces, or hold
    three or more bare numbers and no sentence."""
    if len(filled) < 3:
        return
    numeric = sum(
        1
        for line in filled
        if len(line) <= 300
        and not _SENTENCE.search(line)
        and sum(1 for token in line.split() if _NUMBER.match(token)) >= 3
    )
    if len(filled) >= 5 and numeric * 5 >= len(filled) * 4:
        _refuse(
            doc,
            f"this looks like a data table ({numeric} rows of numbers), not a saved page",
            [],
            "import a search export as CSV/TSV, or save the web page itself as text",
        )
    for delimiter in ("\t", ",", ";", "|", None):
        if delimiter is None and len(filled) < 5:
            continue
        counts = Counter(
            len(line.split(delimiter)) if delimiter else len(line.split()) for line in filled
        )
        fields, rows = counts.most_common(1)[0]
        if fields >= 3 and rows * 5 >= len(filled) * 4:
            if delimiter is None and any(_SENTENCE.search(line) for line in filled[:3]):
                continue
            what = {None: "spaces", "\t": "tabs"}.get(delimiter, f"'{delimiter}'")
            _refuse(
                doc,
                f"this looks like a table of {rows} rows with {fields} fields "
                f"separated by {what}, not a saved page",
                [],
                "import a search export as CSV/TSV, or save the web page itself as text",
            )


def refuse_several_records(doc: Document, blocks: list[Block]) -> None:
    """A PubMed "Abstract (text)" export numbers its records `1. J. 2020;…` and
    gives each a `PMID:` line; a page has one citation and one PMID."""
    starts = [b.line.number for b in blocks if b.kind == CITATION and _NUMBERED.match(b.text)]
    pmids = {
        found.group(1)
        for b in blocks
        if b.kind == LABEL and b.field == "pmid"
        for v in b.values[:1]
        if (found := _PMID.search(v.text))
    }
    if len(starts) >= 2 or len(pmids) >= 2:
        _refuse(
            doc,
            f"this file holds {max(len(starts), len(pmids))} records "
            "(numbered citations or PMID lines), not one page",
            starts,
            "export the results from PubMed as 'PubMed' (MEDLINE) format and import that",
        )


def _refuse(doc: Document, message: str, starts: list[int], hint: str) -> None:
    raise ImportFormatError(
        message,
        path=doc.path,
        problems=[Problem("a record starts here", line=n) for n in starts],
        hint=hint,
    )
