"""Every importable format, in the order sniffing tries them.

Content decides, not the extension: a `.txt` may be MEDLINE, RIS, WoS or a
saved web page. Each parser module exposes `FORMATS`, a list of `Format`.
More specific signatures come first; `text` (a plain document) comes last.
"""

from __future__ import annotations

import hashlib
import importlib
from functools import cache
from pathlib import Path

from review.errors import ImportFormatError, UsageError
from review.importers.base import (
    Document,
    Format,
    check_codec,
    decode,
    detect_encoding,
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
        digest, head = _hash_and_head(path)
    except OSError as exc:
        raise ImportFormatError(f"cannot read file: {exc.strerror}", path=path) from None
    if not head.strip():
        raise ImportFormatError(
            "the file is empty", path=path, hint="export the search results again"
        )
    fmt = by_name(format_name) if format_name else None
    if (fmt is None and head[:4] == b"PK\x03\x04") or (fmt is not None and fmt.binary):
        return Document(path, None, None, "binary", sha256=digest, size=size), fmt or by_name(
            "xlsx"
        )
    name = encoding or detect_encoding(head[:200])
    check_codec(name, path)
    if size > STREAM_ABOVE:
        # Decoding is checked as the file streams: an error stops the parse
        # and the import's transaction rolls back.
        doc = Document(path, None, None, name, sha256=digest, size=size)
        text_head = head.decode(name, errors="ignore").removeprefix("\ufeff")
    else:
        data = path.read_bytes()
        text, name = decode(data, path, name)
        doc = Document(path, data, text, name, sha256=digest, size=size)
        text_head = text[:SNIFF_CHARS]
    fmt = fmt or sniff(path, text_head)
    if fmt is None:
        raise ImportFormatError(
            "cannot tell what format this file is",
            path=path,
            hint="name it with --format (see `review formats` for the list)",
        )
    return doc, fmt


def _hash_and_head(path: Path) -> tuple[str, bytes]:
    digest = hashlib.sha256()
    head = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            digest.update(chunk)
    return digest.hexdigest(), head
