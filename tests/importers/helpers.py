"""What the importer tests share: sniffing a file, parsing bytes with one format."""

from __future__ import annotations

from pathlib import Path

from review.importers import read_document
from review.importers.base import Document, Format, decode
from review.models import RecordDraft


def sniffed(path: Path) -> str:
    """The format `read_document` picks, going through the whole sniff order."""
    return read_document(path)[1].name


def parse_bytes(
    fmt: Format, data: bytes, name: str = "inline.txt", encoding: str | None = None
) -> list[RecordDraft]:
    """Parse bytes as `fmt` (no sniffing), decoded the way an import decodes them."""
    path = Path(name)
    text, used = decode(data, path, encoding)
    return list(fmt.parse(Document(path, data, text, used)))


def parse_file(fmt: Format, path: Path, encoding: str | None = None) -> list[RecordDraft]:
    return parse_bytes(fmt, path.read_bytes(), str(path), encoding)


def lenient_document(data: bytes, name: str) -> Document:
    """Fuzz input as a document: undecodable bytes replaced, so the parser is tested."""
    return Document(Path(name), data, data.decode("utf-8", "replace"), "utf-8")
