"""Zip archives (ClinicalTrials.gov's "Download"): each member read by its own format.

An archive is one source. Its members are opened, sniffed and parsed one by
one, as if each were a file given on the command line; their records are
numbered on across members, and a member that fails refuses the whole
archive (the ingest rolls back), named as `archive.zip/member.json:line`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from review.errors import ImportFormatError
from review.importers.base import Document, Format
from review.models import RecordDraft

_SKIPPED = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _sniff(path: Path, head: str) -> bool:
    """Archives are routed by their `PK` magic bytes, never by decoded text."""
    return False


def _parse(doc: Document) -> Iterator[RecordDraft]:
    from review.importers import open_bytes  # deferred: the package imports this module

    try:
        # From disk when it is one (a large archive is never held in memory).
        archive = zipfile.ZipFile(doc.path if doc.path.is_file() else io.BytesIO(doc.data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(
            f"not a readable zip archive ({exc})",
            path=doc.path,
            hint="download it again, or unpack it and import the files inside",
        ) from None
    with archive:
        members = [info for info in archive.infolist() if _wanted(info)]
        if not members:
            raise ImportFormatError(
                "the zip archive holds no files to import",
                path=doc.path,
                hint="download the results again, or import the files themselves",
            )
        position = 0
        for info in members:
            member = doc.path / info.filename
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ImportFormatError(
                    f"cannot unpack this member ({exc})",
                    path=member,
                    hint="download the archive again",
                ) from None
            if data[:4] == b"PK\x03\x04" and not info.filename.endswith(".xlsx"):
                raise ImportFormatError(
                    "a zip archive inside the zip archive",
                    path=member,
                    hint="unpack the inner archive and import its files",
                )
            inner, fmt = open_bytes(member, data)
            for draft in fmt.parse(inner):
                position += 1
                draft.position = position
                draft.extra.setdefault("archive_member", info.filename)
                yield draft


def _wanted(info: zipfile.ZipInfo) -> bool:
    """Files, without macOS resource forks, hidden files and folder litter."""
    if info.is_dir():
        return False
    parts = PurePosixPath(info.filename).parts
    return not (parts[0] == "__MACOSX" or parts[-1].startswith(".") or parts[-1] in _SKIPPED)


FORMATS = [
    Format("zip", "Zip archive (each file read by its own format)", _sniff, _parse, binary=True)
]
