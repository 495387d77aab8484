"""What a path picked in the import dialog would import as, read before the
import: each file's format and encoding, as `review formats` says it."""

from __future__ import annotations

from pathlib import Path

from review.errors import ImportFormatError
from review.importers import sniff_file

SNIFF_AT_MOST = 20
"""Files of a picked folder whose format is shown (the import reads them all)."""


def describe(path: Path, own: frozenset[Path] = frozenset()) -> str:
    """What `review formats` says of a file, or of the first files of a folder;
    the `own` files (the open review's) are left unread."""
    if not str(path) or not path.exists():
        return "Format: no such file or folder yet"
    if path.resolve() in own:
        return "Format: this review's own file (not imported)"
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.is_file())
    files = [f for f in files if f.resolve() not in own]
    if not files:
        return "Format: the folder holds no files"
    lines = []
    for file in files[:SNIFF_AT_MOST]:
        try:
            fmt, encoding = sniff_file(file)
        except ImportFormatError as exc:
            lines.append(f"{file.name}: {exc.message}")
            continue
        lines.append(f"{file.name}: {fmt.label}, {encoding}")
    if len(files) > SNIFF_AT_MOST:
        lines.append(f"… and {len(files) - SNIFF_AT_MOST} more files")
    return "Format: " + "\n".join(lines) if len(lines) == 1 else "\n".join(lines)
