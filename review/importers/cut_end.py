"""A file cut at its end: a download stopped, `head -c`, a copy interrupted.

Formats that close each record with a tag (RIS and Web of Science `ER`)
show a cut as a last record without it, but a file that never writes the
tag, or MEDLINE, which has none, shows it only in its last line: no line
break after it, and it stops inside a word or inside the blank indent of a
continuation line. A complete file that merely lacks its last line break
ends on a whole value far more often (`.` after a source, a digit, a bracket).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from review.errors import ImportFormatError
from review.importers.base import Document

EXPORT_AGAIN = "export the search results again (the download or copy did not finish)"
"""The hint for a file cut short."""


class LastLine:
    """A file's lines, remembering the last one read and its number, for
    the check below once the parser has reached the end."""

    __slots__ = ("_lines", "number", "text")

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = lines
        self.text = ""
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for number, text in enumerate(self._lines, 1):
            self.number, self.text = number, text
            yield text


def refuse_cut_end(doc: Document, last: str, number: int, field: str, *, closed: bool) -> None:
    """Refuse the file when its last line stops mid-word (or in a blank
    indent) with no line break after it: the last record lost its end.

    `closed` says whether the file's format or its other records close each
    record with an end tag; when they do not, the cut cannot be told from a
    complete file that only lacks its final line break, so the hint says
    how to import such a file as it is.
    """
    if doc.ends_with_line_break():
        return
    named = f" in `{field}`" if field else ""
    if last[-1:].isalpha():
        where = f"in the middle of a word{named}"
    elif last and not last.strip():
        where = f"in the indent of a continuation line{named}"
    else:
        return
    hint = EXPORT_AGAIN
    if not closed:
        hint += "; if the file is complete, end it with a line break"
    raise ImportFormatError(
        f"the file ends {where}: it was cut; nothing was imported",
        path=doc.path,
        line=number,
        hint=hint,
    )
