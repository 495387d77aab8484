"""Every importable format, in the order sniffing tries them.

Content decides, not the extension: a `.txt` may be MEDLINE, RIS, WoS or a
saved web page. Each parser module exposes `FORMATS`, a list of `Format`.
More specific signatures come first; `text` (a plain document) comes last.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from review.errors import ImportFormatError
from review.importers.base import Document, Format, decode

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
    "text",  # a saved web page, registry or PubMed page: one record per file
)

SNIFF_BYTES = 65_536


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
    raise ImportFormatError(f"unknown format {name!r}", hint=f"choose one of: {names}")


def sniff(path: Path, head: str) -> Format | None:
    """The first format whose signature matches the start of the file."""
    for fmt in formats():
        if fmt.sniff(path, head):
            return fmt
    return None


def read_document(
    path: Path, *, encoding: str | None = None, format_name: str | None = None
) -> tuple[Document, Format]:
    """Read a file, decode it and pick its format; refuse empty or unknown files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read file: {exc.strerror}", path=path) from None
    if not data.strip():
        raise ImportFormatError(
            "the file is empty", path=path, hint="export the search results again"
        )
    binary = by_name("xlsx") if data[:4] == b"PK\x03\x04" else None
    if format_name:
        fmt = by_name(format_name)
        binary = fmt if fmt.binary else None
    if binary is not None:
        return Document(path, data, "", "binary"), binary
    text, used = decode(data, path, encoding)
    doc = Document(path, data, text, used)
    fmt = by_name(format_name) if format_name else sniff(path, text[:SNIFF_BYTES])
    if fmt is None:
        raise ImportFormatError(
            "cannot tell what format this file is",
            path=path,
            hint="name it with --format (see `review import --help` for the list)",
        )
    return doc, fmt
