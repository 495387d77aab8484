"""Every importable format, in the order sniffing tries them.

Content decides, not the extension: a `.txt` may be MEDLINE, RIS, WoS or a
saved web page. Each parser module exposes `FORMATS`, a list of `Format`.
More specific signatures come first; `text` (a plain document) comes last.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from functools import cache
from pathlib import Path

from review.errors import ImportFormatError, UsageError
from review.importers.base import (
    Document,
    Format,
    check_codec,
    decode,
    detect_encoding,
    refuse_binary,
)

_MODULES = (
    "tabular",  # xlsx by magic bytes, csv/tsv by header row (vendor columns)
    "pubmed_xml",
    "endnote_xml",
    "endnote_tagged",  # EndNote/Refer tagged text (%0, %T …)
    "ctgov_json",
    "wos",  # Web of Science plain text (FN/VR/PT …)
    "medline",  # PubMed MEDLINE / .nbib (PMID- …)
    "ovid",  # Ovid tagged export with <1. > headers
    "ris",
    "bibtex",
    "archive",  # zip: xlsx workbooks, or archives read member by member
    "text",  # a saved web page, registry or PubMed page: one record per file
)

SNIFF_BYTES = 65_536
SNIFF_CHARS = 65_536


@cache
def formats() -> tuple[Format, ...]:
    found: list[Format] = []
    for name in _MODULES:
        module = importlib.import_module(f"review.importers.{name}")
        found.extend(module.FORMATS)
    return tuple(found)


def by_name(name: str) -> Format:
    for fmt in formats():
        if fmt.name == name:
            return fmt
    names = ", ".join(f.name for f in formats())
    raise UsageError(f"unknown format {name!r}", hint=f"choose one of: {names}")


def sniff(path: Path, head: str) -> Format | None:
    """The first format whose signature matches the start of the file."""
    for fmt in formats():
        if fmt.sniff(path, head):
            return fmt
    return None


STREAM_ABOVE = 32 << 20
"""Files larger than this (bytes) are streamed rather than held in memory."""


def read_document(
    path: Path, *, encoding: str | None = None, format_name: str | None = None
) -> tuple[Document, Format]:
    """Open a file, check its encoding and pick its format; refuse empty or unknown files.

    The returned document carries `sha256` and `size` of the file's bytes.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise ImportFormatError(f"cannot read file: {exc.strerror}", path=path) from None
    if size > STREAM_ABOVE:
        # Its hash is computed when first asked for (`Document.sha256`): by
        # then the import has started parsing it in a second process.
        fmt = _binary_format(path, head, format_name, None)
        if fmt is not None:
            return Document(path, None, None, "binary", size=size), fmt
        # Decoding is checked as the file streams: an error stops the parse
        # and the import's transaction rolls back.
        name = encoding or detect_encoding(head[:200])
        check_codec(name, path)
        doc = Document(path, None, None, name, size=size)
        text_head = head.decode(name, errors="ignore").removeprefix("\ufeff")
        return doc, _text_format(path, text_head, format_name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read file: {exc.strerror}", path=path) from None
    return open_bytes(path, data, encoding=encoding, format_name=format_name)


def open_bytes(
    path: Path,
    data: bytes,
    *,
    encoding: str | None = None,
    format_name: str | None = None,
) -> tuple[Document, Format]:
    """`read_document` for bytes in hand (a file, or a member of a zip archive)."""
    fmt = _binary_format(path, data[:SNIFF_BYTES], format_name, data)
    if fmt is not None:
        return Document(path, data, None, "binary", size=len(data)), fmt
    name = encoding or detect_encoding(data[:200])
    check_codec(name, path)
    text, name = decode(data, path, name)
    doc = Document(path, data, text, name, size=len(data))
    return doc, _text_format(path, text[:SNIFF_CHARS], format_name)


def _binary_format(
    path: Path, head: bytes, format_name: str | None, data: bytes | None
) -> Format | None:
    """Workbooks and zip archives by their magic bytes; other binaries refused by name.

    `data` is the whole file when in hand, else it is read from `path`.
    """
    if not head.strip():
        raise ImportFormatError(
            "the file is empty", path=path, hint="export the search results again"
        )
    fmt = by_name(format_name) if format_name else None
    if fmt is not None and fmt.binary:
        return fmt
    if fmt is None and head[:4] == b"PK\x03\x04":
        return by_name("xlsx" if _is_workbook(io.BytesIO(data) if data else path) else "zip")
    refuse_binary(head, path)
    return None


def _text_format(path: Path, head: str, format_name: str | None) -> Format:
    fmt = by_name(format_name) if format_name else sniff(path, head)
    if fmt is None:
        raise ImportFormatError(
            "cannot tell what format this file is",
            path=path,
            hint="name it with --format (see `review formats` for the list)",
        )
    return fmt


def _is_workbook(source: Path | io.BytesIO) -> bool:
    """An .xlsx is a zip with `xl/workbook.xml`; any other zip is an archive of files."""
    try:
        with zipfile.ZipFile(source) as archive:
            return any(name.startswith("xl/workbook") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def sniff_file(path: Path, *, encoding: str | None = None) -> tuple[Format, str]:
    """The format and encoding `read_document` would pick, from the file's
    first bytes only: cheap enough to show while a user picks files.

    Raises the `ImportFormatError` the import would for an unreadable, empty
    or unrecognised file; a decoding error further in is left to the import.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise ImportFormatError(f"cannot read file: {exc.strerror}", path=path) from None
    binary = _binary_format(path, head, None, None)
    if binary is not None:
        return binary, "binary"
    name = encoding or detect_encoding(head[:200])
    check_codec(name, path)
    fmt = sniff(path, head.decode(name, errors="ignore").removeprefix("\ufeff"))
    if fmt is None:
        raise ImportFormatError(
            "cannot tell what format this file is",
            path=path,
            hint="name it with --format (see `review formats` for the list)",
        )
    return fmt, name
