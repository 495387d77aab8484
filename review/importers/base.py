"""What every parser receives and must guarantee.

A parser is a pure function `parse(doc) -> list[RecordDraft]`. It either
returns every record in the file, or raises `ImportFormatError` whose
`problems` give the line numbers of what did not parse. Parsers never touch
the store; `ingest.py` does that in one transaction.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from review.errors import ImportFormatError, Problem
from review.models import RecordDraft

_NEWLINE = re.compile(r"\r\n|\r|\n")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    """A file as parsers see it: raw bytes plus the decoded text."""

    path: Path
    data: bytes
    text: str
    """Decoded text without BOM; empty for binary formats (xlsx)."""
    encoding: str

    def lines(self) -> list[str]:
        return split_lines(self.text)


class Format(NamedTuple):
    """One importable format: how to recognise it and how to parse it."""

    name: str
    """Stored in the sources table, e.g. `ris`, `medline`, `csv`."""
    label: str
    """Shown to users, e.g. 'RIS (any vendor)'."""
    sniff: Callable[[Path, str], bool]
    """Given the path and the first ~64 KiB of decoded text: is this ours?"""
    parse: Callable[[Document], list[RecordDraft]]
    binary: bool = False
    """True when the parser reads `doc.data` (xlsx) and needs no decoded text."""


def split_lines(text: str) -> list[str]:
    """Split on CRLF, bare CR and LF only.

    `str.splitlines` also splits on form feeds, U+2028 and friends, which
    occur inside abstracts and would silently cut a field in two.
    """
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def find_doi(text: str | None) -> str | None:
    """The first DOI in free text, bare and lower-case, trailing punctuation cut."""
    if not text:
        return None
    match = _DOI.search(text)
    return clean_doi(match.group(1)) if match else None


def clean_doi(value: str | None) -> str | None:
    """`https://doi.org/10.1/ABC.` → `10.1/abc`; None when it is not a DOI."""
    if not value:
        return None
    match = _DOI.search(value.strip())
    if not match:
        return None
    return match.group(1).rstrip(".,;)]}").lower()


def parse_year(value: str | None) -> int | None:
    """The first plausible four-digit year (1800–2199) in a date-like string."""
    if not value:
        return None
    match = re.search(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)", value)
    return int(match.group(1)) if match else None


def check_count(
    doc: Document, records: list[RecordDraft], expected: int, what: str
) -> None:
    """Refuse the file when the parser found a different number of records
    than the file announces (e.g. `TY  -` lines, `PMID-` lines, `@` entries)."""
    if len(records) != expected:
        raise ImportFormatError(
            f"found {expected} {what} but parsed {len(records)} records",
            path=doc.path,
            hint="the file may be truncated or mix formats; nothing was imported",
        )


def refuse(doc: Document, problems: list[Problem], what: str) -> None:
    """Raise one error listing every problem, if there are any."""
    if problems:
        raise ImportFormatError(
            f"{len(problems)} {what} did not parse; nothing was imported",
            path=doc.path,
            problems=problems,
            hint="fix or remove the lines listed, or export the file again",
        )


def decode(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text and name the encoding used.

    UTF-8 (with or without BOM) and UTF-16 (BOM or the NUL pattern of ASCII
    text) are detected; anything else must be named with `--encoding`. We
    never fall back to latin-1, which decodes every byte and so turns a
    cp1252 or GBK file into silent mojibake.
    """
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except LookupError:
            raise ImportFormatError(
                f"unknown encoding {encoding!r}",
                path=path,
                hint="use a Python codec name such as utf-8, cp1252, latin-1, gbk",
            ) from None
        except UnicodeDecodeError as exc:
            raise _decode_error(data, path, exc, encoding) from None
    if data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name = "utf-16"
    elif len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        name = "utf-16-le"
    elif len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:
        name = "utf-16-be"
    else:
        name = "utf-8"
    try:
        return data.decode(name).removeprefix("\ufeff"), name
    except UnicodeDecodeError as exc:
        raise _decode_error(data, path, exc, name) from None


def _decode_error(
    data: bytes, path: Path, exc: UnicodeDecodeError, tried: str
) -> ImportFormatError:
    line = data.count(b"\n", 0, exc.start) + 1
    guess = _guess_encoding(data)
    hint = (
        f"it looks like {guess}: run the import again with --encoding {guess}"
        if guess
        else "name the file's encoding with --encoding (e.g. cp1252, gbk)"
    )
    return ImportFormatError(
        f"not valid {tried} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
        path=path,
        line=line,
        hint=hint,
    )


def _guess_encoding(data: bytes) -> str | None:
    """A suggestion for the hint only; it is never applied silently."""
    from charset_normalizer import from_bytes  # deferred: only on failure

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None
